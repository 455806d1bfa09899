#!/usr/bin/env bash
# Vector index benchmark, drp against FAISS IndexFlatIP on the same files, interleaved set by set
# (drp-bench index on one set, then FAISS on it with 1 and with 2 threads, then the next set), so
# both see the same machine load; then the ratios side by side against FAISS's better thread
# count per figure. Arguments: --n, --d, --data lists as for `drp-bench index` (e.g. --n 200k,1M
# --d 384); the others are passed to `drp-bench index` for every set. Results:
# Benchmarks/out/{drp,faiss}-results.json (replaced by each run).
set -euo pipefail
cd "$(dirname "$0")/.."
out=Benchmarks/out
mkdir -p "$out"
if [ ! -x Benchmarks/.venv/bin/python ]; then
  python3 -m venv Benchmarks/.venv
  Benchmarks/.venv/bin/pip install -q faiss-cpu numpy threadpoolctl
fi
sizes=10k,100k,1M dims=384,768 kinds=gaussian,clustered rest=()
while (($#)); do
  case $1 in
    --n) sizes=$2; shift 2 ;;
    --d) dims=$2; shift 2 ;;
    --data) kinds=$2; shift 2 ;;
    *) rest+=("$1"); shift ;;
  esac
done
swift build -c release --product drp-bench 2>&1 | grep -E "error|warning: " || true
rm -f "$out/drp-results.json" "$out/faiss-results.json"
echo "load: $(uptime)"
for kind in ${kinds//,/ }; do
  for d in ${dims//,/ }; do
    for n in ${sizes//,/ }; do
      count=${n//k/000}; count=${count//M/000000}
      .build/release/drp-bench index --out "$out" --n "$n" --d "$d" --data "$kind" "${rest[@]}"
      # OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE (set on some machines for old OpenBLAS builds) slow current
      # wheels; unset them for the FAISS run only (see the environment notes).
      env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE Benchmarks/.venv/bin/python Benchmarks/faiss_bench.py "$out" \
        "$kind-$count-$d"
      rm -f "$out/$kind-$count-$d-base.npy" "$out/$kind-$count-$d-queries.npy"
      echo "load: $(uptime)"
    done
  done
done
Benchmarks/.venv/bin/python - "$out" <<'PY'
import json, sys
out = sys.argv[1]
ours = {r["name"]: r for r in json.load(open(f"{out}/drp-results.json"))}
theirs = {r["name"]: r for r in json.load(open(f"{out}/faiss-results.json"))}
print("FAISS columns: its better setting per figure (threads in brackets); 1t/2t: each thread count.")
print(f"{'set':24} {'p50 ms drp':>10} {'FAISS best':>12} {'1t':>8} {'2t':>8} {'ratio':>6} | {'QPS drp':>8} {'FAISS best':>12} {'1t':>8} {'2t':>8} {'ratio':>6} | {'GB/s':>5} {'recall':>6} {'int8':>6} {'int8 ms':>7}")
for name, o in ours.items():
    f = theirs[name]
    t = f["by_threads"]
    print(f"{name:24} {o['single_p50_ms']:10.3f} {f['single_p50_ms']:8.3f} ({f['single_threads']}) {t['1']['single_p50_ms']:8.3f} {t['2']['single_p50_ms']:8.3f} "
          f"{o['single_p50_ms']/f['single_p50_ms']:6.2f} | {o['batch_qps']:8.1f} {f['batch_qps']:8.1f} ({f['batch_threads']}) "
          f"{t['1']['batch_qps']:8.1f} {t['2']['batch_qps']:8.1f} {o['batch_qps']/f['batch_qps']:6.2f} | "
          f"{o['single_gbps']:5.1f} {o['recall']:6.4f} {o['int8_recall']:6.4f} {o['int8_p50_ms']:7.2f}")
print("p50 ratio <= 1 and QPS ratio >= 1 favour drp. FAISS", next(iter(theirs.values()))["faiss"], "BLAS:", next(iter(theirs.values()))["blas"])
PY
