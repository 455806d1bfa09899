// drp-bench scan: where a single query's time goes (BENCHMARKS.md, "Vector index").
import DRPCore
import DRPIndex
import Dispatch
import Foundation
import Glibc

/// `drp-bench scan [--n 1M] [--d 384] [--reps 21]`: one data set, timed round-robin (every
/// repetition times each variant once, so load drifting on a shared machine hits all alike):
/// - the memory bound: a SIMD sum over the same bytes, 1 and 2 threads, on 4 KiB pages and on
///   transparent huge pages;
/// - the previous single-query kernel (four rows per pass, the two halves on two threads), kept
///   here as the reference it was measured against;
/// - `VectorIndex.search` (k = 10): built in memory (owned rows, huge pages) and loaded from its
///   file (mmap, as `drp serve` uses it).
enum ScanBenchmark {
  private struct Options {
    var n = 1_000_000
    var d = 384
    var reps = 21

    init(_ args: [String]) throws {
      var arguments = BenchArguments(args)
      while let flag = arguments.next() {
        switch flag {
        case "--n": n = try arguments.positive()
        case "--d": d = try arguments.positive()
        case "--reps": reps = try arguments.positive()
        default: throw BenchUsage(message: "usage: drp-bench scan [--n 1M] [--d 384] [--reps 21]")
        }
      }
    }
  }

  /// An unchecked box for handing pointers to concurrentPerform.
  private struct Shared<T>: @unchecked Sendable { let value: T }

  static func run(_ args: [String]) throws {
    let options = try Options(args)
    let (n, d) = (options.n, options.d)
    let stride = (d + 15) / 16 * 16
    let bytes = n * stride * 4
    print(
      "load: \(String(decoding: try Data(contentsOf: URL(fileURLWithPath: "/proc/loadavg")), as: UTF8.self))",
      terminator: "")
    var generator = SplitMix64(seed: 11)
    func unit() -> [Float] {
      let v = (0..<d).map { _ in Float(Double(generator.next() >> 11) / Double(1 << 53)) * 2 - 1 }
      let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
      return v.map { $0 / norm }
    }
    let built = VectorIndex(dimension: d)
    built.reserveCapacity(n)
    for row in 0..<n { try built.upsert(id: String(row), vector: unit()) }
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("drp-bench-scan-\(getpid()).drpi").path
    try built.save(path: path)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let mapped = try VectorIndex.load(path: path, verify: false)
    let small = allocate(bytes, hugePages: false)
    let huge = allocate(bytes, hugePages: true)
    defer {
      munmap(small, bytes)
      munmap(huge, bytes)
    }
    // The same padded rows in plain and huge-page memory, for the bound and the previous kernel.
    for row in 0..<n {
      let vector = built.vector(for: String(row))!
      for target in [small, huge] {
        let floats = target.assumingMemoryBound(to: Float.self) + row * stride
        floats.update(from: vector, count: d)
      }
    }
    let query = unit()
    let padded = UnsafeMutablePointer<Float>.allocate(capacity: stride)
    padded.initialize(repeating: 0, count: stride)
    padded.update(from: query, count: d)
    defer { padded.deallocate() }
    let q = Shared(value: UnsafePointer(padded))
    let plain = Shared(value: UnsafePointer(small.assumingMemoryBound(to: Float.self)))
    let hugeRows = Shared(value: UnsafePointer(huge.assumingMemoryBound(to: Float.self)))
    let sink = Shared(value: UnsafeMutablePointer<Float>.allocate(capacity: 2))
    defer { sink.value.deallocate() }

    func split(_ threads: Int, _ body: @escaping @Sendable (Range<Int>, Int) -> Void) {
      if threads == 1 { return body(0..<n, 0) }
      DispatchQueue.concurrentPerform(iterations: threads) { t in body((n * t / threads)..<(n * (t + 1) / threads), t) }
    }
    let variants: [(String, () throws -> Void)] = [
      (
        "memory bound: SIMD sum, 1 thread, 4 KiB pages",
        { split(1) { sink.value[$1] = streamSum(plain.value, $0, stride) } }
      ),
      (
        "memory bound: SIMD sum, 2 threads, 4 KiB pages",
        { split(2) { sink.value[$1] = streamSum(plain.value, $0, stride) } }
      ),
      (
        "memory bound: SIMD sum, 2 threads, huge pages",
        { split(2) { sink.value[$1] = streamSum(hugeRows.value, $0, stride) } }
      ),
      (
        "previous kernel (4 rows/pass), 2 threads, 4 KiB",
        {
          split(2) { sink.value[$1] = previousKernel(q.value, plain.value, $0, stride) }
        }
      ),
      (
        "previous kernel (4 rows/pass), 2 threads, huge",
        {
          split(2) { sink.value[$1] = previousKernel(q.value, hugeRows.value, $0, stride) }
        }
      ),
      ("VectorIndex.search, built in memory (huge pages)", { _ = try built.search(query, k: 10) }),
      ("VectorIndex.search, loaded from file (mmap)", { _ = try mapped.search(query, k: 10) }),
    ]
    for (_, variant) in variants { try variant() }  // warm-up: first touches
    var times = [[Double]](repeating: [], count: variants.count)
    for _ in 0..<options.reps {
      for (index, variant) in variants.enumerated() {
        let start = DispatchTime.now().uptimeNanoseconds
        try variant.1()
        times[index].append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
      }
    }
    print("n=\(n) d=\(d) (\(bytes >> 20) MiB of rows), \(options.reps) round-robin repetitions")
    print("| variant | p50 ms | GB/s at p50 | min ms | GB/s at min |")
    print("|---|---|---|---|---|")
    for (index, variant) in variants.enumerated() {
      let sorted = times[index].sorted()
      let p50 = sorted[sorted.count / 2]
      print(
        "| \(variant.0) | \(String(format: "%.2f", p50 * 1000)) | \(String(format: "%.1f", Double(bytes) / p50 / 1e9)) "
          + "| \(String(format: "%.2f", sorted[0] * 1000)) | \(String(format: "%.1f", Double(bytes) / sorted[0] / 1e9)) |"
      )
    }
    print(
      "load: \(String(decoding: try Data(contentsOf: URL(fileURLWithPath: "/proc/loadavg")), as: UTF8.self))",
      terminator: "")
  }

  /// Anonymous memory of `bytes`, with `MADV_HUGEPAGE` or `MADV_NOHUGEPAGE`, touched.
  private static func allocate(_ bytes: Int, hugePages: Bool) -> UnsafeMutableRawPointer {
    let memory = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)!
    _ = madvise(memory, bytes, hugePages ? 14 : 15)
    memset(memory, 0, bytes)
    return memory
  }

  /// Sums every float of `rows` (the least work that still reads them all).
  private static func streamSum(_ base: UnsafePointer<Float>, _ rows: Range<Int>, _ stride: Int) -> Float {
    let raw = UnsafeRawPointer(base)
    var a0 = SIMD16<Float>()
    var a1 = SIMD16<Float>()
    var a2 = SIMD16<Float>()
    var a3 = SIMD16<Float>()
    var offset = rows.lowerBound * stride * 4
    let end = rows.upperBound * stride * 4
    while offset + 256 <= end {
      a0 += raw.loadUnaligned(fromByteOffset: offset, as: SIMD16<Float>.self)
      a1 += raw.loadUnaligned(fromByteOffset: offset + 64, as: SIMD16<Float>.self)
      a2 += raw.loadUnaligned(fromByteOffset: offset + 128, as: SIMD16<Float>.self)
      a3 += raw.loadUnaligned(fromByteOffset: offset + 192, as: SIMD16<Float>.self)
      offset += 256
    }
    return (a0 + a1 + a2 + a3).sum()
  }

  /// The single-query kernel before issue 13: four rows per pass (one SIMD16 accumulator each),
  /// then the block's scores compared with a running threshold. Returns the best score.
  private static func previousKernel(
    _ q: UnsafePointer<Float>, _ base: UnsafePointer<Float>, _ rows: Range<Int>, _ stride: Int
  ) -> Float {
    func load(_ p: UnsafePointer<Float>, _ i: Int) -> SIMD16<Float> {
      UnsafeRawPointer(p + i).loadUnaligned(as: SIMD16<Float>.self)
    }
    var best = -Float.infinity
    var r = rows.lowerBound
    while r + 4 <= rows.upperBound {
      let p0 = base + r * stride
      let p1 = p0 + stride
      let p2 = p1 + stride
      let p3 = p2 + stride
      var a0 = SIMD16<Float>()
      var a1 = SIMD16<Float>()
      var a2 = SIMD16<Float>()
      var a3 = SIMD16<Float>()
      var i = 0
      while i < stride {
        let qv = load(q, i)
        a0.addProduct(qv, load(p0, i))
        a1.addProduct(qv, load(p1, i))
        a2.addProduct(qv, load(p2, i))
        a3.addProduct(qv, load(p3, i))
        i += 16
      }
      best = max(best, a0.sum(), a1.sum(), a2.sum(), a3.sum())
      r += 4
    }
    return best
  }
}
