#!/usr/bin/env python3
"""Times FAISS IndexFlatIP on the data sets written by `drp-bench index` (same vectors, same
queries, same thread count) and writes faiss-results.json next to drp-results.json."""
import json
import os
import sys
import time

import faiss
import numpy as np


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "Benchmarks/out"
    with open(os.path.join(out, "drp-results.json")) as f:
        ours = json.load(f)
    results = []
    try:
        from threadpoolctl import threadpool_info

        blas = ",".join(sorted({i.get("internal_api", "?") + ":" + str(i.get("architecture")) for i in threadpool_info()}))
    except ImportError:
        blas = "unknown"
    for row in ours:
        name, k, threads = row["name"], row["k"], row["threads"]
        faiss.omp_set_num_threads(threads)
        base = np.load(os.path.join(out, f"{name}-base.npy"))
        queries = np.load(os.path.join(out, f"{name}-queries.npy"))
        start = time.perf_counter()
        index = faiss.IndexFlatIP(base.shape[1])
        index.add(base)
        build = time.perf_counter() - start
        index.search(queries[:1], k)  # warm-up
        latencies = []
        for i in range(200):
            q = queries[i : i + 1]
            t = time.perf_counter()
            index.search(q, k)
            latencies.append(time.perf_counter() - t)
        nq = 1000
        t = time.perf_counter()
        index.search(queries[:nq], k)
        batch = time.perf_counter() - t
        latencies.sort()
        result = {
            "name": name,
            "single_p50_ms": latencies[len(latencies) // 2] * 1000,
            "single_p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000,
            "batch_qps": nq / batch,
            "build_s": build,
            "threads": threads,
            "blas": blas,
        }
        print(json.dumps(result), flush=True)
        results.append(result)
        del index, base, queries
    with open(os.path.join(out, "faiss-results.json"), "w") as f:
        json.dump(results, f, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
