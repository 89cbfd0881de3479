#!/usr/bin/env bash
# Terminal-side figures for the workbench, measured on the real binary in tmux:
#   - time to first frame: from launch until the screen shows the panes (median of N launches);
#   - resident memory with the demo open;
#   - bytes written to the terminal per keystroke while typing in the prompt pane (tmux pipe-pane).
# Usage: Tests/bench/tui-bench.sh [BINARY] [RUNS]   (build first: swift build -c release --product whet)
set -euo pipefail
cd "$(dirname "$0")/../.."
binary="${1:-.build/release/whet}"
runs="${2:-10}"
work="$(mktemp -d)"
socket="whet-bench-$$"
trap 'tmux -L "$socket" kill-server 2>/dev/null || true; rm -rf "$work"' EXIT
cp -r workspaces/demo "$work/demo"
rm -rf "$work/demo/.whet" "$work/demo/sessions"/2*
"$binary" -C "$work/demo" index >/dev/null

times=()
for launch in $(seq "$runs"); do
  tmux -L "$socket" kill-server 2>/dev/null || true
  # A fresh server per launch: reusing a socket while the last server is still exiting makes tmux fail.
  socket="whet-bench-$$-$launch"
  start=$(date +%s%N)
  tmux -L "$socket" -f /dev/null new-session -d -x 120 -y 40 -e LANG=C.UTF-8 -e TERM=xterm-256color "$binary $work/demo"
  until tmux -L "$socket" capture-pane -p 2>/dev/null | grep -q "Framework"; do sleep 0.002; done
  end=$(date +%s%N)
  times+=($(( (end - start) / 1000 )))
done
median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print int(NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}')
echo "time to first frame: median $((median / 1000)).$(( (median % 1000) / 100 )) ms over $runs launches (120x40)"

# Resident memory with the demo open, once start-up has finished (the index open, the first search done).
sleep 1
pid=$(tmux -L "$socket" display -p '#{pane_pid}')
echo "resident memory with the demo open: $(awk '/VmRSS/ {printf "%.1f MB", $2 / 1024}' "/proc/$pid/status")"

# Bytes per keystroke: type 100 characters into the prompt pane and count what reaches the terminal.
sleep 0.3
# Start a new line at the end of the prompt, as when writing an instruction.
tmux -L "$socket" send-keys PageDown PageDown PageDown End Enter
sleep 0.3
tmux -L "$socket" pipe-pane -o "cat > $work/bytes"
sleep 0.2
text="the quick brown fox jumps over the lazy dog and keeps typing into the prompt editor pane of whet ok"
for ((i = 0; i < ${#text}; i++)); do
  tmux -L "$socket" send-keys -l "${text:$i:1}"
  sleep 0.02
done
sleep 0.5
tmux -L "$socket" pipe-pane
bytes=$(stat -c %s "$work/bytes")
echo "typing in the prompt pane: $bytes bytes for ${#text} keystrokes ($(( bytes / ${#text} )) bytes per keystroke)"
