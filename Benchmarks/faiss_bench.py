#!/usr/bin/env python3
"""Times FAISS IndexFlatIP on the data sets written by `drp-bench index` (same vectors, same
queries) with 1 AND with 2 OpenMP threads, and appends one result per set to faiss-results.json
next to drp-results.json. FAISS is fastest on one thread for single queries on this machine and
on two for batches, so the comparison uses, per figure, its better setting (`single_p50_ms` is
the lower of the two thread counts, `batch_qps` the higher); both are recorded.

usage: faiss_bench.py OUT_DIR [SET_NAME ...]   (default: every set in drp-results.json)
"""
import json
import os
import sys
import time

import faiss
import numpy as np


def blas_name():
    try:
        from threadpoolctl import threadpool_info

        return ",".join(
            sorted({i.get("internal_api", "?") + ":" + str(i.get("architecture")) for i in threadpool_info()})
        )
    except ImportError:
        return "unknown"


def percentile(sorted_values, p):
    """The same nearest-rank rule as drp-bench (index round(p * (n - 1)))."""
    return sorted_values[min(len(sorted_values) - 1, int((len(sorted_values) - 1) * p + 0.5))]


def measure(index, queries, k, threads, singles, nq):
    faiss.omp_set_num_threads(threads)
    index.search(queries[:1], k)  # warm-up (first touch, thread start)
    index.search(queries[:8], k)
    latencies = []
    for i in range(singles):
        q = queries[i : i + 1]
        t = time.perf_counter()
        index.search(q, k)
        latencies.append(time.perf_counter() - t)
    t = time.perf_counter()
    index.search(queries[:nq], k)
    batch = time.perf_counter() - t
    latencies.sort()
    return {
        "single_p50_ms": percentile(latencies, 0.5) * 1000,
        "single_p99_ms": percentile(latencies, 0.99) * 1000,
        "batch_qps": nq / batch,
    }


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "Benchmarks/out"
    wanted = set(sys.argv[2:])
    with open(os.path.join(out, "drp-results.json")) as f:
        ours = json.load(f)
    path = os.path.join(out, "faiss-results.json")
    results = []
    if wanted and os.path.exists(path):
        with open(path) as f:
            results = [r for r in json.load(f) if r["name"] not in wanted]
    blas = blas_name()
    for row in ours:
        name, k = row["name"], row["k"]
        if wanted and name not in wanted:
            continue
        base = np.load(os.path.join(out, f"{name}-base.npy"))
        queries = np.load(os.path.join(out, f"{name}-queries.npy"))
        start = time.perf_counter()
        index = faiss.IndexFlatIP(base.shape[1])
        index.add(base)
        build = time.perf_counter() - start
        singles = row.get("single_queries", 200)
        nq = row.get("batch_queries", 1000)
        by_threads = {t: measure(index, queries, k, t, singles, nq) for t in (1, 2)}
        best_single = min(by_threads, key=lambda t: by_threads[t]["single_p50_ms"])
        best_batch = max(by_threads, key=lambda t: by_threads[t]["batch_qps"])
        result = {
            "name": name,
            "single_p50_ms": by_threads[best_single]["single_p50_ms"],
            "single_p99_ms": by_threads[best_single]["single_p99_ms"],
            "single_threads": best_single,
            "batch_qps": by_threads[best_batch]["batch_qps"],
            "batch_threads": best_batch,
            "by_threads": {str(t): v for t, v in by_threads.items()},
            "build_s": build,
            "blas": blas,
            "faiss": faiss.__version__,
        }
        print(json.dumps(result), flush=True)
        results.append(result)
        del index, base, queries
    with open(path, "w") as f:
        json.dump(results, f, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
