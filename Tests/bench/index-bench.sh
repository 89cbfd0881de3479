#!/usr/bin/env bash
# Indexing and search speed against an earlier version, in one run on one machine: builds BASE (default the
# commit before HEAD) in a git worktree and this tree, makes the demo workspace with its corpus copied SCALE
# times (its own whet.toml: the offline embedder is set, so a search pays what a user's does), one copy per
# binary, and runs both binaries alternately ROUNDS times:
#   - `whet index --rebuild` (full index; files/s, MB/s, chunks/s),
#   - `whet index` with nothing changed,
#   - `whet search` in a fresh process: bm25, then hybrid (the first hybrid search embeds and is left out).
# Prints medians per binary and the new/old ratio. Timings on a shared machine are noisy: compare the ratio
# within one run, not figures across runs.
#
#   Tests/bench/index-bench.sh [--base COMMIT | --old BINARY] [--scale N] [--rounds N]
# (--old takes an already built older `whet` instead of building BASE.)
set -euo pipefail
cd "$(dirname "$0")/../.."
base="HEAD~1"
old=""
scale=50
rounds=5
while [ $# -gt 0 ]; do
  case "$1" in
    --base) base="$2"; shift 2 ;;
    --old) old="$(realpath "$2")"; shift 2 ;;
    --scale) scale="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    *) echo "usage: $0 [--base COMMIT | --old BINARY] [--scale N] [--rounds N]" >&2; exit 2 ;;
  esac
done
root="$(pwd)"
if [ -z "$old" ]; then
  base_commit="$(git rev-parse --short "$base")"
  # The older build keeps its own worktree and build directory between runs, so a second run costs no build.
  base_tree="${WHET_BENCH_BASE_TREE:-/tmp/whet-index-bench-$base_commit}"
  if [ ! -d "$base_tree" ]; then
    git worktree add --detach "$base_tree" "$base_commit" >/dev/null
  fi
  echo "building $base_commit (in $base_tree), release…" >&2
  (cd "$base_tree" && swift build -c release --product whet >/dev/null)
  old="$base_tree/.build/release/whet"
else
  base_commit="$("$old" --version 2>/dev/null | tr -d '\n' || echo given)"
fi
echo "building this tree, release…" >&2
swift build -c release --product whet >/dev/null
new="$root/.build/release/whet"

work="$(mktemp -d /tmp/whet-index-bench-XXXXXX)"
trap 'rm -rf "$work"' EXIT
make_workspace() {
  mkdir -p "$1/corpus"
  cp -r workspaces/demo/whet.toml workspaces/demo/prompts workspaces/demo/evals "$1/"
  for copy in $(seq "$scale"); do cp -r workspaces/demo/corpus "$1/corpus/scale-$copy"; done
}
make_workspace "$work/old"
cp -r "$work/old" "$work/new"
bytes=$(find "$work/old/corpus" -type f \( -name '*.md' -o -name '*.txt' -o -name '*.rst' -o -name '*.html' \) -printf '%s\n' | awk '{s+=$1} END {print s}')
files=$(find "$work/old/corpus" -type f | wc -l)

now() { date +%s%N; }
# seconds BIN DIR ARGS…: wall time of one command, in seconds.
seconds() {
  local bin="$1" dir="$2"; shift 2
  local start end
  start=$(now)
  "$bin" -C "$dir" "$@" >/dev/null 2>"$work/stderr" || { cat "$work/stderr" >&2; exit 1; }
  end=$(now)
  echo "scale=4; ($end - $start) / 1000000000" | bc
}
declare -A times
for round in $(seq "$rounds"); do
  for which in old new; do
    bin="${!which}"
    dir="$work/$which"
    times[$which,full]+=" $(seconds "$bin" "$dir" index --rebuild)"
    times[$which,nochange]+=" $(seconds "$bin" "$dir" index)"
    times[$which,bm25]+=" $(seconds "$bin" "$dir" search --method bm25 rotate the api key)"
    [ "$round" = 1 ] && seconds "$bin" "$dir" search --method hybrid rotate the api key >/dev/null
    times[$which,hybrid]+=" $(seconds "$bin" "$dir" search --method hybrid rotate the api key)"
  done
  echo "round $round of $rounds done" >&2
done
chunks=$("$new" -C "$work/new" index | sed -n 's/.* \([0-9]*\) in the index.*/\1/p')

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg) at the end"
echo "corpus: demo x$scale: $files files, $(echo "scale=1; $bytes / 1048576" | bc) MB of text, $chunks chunks; $rounds rounds, old and new alternating"
printf '%-34s %12s %12s %8s\n' "measure (median seconds)" "old $base_commit" "new" "new/old"
for measure in full nochange bm25 hybrid; do
  o=$(echo "${times[old,$measure]}" | median)
  n=$(echo "${times[new,$measure]}" | median)
  case $measure in
    full) label="whet index --rebuild" ;;
    nochange) label="whet index, nothing changed" ;;
    bm25) label="whet search (bm25, new process)" ;;
    hybrid) label="whet search (hybrid, new process)" ;;
  esac
  printf '%-34s %12.3f %12.3f %8.2f\n' "$label" "$o" "$n" "$(echo "scale=4; $n / $o" | bc)"
done
o=$(echo "${times[old,full]}" | median)
n=$(echo "${times[new,full]}" | median)
for which in old new; do
  t=$([ $which = old ] && echo "$o" || echo "$n")
  echo "full index, $which: $(echo "$files / $t" | bc) files/s, $(echo "scale=1; $bytes / 1048576 / $t" | bc) MB/s, $(echo "$chunks / $t" | bc) chunks/s"
done
