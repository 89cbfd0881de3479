#!/usr/bin/env bash
# Crash safety as a test: kills whet with SIGKILL at random moments during index, run, eval, prompt save (the
# workbench, in tmux), rating and `finetune status --add-backend` (a whet.toml edit), then checks after every
# kill that every file still parses (a torn record is the only damage allowed), that nothing a finished
# command wrote is lost, and that the same command run again succeeds and resumes. Then a disk-full case on a
# small tmpfs (when the machine lets root mount one). Prints the counts; exits 1 on the first finding.
#
# usage: Tests/crash/kill-test.sh [WHET_BINARY]     (KILLS=N sets the number of kills, default 204)
set -euo pipefail
cd "$(dirname "$0")/../.."
WHET="$(realpath "${1:-.build/debug/whet}")"
KILLS="${KILLS:-204}"
here="$(pwd)"
work="$(mktemp -d /tmp/whet-kill.XXXXXX)"
ws="$work/ws"
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  tmux -L whet-kill kill-server 2>/dev/null || true
  mountpoint -q "$work/full" 2>/dev/null && umount "$work/full" || true
  rm -rf "$work"
}
trap cleanup EXIT

fail() { echo "kill-test: FAIL: $*" >&2; exit 1; }

# A copy of the demo with a bigger corpus (so indexing takes long enough to be interrupted) and a backend on
# a loopback server that answers fine-tuning status requests.
mkdir -p "$ws"
(cd workspaces/demo && tar cf - --exclude=.whet --exclude='sessions/*' --exclude=evals/results --exclude=finetune .) | (cd "$ws" && tar xf -)
for copy in $(seq 1 12); do mkdir -p "$ws/corpus/copy$copy" && cp -r "$ws/corpus/support" "$ws/corpus/copy$copy/"; done
python3 Tests/crash/finetune_server.py "$work/port" &
server_pid=$!
for _ in $(seq 1 50); do [ -s "$work/port" ] && break; sleep 0.1; done
port="$(cat "$work/port")"
cat >> "$ws/whet.toml" <<EOF

[backends.ftserver]
kind = "openai"
model = "gpt-4o-mini"
base_url = "http://127.0.0.1:$port/v1"
EOF
export FT_KEY_UNUSED=1 OPENAI_API_KEY="sk-kill-test"

check() {
  python3 Tests/crash/check_workspace.py "$ws" > "$work/check" || fail "after $1: $(cat "$work/check")"
}

# Runs "$@" and SIGKILLs it after a random delay up to $max_ms; sets $killed (1 when the kill landed while the
# command was running) and $status.
max_ms=500
run_and_kill() {
  "$@" > "$work/out" 2>&1 &
  local pid=$! delay=$((RANDOM % max_ms))
  sleep "$(printf '0.%03d' "$delay")"
  killed=0
  if kill -9 "$pid" 2>/dev/null; then killed=1; fi
  status=0
  wait "$pid" 2>/dev/null || status=$?
  if [ "$killed" = 1 ] && [ "$status" != 137 ]; then killed=0; fi   # it had finished just before
}

# Times one undisturbed run of a command, in milliseconds, so kills land across its whole duration.
duration_ms() {
  local start end
  start=$(date +%s%N)
  "$@" > "$work/out" 2>&1 || fail "undisturbed '$*' failed: $(tail -3 "$work/out")"
  end=$(date +%s%N)
  echo $(( (end - start) / 1000000 + 20 ))
}

declare -A kills completed
total_kills=0
per_kind=$(( (KILLS + 5) / 6 ))

session=""
# --- index -------------------------------------------------------------------------------------------------
max_ms=$(duration_ms "$WHET" -C "$ws" index --rebuild)
kills[index]=0; completed[index]=0
while [ "${kills[index]}" -lt "$per_kind" ]; do
  run_and_kill "$WHET" -C "$ws" index --rebuild
  if [ "$killed" = 1 ]; then kills[index]=$((kills[index] + 1)); else completed[index]=$((completed[index] + 1)); fi
  check "index"
  "$WHET" -C "$ws" index > "$work/out" 2>&1 || fail "index after a kill: $(tail -3 "$work/out")"
done
"$WHET" -C "$ws" search --top-k 1 "rotate api key" > "$work/out" 2>&1 || fail "search after the index kills: $(tail -3 "$work/out")"
grep -q "api-keys.md" "$work/out" || fail "search after the index kills found: $(cat "$work/out")"

# --- run ---------------------------------------------------------------------------------------------------
"$WHET" -C "$ws" run --session new --var "question=How do I rotate my API key?" > /dev/null 2>&1 || fail "first run"
session="$(ls "$ws/sessions" | grep -v '^\.' | head -1)"
max_ms=$(duration_ms "$WHET" -C "$ws" run --session "$session" --var "question=What are the rate limits?")
runs_done=2
kills[run]=0; completed[run]=0
while [ "${kills[run]}" -lt "$per_kind" ]; do
  run_and_kill "$WHET" -C "$ws" run --session "$session" --var "question=What are the rate limits?"
  if [ "$killed" = 1 ]; then kills[run]=$((kills[run] + 1)); else completed[run]=$((completed[run] + 1)); runs_done=$((runs_done + 1)); fi
  check "run"
  "$WHET" -C "$ws" run --session "$session" --var "question=How do I rotate my API key?" > "$work/out" 2>&1 \
    || fail "run after a kill: $(tail -3 "$work/out")"
  runs_done=$((runs_done + 1))
done
python3 - "$ws/sessions/$session/runs.jsonl" "$runs_done" <<'EOF' || fail "run records"
import json, sys
numbers = []
for line in open(sys.argv[1], "rb"):
    try: numbers.append(json.loads(line)["run"])
    except ValueError: pass
assert len(numbers) >= int(sys.argv[2]), f"{len(numbers)} records for {sys.argv[2]} finished runs"
assert len(set(numbers)) == len(numbers), "duplicate run numbers"
EOF
"$WHET" -C "$ws" show "$session" > /dev/null 2>&1 || fail "show after the run kills"

# --- rate --------------------------------------------------------------------------------------------------
max_ms=$(duration_ms "$WHET" -C "$ws" rate "$session" 1 good --corrected "Rotate it in the console.")
kills[rate]=0; completed[rate]=0
while [ "${kills[rate]}" -lt "$per_kind" ]; do
  run=$(( (RANDOM % runs_done) + 1 ))
  run_and_kill "$WHET" -C "$ws" rate "$session" "$run" bad --corrected "Answer $run, corrected."
  if [ "$killed" = 1 ]; then kills[rate]=$((kills[rate] + 1)); else completed[rate]=$((completed[rate] + 1)); fi
  check "rate"
  "$WHET" -C "$ws" rate "$session" "$run" good > "$work/out" 2>&1 || fail "rate after a kill: $(tail -3 "$work/out")"
done

# --- eval --------------------------------------------------------------------------------------------------
max_ms=$(duration_ms "$WHET" -C "$ws" eval --no-cache --concurrency 4 --repeat 3 evals/support.jsonl)
rm -rf "$ws/evals/results"
kills[eval]=0; completed[eval]=0
expected_cells=""
while [ "${kills[eval]}" -lt "$per_kind" ]; do
  run_and_kill "$WHET" -C "$ws" eval --no-cache --concurrency 4 --repeat 3 evals/support.jsonl
  if [ "$killed" = 1 ]; then kills[eval]=$((kills[eval] + 1)); else completed[eval]=$((completed[eval] + 1)); fi
  check "eval"
  "$WHET" -C "$ws" eval --no-cache --concurrency 4 --repeat 3 --json evals/support.jsonl > "$work/eval.json" 2> "$work/out" \
    || fail "eval after a kill: $(tail -3 "$work/out")"
  cells=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$work/eval.json")
  [ -z "$expected_cells" ] && expected_cells=$cells
  [ "$cells" = "$expected_cells" ] || fail "eval resumed with $cells cells, expected $expected_cells"
  # Start the next round from nothing half of the time, so kills also land in a fresh eval.
  [ $((RANDOM % 2)) = 0 ] && rm -rf "$ws/evals/results"
done
python3 - "$ws/evals/results" <<'EOF' || fail "eval results"
import json, pathlib, sys
for path in pathlib.Path(sys.argv[1]).glob("*.jsonl"):
    cells = []
    for line in path.read_bytes().split(b"\n"):
        try: cells.append(json.loads(line)["cell"])
        except (ValueError, KeyError): pass
    assert len(cells) == len(set(cells)), f"{path}: a cell recorded twice"
EOF

# --- finetune status --add-backend (whet.toml edit) --------------------------------------------------------
max_ms=$(duration_ms "$WHET" -C "$ws" finetune status ftjob-0 --backend ftserver --add-backend tuned0)
added=("tuned0")
kills[toml]=0; completed[toml]=0
attempt=0
while [ "${kills[toml]}" -lt "$per_kind" ]; do
  attempt=$((attempt + 1))
  name="tuned$attempt"
  run_and_kill "$WHET" -C "$ws" finetune status "ftjob-$attempt" --backend ftserver --add-backend "$name"
  if [ "$killed" = 1 ]; then kills[toml]=$((kills[toml] + 1)); else completed[toml]=$((completed[toml] + 1)); added+=("$name"); fi
  check "finetune status --add-backend"
  "$WHET" -C "$ws" prompts > "$work/out" 2>&1 || fail "whet.toml unreadable after a kill: $(tail -3 "$work/out")"
done
for name in "${added[@]}"; do grep -q "^\[backends\.$name\]" "$ws/whet.toml" || fail "backend $name, added by a finished command, is gone"; done
# A temporary whet.toml a killed edit left is removed when whet next opens the workspace.
"$WHET" -C "$ws" prompts > /dev/null 2>&1 || fail "whet prompts after the whet.toml kills"
left=$(find "$ws" -maxdepth 1 -name '.whet.toml.tmp-*' | wc -l)
[ "$left" = 0 ] || fail "$left temporary whet.toml file(s) left after the next start"

# --- prompt save in the workbench (tmux) -------------------------------------------------------------------
prompt="$ws/prompts/python-tutor.prompty"
kills[save]=0; completed[save]=0
max_ms=40
while [ "${kills[save]}" -lt "$per_kind" ]; do
  before="$(cat "$prompt")"
  tmux -L whet-kill new-session -d -s save -x 120 -y 40 "exec '$WHET' '$ws' --prompt python-tutor"
  pid="$(tmux -L whet-kill list-panes -t save -F '#{pane_pid}')"
  for _ in $(seq 1 100); do tmux -L whet-kill capture-pane -t save -p | grep -q "Prompt ·" && break; sleep 0.05; done
  tmux -L whet-kill send-keys -t save "Q" C-s
  sleep "$(printf '0.%03d' $((RANDOM % max_ms)))"
  if kill -9 "$pid" 2>/dev/null; then kills[save]=$((kills[save] + 1)); else completed[save]=$((completed[save] + 1)); fi
  tmux -L whet-kill kill-session -t save 2>/dev/null || true
  after="$(cat "$prompt")"
  [ "$after" = "$before" ] || [ "$after" = "Q$before" ] || fail "the prompt file was half-replaced by a killed save"
  check "prompt save"
done
temp_files=$(find "$ws" -path "$ws/.whet" -prune -o -name '.*.tmp-*' -print | wc -l)
# One more save cleans up what killed saves left (their processes are gone).
tmux -L whet-kill new-session -d -s save -x 120 -y 40 "exec '$WHET' '$ws' --prompt python-tutor"
for _ in $(seq 1 400); do tmux -L whet-kill capture-pane -t save -p | grep -q "Prompt ·" && break; sleep 0.05; done
tmux -L whet-kill send-keys -t save "Q" C-s
for _ in $(seq 1 400); do tmux -L whet-kill capture-pane -t save -p | grep -q "saved prompts" && break; sleep 0.05; done
tmux -L whet-kill kill-session -t save 2>/dev/null || true
left=$(find "$ws" -path "$ws/.whet" -prune -o -name '.*.tmp-*' -print | wc -l)
[ "$left" = 0 ] || fail "temporary files left after a later save: $(find "$ws" -path "$ws/.whet" -prune -o -name '.*.tmp-*' -print)"

for kind in index run rate eval toml save; do total_kills=$((total_kills + kills[$kind])); done
echo "kill-test: $total_kills kills survived (index ${kills[index]}, run ${kills[run]}, rate ${kills[rate]}, eval ${kills[eval]}," \
     "whet.toml edit ${kills[toml]}, prompt save ${kills[save]}); commands that finished before their kill: index ${completed[index]}," \
     "run ${completed[run]}, rate ${completed[rate]}, eval ${completed[eval]}, whet.toml ${completed[toml]}, save ${completed[save]}"
echo "kill-test: after every kill every file parsed and the command resumed; last check $(cat "$work/check"); temporary files left by killed saves: $temp_files, removed by the next save"
[ "$total_kills" -ge "$KILLS" ] || fail "only $total_kills kills landed, wanted $KILLS"

# --- disk full -----------------------------------------------------------------------------------------------
mkdir -p "$work/full"
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=3m tmpfs "$work/full" 2>/dev/null; then
  mkdir -p "$work/full/ws"
  (cd workspaces/demo && tar cf - whet.toml prompts evals corpus/support) | (cd "$work/full/ws" && tar xf -)
  "$WHET" -C "$work/full/ws" run --session new --var "question=How do I rotate my API key?" > /dev/null 2>&1 || fail "disk-full set-up run"
  fill_session="$(ls "$work/full/ws/sessions" | head -1)"
  head -c 100000000 /dev/zero > "$work/full/filler" 2>/dev/null || true   # fills the tmpfs to the last block
  # Without retrieval the first write to fail is the session's; with it, the index's journal.
  messages=()
  for retrieval in --no-retrieval --top-k=3; do
    status=0
    for _ in $(seq 1 20); do
      "$WHET" -C "$work/full/ws" run --session "$fill_session" "$retrieval" --var "question=What are the rate limits?" > /dev/null 2> "$work/out" \
        || { status=$?; break; }
    done
    [ "$status" = 1 ] || fail "a full disk did not fail the run cleanly (status $status)"
    grep -q "No space left on device" "$work/out" || fail "the disk-full error does not say so: $(tail -2 "$work/out")"
    [ "$(grep -c '' "$work/out")" -le 2 ] || fail "the disk-full error is not one clear line: $(cat "$work/out")"
    messages+=("$(grep -m1 'No space' "$work/out")")
    python3 Tests/crash/check_workspace.py "$work/full/ws" > "$work/check" || fail "disk full: $(cat "$work/check")"
  done
  rm -f "$work/full/filler"
  "$WHET" -C "$work/full/ws" run --session "$fill_session" --var "question=What are the rate limits?" > /dev/null 2>&1 \
    || fail "run after space was freed"
  echo "kill-test: disk full: '${messages[0]}' and '${messages[1]}'; files parse: $(cat "$work/check")"
else
  echo "kill-test: disk full: skipped (mounting a tmpfs needs root in a machine that allows it)"
fi
cd "$here"
