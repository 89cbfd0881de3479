#!/usr/bin/env bash
# Fuzzes whet's parsers of outside input with libFuzzer: builds `whet-fuzz` with WHET_FUZZ=1 (Package.swift then
# compiles whet's own modules with -sanitize=fuzzer,address, reusing the dependencies already built; the next
# ordinary build compiles them back), then runs every target (or the ones named) for
# SECONDS each, starting from the committed seeds in Tests/fuzz/corpus/TARGET. New interesting inputs stay in
# a temporary directory; a crash stops with the input saved under Tests/fuzz/findings/ (copy it to
# Tests/fuzz/regressions/TARGET/ once fixed, and the unit tests replay it for ever). Prints executions per
# target.
#
# usage: Tests/fuzz/run.sh [SECONDS] [TARGET…]      (make fuzz: 60 s each; make test: a 5 s smoke each)
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds="${1:-60}"
shift || true
WHET_FUZZ=1 swift build --product whet-fuzz 2>&1 | grep -E "error:|Build of product" || true
binary=".build/debug/whet-fuzz"
nm "$binary" 2>/dev/null | grep LLVMFuzzerRunDriver > /dev/null || { echo "fuzz: $binary was not built with libFuzzer" >&2; exit 1; }
[ -x "$binary" ] || { echo "fuzz: build failed" >&2; exit 1; }
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=($(ls Tests/fuzz/corpus))
mkdir -p Tests/fuzz/findings
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
status=0
for target in "${targets[@]}"; do
  mkdir -p "$work/$target"
  log="$work/$target.log"
  if WHET_FUZZ_TARGET="$target" ASAN_OPTIONS=detect_leaks=0 "$binary" "$work/$target" "Tests/fuzz/corpus/$target" \
      -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
      -artifact_prefix="Tests/fuzz/findings/$target-" -print_final_stats=1 > "$log" 2>&1; then
    runs=$(grep -m1 -E '^stat::number_of_executed_units' "$log" | awk '{print $2}')
    echo "fuzz: $target: ${runs:-?} executions in ${seconds} s, no crash"
  else
    status=1
    echo "fuzz: $target: FOUND A CRASH (input saved under Tests/fuzz/findings/$target-*):" >&2
    grep -E "ERROR|==ERROR|Fatal error|SUMMARY|artifact" "$log" | head -8 >&2
  fi
done
exit "$status"
