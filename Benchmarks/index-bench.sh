#!/usr/bin/env bash
# Vector index benchmark: drp-bench index, then FAISS IndexFlatIP on the same files and threads,
# then our/FAISS ratios side by side. Arguments are passed to `drp-bench index`
# (e.g. --n 10k,100k,1M --d 384). Results: Benchmarks/out/{drp,faiss}-results.json.
set -euo pipefail
cd "$(dirname "$0")/.."
out=Benchmarks/out
mkdir -p "$out"
if [ ! -x Benchmarks/.venv/bin/python ]; then
  python3 -m venv Benchmarks/.venv
  Benchmarks/.venv/bin/pip install -q faiss-cpu numpy threadpoolctl
fi
swift build -c release --product drp-bench 2>&1 | grep -E "error|warning: " || true
echo "load: $(uptime)"
.build/release/drp-bench index --out "$out" "$@"
# OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE (set on some machines for old OpenBLAS builds) slow current
# wheels; unset them for the FAISS run only (see the environment notes).
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE Benchmarks/.venv/bin/python Benchmarks/faiss_bench.py "$out"
Benchmarks/.venv/bin/python - "$out" <<'PY'
import json, sys
out = sys.argv[1]
ours = {r["name"]: r for r in json.load(open(f"{out}/drp-results.json"))}
theirs = {r["name"]: r for r in json.load(open(f"{out}/faiss-results.json"))}
print(f"{'set':26} {'p50 ms drp/faiss':>22} {'ratio':>6} {'batch qps drp/faiss':>24} {'ratio':>6} {'recall':>7} {'int8 rec':>8} {'load ms':>8} {'mem':>5}")
for name, o in ours.items():
    f = theirs[name]
    print(f"{name:26} {o['single_p50_ms']:10.3f}/{f['single_p50_ms']:<10.3f} {o['single_p50_ms']/f['single_p50_ms']:6.2f} "
          f"{o['batch_qps']:11.1f}/{f['batch_qps']:<11.1f} {o['batch_qps']/f['batch_qps']:6.2f} "
          f"{o['recall']:7.4f} {o['int8_recall']:8.4f} {o['load_ms']:8.2f} {o['memory_ratio']:5.3f}")
print("p50 ratio < 1 and qps ratio > 1 favour drp. FAISS BLAS:", next(iter(theirs.values()))["blas"])
PY
