// drp-bench index: exact cosine top-k index benchmark (see BENCHMARKS.md, "Vector index").
import CBLAS
import DRPIndex
import Dispatch
import Foundation

/// Options of `drp-bench index`.
private struct IndexBenchOptions {
  var sizes = [10_000, 100_000, 1_000_000]
  var dimensions = [384, 768]
  var kinds = ["gaussian", "clustered"]
  var singleQueries = 200
  var batchQueries = 1000
  var truthQueries = 20
  var k = 10
  var outDirectory = "Benchmarks/out"
  var switchover = true

  init(_ args: [String]) throws {
    var arguments = BenchArguments(args)
    while let flag = arguments.next() {
      switch flag {
      case "--n": sizes = try arguments.integers()
      case "--d": dimensions = try arguments.integers()
      case "--data": kinds = try arguments.value().split(separator: ",").map(String.init)
      case "--queries": singleQueries = try arguments.integers()[0]
      case "--batch": batchQueries = try arguments.integers()[0]
      case "--truth": truthQueries = try arguments.integers()[0]
      case "--k": k = try arguments.integers()[0]
      case "--out": outDirectory = try arguments.value()
      case "--no-switchover": switchover = false
      default:
        throw BenchUsage(
          message: "usage: drp-bench index [--n 10k,100k,1M] [--d 384,768] [--data gaussian,clustered] "
            + "[--queries 200] [--batch 1000] [--truth 20] [--k 10] [--out DIR] [--no-switchover]")
      }
    }
  }
}

/// Fixed-seed normal variates (xorshift64* + Box-Muller).
private struct GaussianSource {
  private var state: UInt64
  private var spare: Float?

  init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 | 1 }

  mutating func uniform() -> Float {
    state ^= state >> 12
    state ^= state << 25
    state ^= state >> 27
    return (Float((state &* 2_685_821_657_736_338_717) >> 40) + 0.5) / Float(1 << 24)
  }

  mutating func next() -> Float {
    if let s = spare {
      spare = nil
      return s
    }
    let r = (-2 * Foundation.log(uniform())).squareRoot()
    let t = 2 * Float.pi * uniform()
    spare = r * Foundation.sin(t)
    return r * Foundation.cos(t)
  }
}

/// Generated rows (L2-normalised, row-major) for one data set.
private func generate(kind: String, n: Int, d: Int, seed: UInt64) -> [Float] {
  var source = GaussianSource(seed: seed)
  var out = [Float](repeating: 0, count: n * d)
  var centers: [Float] = []
  if kind == "clustered" {
    var centerSource = GaussianSource(seed: 12345 + UInt64(d))
    centers = (0..<(1000 * d)).map { _ in centerSource.next() }
  }
  for r in 0..<n {
    let c = centers.isEmpty ? -1 : Int(source.uniform() * 1000) % 1000
    var norm: Float = 0
    for j in 0..<d {
      var x = source.next()
      if c >= 0 { x = centers[c * d + j] + 0.35 * x }
      out[r * d + j] = x
      norm += x * x
    }
    let scale = 1 / norm.squareRoot()
    for j in 0..<d { out[r * d + j] *= scale }
  }
  return out
}

/// Writes a 2-D float32 C-order .npy file.
private func writeNpy(_ path: String, _ values: [Float], rows: Int, cols: Int) throws {
  try VectorFileWriter.write(VectorFile(dimension: cols, values: values), to: path)
}

private func now() -> Double {
  var ts = timespec()
  clock_gettime(CLOCK_MONOTONIC, &ts)
  return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

private func percentile(_ values: [Double], _ p: Double) -> Double {
  let sorted = values.sorted()
  return sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * p + 0.5))]
}

private func residentMB() -> Double {
  let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
  let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
  return Double(line.split(separator: " ").dropFirst().first ?? "0").map { $0 / 1024 } ?? 0
}

/// An unchecked box for handing buffers to concurrentPerform in this benchmark.
private struct Shared<T>: @unchecked Sendable { let value: T }

/// Streaming read bandwidth (GB/s) over `megabytes` with `threads` threads (SIMD sum).
private func memoryBandwidth(megabytes: Int, threads: Int) -> Double {
  let count = megabytes << 18
  let buffer = UnsafeMutablePointer<Float>.allocate(capacity: count)
  buffer.initialize(repeating: 1, count: count)
  defer { buffer.deallocate() }
  let shared = Shared(value: buffer)
  let sink = Shared(value: UnsafeMutablePointer<Float>.allocate(capacity: threads))
  defer { sink.value.deallocate() }
  var best = Double.infinity
  for _ in 0..<3 {
    let start = now()
    DispatchQueue.concurrentPerform(iterations: threads) { t in
      let lo = count * t / threads / 64 * 64
      let hi = count * (t + 1) / threads / 64 * 64
      var a0 = SIMD16<Float>(), a1 = SIMD16<Float>(), a2 = SIMD16<Float>(), a3 = SIMD16<Float>()
      var i = lo
      let raw = UnsafeRawPointer(shared.value)
      while i < hi {
        a0 += raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
        a1 += raw.loadUnaligned(fromByteOffset: i * 4 + 64, as: SIMD16<Float>.self)
        a2 += raw.loadUnaligned(fromByteOffset: i * 4 + 128, as: SIMD16<Float>.self)
        a3 += raw.loadUnaligned(fromByteOffset: i * 4 + 192, as: SIMD16<Float>.self)
        i += 64
      }
      sink.value[t] = (a0 + a1 + a2 + a3).sum()
    }
    best = min(best, now() - start)
  }
  return Double(count * 4) / best / 1e9
}

/// Peak sgemm GFLOP/s (2048³, BLAS's own threading).
private func sgemmPeak() -> Double {
  let n = 2048
  let a = [Float](repeating: 0.5, count: n * n)
  var c = [Float](repeating: 0, count: n * n)
  var best = Double.infinity
  for _ in 0..<3 {
    let start = now()
    cblas_sgemm(
      CblasRowMajor, CblasNoTrans, CblasTrans, Int32(n), Int32(n), Int32(n), 1, a, Int32(n), a, Int32(n), 0, &c,
      Int32(n))
    best = min(best, now() - start)
  }
  return 2 * Double(n * n * n) / best / 1e9
}

/// Exact float64 top-k row numbers for one query.
private func truth(_ query: ArraySlice<Float>, _ base: [Float], n: Int, d: Int, k: Int) -> [Int] {
  var scored: [(Double, Int)] = []
  scored.reserveCapacity(n)
  let q = Array(query)
  base.withUnsafeBufferPointer { b in
    for r in 0..<n {
      var s: Double = 0
      let row = b.baseAddress! + r * d
      for j in 0..<d { s += Double(q[j]) * Double(row[j]) }
      scored.append((s, r))
    }
  }
  scored.sort { $0.0 > $1.0 }
  return scored.prefix(k).map(\.1)
}

private func fmt(_ x: Double, _ digits: Int = 3) -> String { String(format: "%.\(digits)f", x) }

/// `drp-bench index`: latency, throughput, recall, memory and load time of `VectorIndex`; writes
/// the data sets as .npy files and our figures as JSON for Benchmarks/faiss_bench.py.
func runIndexBenchmark(_ args: [String]) throws {
  let options = try IndexBenchOptions(args)
  try FileManager.default.createDirectory(atPath: options.outDirectory, withIntermediateDirectories: true)
  let threads = ProcessInfo.processInfo.activeProcessorCount
  print("cpuSupported=\(VectorIndex.cpuSupported) threads=\(threads)")
  let peak = sgemmPeak()
  let bandwidth = memoryBandwidth(megabytes: 1024, threads: threads)
  print("blas=\(BLASRuntime.libraryName) sgemm_peak_gflops=\(fmt(peak, 1)) stream_read_gbps=\(fmt(bandwidth, 1))")
  var results: [[String: Any]] = []
  for kind in options.kinds {
    for d in options.dimensions {
      for n in options.sizes {
        results.append(try benchmarkSet(kind: kind, n: n, d: d, options: options, peak: peak, bandwidth: bandwidth))
      }
    }
  }
  // Merged with the sets of earlier runs into the same directory (Benchmarks/index-bench.sh runs
  // one set at a time, interleaved with FAISS); a set measured again replaces its old entry.
  let path = options.outDirectory + "/drp-results.json"
  let names = Set(results.compactMap { $0["name"] as? String })
  var merged =
    ((try? JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path)))) as? [[String: Any]]) ?? []
  merged.removeAll { names.contains($0["name"] as? String ?? "") }
  merged += results
  let json = try JSONSerialization.data(withJSONObject: merged, options: [.sortedKeys, .prettyPrinted])
  try json.write(to: URL(fileURLWithPath: path))
}

private func benchmarkSet(
  kind: String, n: Int, d: Int, options: IndexBenchOptions, peak: Double, bandwidth: Double
) throws -> [String: Any] {
  let name = "\(kind)-\(n)-\(d)"
  print("== \(name)")
  let t0 = now()
  let base = generate(kind: kind, n: n, d: d, seed: UInt64(n + d))
  let nq = max(options.batchQueries, options.singleQueries)
  let queries = generate(kind: kind, n: nq, d: d, seed: UInt64(n + d + 1))
  let directory = options.outDirectory
  try writeNpy("\(directory)/\(name)-base.npy", base, rows: n, cols: d)
  try writeNpy("\(directory)/\(name)-queries.npy", queries, rows: nq, cols: d)
  print("generated+written in \(fmt(now() - t0, 1)) s")

  // Build (float), save, load.
  var start = now()
  let built = VectorIndex(dimension: d)
  built.reserveCapacity(n)
  for r in 0..<n { try built.upsert(id: String(r), vector: Array(base[(r * d)..<((r + 1) * d)])) }
  let buildSeconds = now() - start
  let path = "\(directory)/\(name).drpv"
  start = now()
  try built.save(path: path)
  let saveSeconds = now() - start
  let builtBytes = built.info().bytes
  start = now()
  let index = try VectorIndex.load(path: path, verify: false)
  let loadMs = (now() - start) * 1000
  start = now()
  try VectorIndex.verify(path: path)
  let verifyMs = (now() - start) * 1000
  let rawBytes = n * d * 4
  print(
    "build_s=\(fmt(buildSeconds, 2)) save_s=\(fmt(saveSeconds, 2)) load_ms=\(fmt(loadMs)) verify_ms=\(fmt(verifyMs, 1)) "
      + "memory_ratio=\(fmt(Double(index.info().bytes) / Double(rawBytes))) built_memory_ratio=\(fmt(Double(builtBytes) / Double(rawBytes)))"
  )

  func query(_ i: Int) -> [Float] { Array(queries[(i * d)..<((i + 1) * d)]) }
  // The first query after load faults the mapped rows in; a second load, prefaulted (as
  // `drp serve` does) before its first query, does not.
  start = now()
  _ = try index.search(query(0), k: options.k)
  let firstQueryMs = (now() - start) * 1000
  let prefaulted = try VectorIndex.load(path: path, verify: false)
  start = now()
  let populated = DispatchSemaphore(value: 0)
  prefaulted.prefault { _ in populated.signal() }
  populated.wait()
  let prefaultMs = (now() - start) * 1000
  start = now()
  _ = try prefaulted.search(query(0), k: options.k)
  let prefaultedFirstMs = (now() - start) * 1000
  print(
    "first query after load: \(fmt(firstQueryMs)) ms; prefault \(fmt(prefaultMs)) ms (background), then first query "
      + "\(fmt(prefaultedFirstMs)) ms")
  // Single-query latency (after the warm-up scan above), alternating with the same query on the
  // index built in memory (owned rows, huge pages from 32 MiB on) so load drift hits both alike.
  _ = try built.search(query(0), k: options.k)
  var latencies: [Double] = []
  var heapLatencies: [Double] = []
  for i in 0..<options.singleQueries {
    let q = query(i)
    start = now()
    _ = try index.search(q, k: options.k)
    latencies.append(now() - start)
    start = now()
    _ = try built.search(q, k: options.k)
    heapLatencies.append(now() - start)
  }
  print("single (built in memory, not mapped) p50_ms=\(fmt(percentile(heapLatencies, 0.5) * 1000))")
  let p50 = percentile(latencies, 0.5) * 1000
  let p99 = percentile(latencies, 0.99) * 1000
  let singleGBps = Double(rawBytes) / (p50 / 1000) / 1e9
  print(
    "single p50_ms=\(fmt(p50)) p99_ms=\(fmt(p99)) GB/s=\(fmt(singleGBps, 1)) (\(fmt(100 * singleGBps / bandwidth, 0))% of stream read)"
  )

  // Batch throughput.
  let batch = (0..<options.batchQueries).map(query)
  start = now()
  let batchResults = try index.search(batch: batch, k: options.k)
  let batchSeconds = now() - start
  let qps = Double(options.batchQueries) / batchSeconds
  let gflops = 2 * Double(options.batchQueries) * Double(n) * Double(d) / batchSeconds / 1e9
  print(
    "batch nq=\(options.batchQueries) qps=\(fmt(qps, 1)) GFLOP/s=\(fmt(gflops, 1)) (\(fmt(100 * gflops / peak, 0))% of sgemm peak)"
  )

  // Recall against float64 ground truth.
  let truthCount = min(options.truthQueries, options.batchQueries)
  let truths = (0..<truthCount).map { truth(queries[($0 * d)..<(($0 + 1) * d)], base, n: n, d: d, k: options.k) }
  var exactLists = 0
  var hits = 0
  var batchAgrees = 0
  for i in 0..<truthCount {
    let got = try index.search(query(i), k: options.k).map { Int($0.id)! }
    if got == truths[i] { exactLists += 1 }
    hits += Set(got).intersection(truths[i]).count
    if batchResults[i].map({ Int($0.id)! }) == got { batchAgrees += 1 }
  }
  let recall = Double(hits) / Double(truthCount * options.k)
  print(
    "exact recall@\(options.k)=\(fmt(recall, 4)) identical_lists=\(exactLists)/\(truthCount) batch==single \(batchAgrees)/\(truthCount)"
  )

  // int8 variant.
  let quantized = VectorIndex(dimension: d, quantized: true)
  quantized.reserveCapacity(n)
  for r in 0..<n { try quantized.upsert(id: String(r), vector: Array(base[(r * d)..<((r + 1) * d)])) }
  _ = try quantized.search(query(0), k: options.k)
  var qLatencies: [Double] = []
  for i in 0..<options.singleQueries {
    let q = query(i)
    start = now()
    _ = try quantized.search(q, k: options.k)
    qLatencies.append(now() - start)
  }
  var qHits = 0
  for i in 0..<truthCount {
    qHits += Set(try quantized.search(query(i), k: options.k).map { Int($0.id)! }).intersection(truths[i]).count
  }
  let int8Recall = Double(qHits) / Double(truthCount * options.k)
  let int8P50 = percentile(qLatencies, 0.5) * 1000
  print(
    "int8 recall@\(options.k)=\(fmt(int8Recall, 4)) p50_ms=\(fmt(int8P50)) p99_ms=\(fmt(percentile(qLatencies, 0.99) * 1000))"
  )

  // Batch kernel switch-over (per-query cost of each kernel by batch size).
  var switchover: [String: Any] = [:]
  if options.switchover && n == 100_000 {
    var line = "switch-over ms/query (perQuery|tiled|sgemm):"
    for size in [1, 2, 4, 8, 16, 32, 64] {
      let group = (0..<size).map(query)
      var perKernel: [Double] = []
      for kernel in [BatchKernel.perQuery, .tiled, .matrix] {
        var best = Double.infinity
        for _ in 0..<3 {
          start = now()
          _ = try index.search(batch: group, k: options.k, kernel: kernel)
          best = min(best, now() - start)
        }
        perKernel.append(best * 1000 / Double(size))
      }
      line += " nq=\(size) " + perKernel.map { fmt($0) }.joined(separator: "|")
      switchover["\(size)"] = perKernel
    }
    print(line)
  }
  let rss = residentMB()
  print("rss_mb=\(fmt(rss, 0))")
  try? FileManager.default.removeItem(atPath: path)
  return [
    "name": name, "kind": kind, "n": n, "d": d, "k": options.k, "threads": ProcessInfo.processInfo.activeProcessorCount,
    "single_queries": options.singleQueries, "batch_queries": options.batchQueries,
    "single_p50_ms": p50, "single_p99_ms": p99, "single_gbps": singleGBps, "batch_qps": qps, "batch_gflops": gflops,
    "recall": recall, "identical_lists": exactLists, "truth_queries": truthCount, "int8_recall": int8Recall,
    "int8_p50_ms": int8P50, "load_ms": loadMs, "verify_ms": verifyMs, "build_s": buildSeconds,
    "built_single_p50_ms": percentile(heapLatencies, 0.5) * 1000, "first_query_ms": firstQueryMs,
    "prefault_ms": prefaultMs, "prefaulted_first_query_ms": prefaultedFirstMs,
    "memory_ratio": Double(index.info().bytes) / Double(rawBytes), "rss_mb": rss, "switchover": switchover,
    "stream_gbps": bandwidth, "sgemm_peak_gflops": peak, "blas": BLASRuntime.libraryName,
  ]
}
