#!/usr/bin/env bash
# Usage: Benchmarks/soak.sh [SECONDS] [CONNECTIONS]   (default 600 s, 16 connections)
# A bounded soak of `drp serve` on 127.0.0.1 only: a sample home (1000 users) is served while
# drp-bench sends mixed traffic (neighbors 40%, peers 20%, users.get 20%, offline generate 5%,
# reviews.add 15%) from CONNECTIONS clients plus one client trying bad input (malformed, oversized,
# unknown and wrong requests, connections dropped mid-line and with a request in flight).
# Meanwhile a second process runs `drp import` of new reviews every IMPORT_EVERY seconds (default
# 60); every other import is killed with SIGKILL after 0.1 s (a fault the store must survive). The
# server's RSS and open descriptors are sampled every 5 s. At the end the server is stopped with
# SIGTERM and every acknowledged reviews.add is looked up in the database.
# Prints the load summary (JSON), the imports, the server's exit status and the write check;
# keeps everything in the work directory it names. Exit status 1 when a write is missing, the
# server did not exit 0 or a bad input was not answered as documented.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
connections=${2:-16}
import_every=${IMPORT_EVERY:-60}
swift build -c release --product drp 2>&1 | grep -E "error|Compiling|Build" | tail -1
swift build -c release --product drp-bench 2>&1 | grep -E "error|Compiling|Build" | tail -1
drp=$PWD/.build/release/drp
bench=$PWD/.build/release/drp-bench
work=$(mktemp -d "${TMPDIR:-/tmp}/drp-soak.XXXXXX")
home=$work/home
echo "soak: ${seconds} s, $connections connections, import every ${import_every} s; work directory $work"
echo "soak: load before: $(uptime)"
export DRP_LLM_URL="" DRP_REASONER_URL="" DRP_CONFIG=""

"$drp" sample --out "$work/sample" --users 1000 --items 100 --seed 1 >/dev/null
"$drp" --home "$home" import "$work/sample/items.jsonl" "$work/sample/reviews.jsonl" >/dev/null
"$drp" --home "$home" embed >/dev/null 2>&1
rounds=$((seconds / import_every + 1))
for n in $(seq 1 "$rounds"); do
  # Same user and item ids, other texts and timestamps: every import adds reviews.
  "$drp" sample --out "$work/extra-$n" --users 1000 --items 100 --reviews-per-user 1 --seed $((n + 1)) >/dev/null
done

"$drp" --home "$home" serve --tcp 127.0.0.1:0 --json --log-level warning >"$work/serve.out" 2>"$work/serve.log" &
server=$!
cleanup() { kill -9 "$server" 2>/dev/null || true; kill "${importer:-0}" 2>/dev/null || true; }
trap cleanup EXIT
port=""
for _ in $(seq 1 300); do
  port=$(sed -n 's/.*"tcp":"127.0.0.1:\([0-9]*\)".*/\1/p' "$work/serve.out")
  [[ -n $port ]] && break
  kill -0 "$server" 2>/dev/null || { cat "$work/serve.log" >&2; exit 1; }
  sleep 0.1
done

(
  n=0
  while true; do
    sleep "$import_every"
    n=$((n + 1))
    start=$(date +%s.%N)
    "$drp" --home "$home" import "$work/extra-$n/reviews.jsonl" --json >"$work/import-$n.json" 2>"$work/import-$n.err" &
    pid=$!
    if ((n % 2 == 0)); then
      sleep 0.1
      kill -9 "$pid" 2>/dev/null && echo "import $n: killed with SIGKILL after 0.1 s" >>"$work/imports.log"
    fi
    status=0
    wait "$pid" || status=$?
    echo "import $n: exit $status in $(echo "$(date +%s.%N) - $start" | bc) s: $(head -c 300 "$work/import-$n.json")" \
      >>"$work/imports.log"
  done
) &
importer=$!

"$bench" soak --port "$port" --pid "$server" --home "$home" --seconds "$seconds" --connections "$connections" \
  --acked "$work/acked.jsonl" --out "$work/soak.json" >/dev/null
kill "$importer" 2>/dev/null || true
wait "$importer" 2>/dev/null || true
kill -TERM "$server"
serve_status=0
wait "$server" || serve_status=$?
trap - EXIT

echo "soak: load summary"
cat "$work/soak.json"
echo
echo "soak: imports"
cat "$work/imports.log" 2>/dev/null || echo "(none ran)"
echo "soak: drp serve exit status $serve_status; warnings and errors in its log: $(grep -cE ' (warning|error) ' "$work/serve.log" || true)"
status=0
echo "soak: acknowledged reviews.add in the database:"
"$bench" soak-check --home "$home" --acked "$work/acked.jsonl" || status=1
[[ $serve_status -eq 0 ]] || status=1
grep -q '"bad_input_failures":\[\]' "$work/soak.json" || status=1
echo "soak: load after: $(uptime)"
exit "$status"
