#!/usr/bin/env bash
# Usage: scripts/fuzz.sh TARGET [SECONDS]   (TARGET: jsonrpc, jsonl, http, sse, index, vectors, or all)
# Fuzzes one of drp's parsers with libFuzzer for SECONDS (default 60; `all`: each target) and
# fails if it finds an input that crashes it or breaks its invariant (Fuzz/DRPFuzzTargets).
# drp-fuzz is built with -sanitize=fuzzer,address into .build/fuzz, so the normal build in .build
# is untouched. Inputs: the checked-in seeds (Fuzz/corpus/TARGET) plus what earlier runs found
# (.build/fuzz/corpus/TARGET). A crasher is saved under .build/fuzz/artifacts/TARGET/; copy it to
# Fuzz/crashers/TARGET/ (FuzzReplayTests replays it in every test run) and fix the cause.
set -euo pipefail
cd "$(dirname "$0")/.."
targets=(jsonrpc jsonl http sse index vectors)
target=${1:-}
seconds=${2:-60}
if [[ -z $target || ! " all ${targets[*]} " =~ " $target " || ! $seconds =~ ^[0-9]+$ ]]; then
  echo "usage: scripts/fuzz.sh TARGET [SECONDS]   (TARGET: ${targets[*]} or all)" >&2
  exit 2
fi
scripts/deps.sh
swift build --product drp-fuzz --scratch-path .build/fuzz \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -DDRP_LIBFUZZER 2>&1 | grep -E "error|Build" | tail -3
binary=.build/fuzz/debug/drp-fuzz
[[ $target == all ]] && selected=("${targets[@]}") || selected=("$target")
for name in "${selected[@]}"; do
  work=.build/fuzz/corpus/$name
  artifacts=.build/fuzz/artifacts/$name
  mkdir -p "$work" "$artifacts"
  echo "fuzz: $name for $seconds s"
  # SWIFT_BACKTRACE off: libFuzzer's own handler must see the crash to save the input.
  if ! SWIFT_BACKTRACE=enable=no DRP_FUZZ_TARGET=$name ASAN_OPTIONS=detect_leaks=0 \
    "$binary" "$work" "Fuzz/corpus/$name" -max_total_time="$seconds" -max_len=65536 -timeout=10 \
    -rss_limit_mb=2048 -artifact_prefix="$artifacts/" -print_final_stats=1 >"$artifacts/log" 2>&1; then
    tail -40 "$artifacts/log" >&2
    echo "fuzz: $name FAILED; crasher(s): $(ls "$artifacts" | grep -v '^log$' | tr '\n' ' ')" >&2
    echo "      replay: swift build && .build/debug/drp-fuzz $name $artifacts/<file>" >&2
    exit 1
  fi
  grep -E "^stat::number_of_executed_units|^Done" "$artifacts/log" | tr '\n' ' '
  echo "(corpus $(ls "$work" | wc -l) inputs)"
done
