// drp-bench import: JSONL import throughput and peak memory at two file sizes.
import DRPSample
import DRPStore
import Foundation

/// Peak resident set size of this process in KiB (`VmHWM` of /proc/self/status), 0 when unavailable.
private func peakRSSKiB() -> Int {
  guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
    let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") })
  else { return 0 }
  return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
}

/// User plus system CPU seconds of this process so far.
private func cpuSeconds() -> Double {
  var usage = rusage()
  getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
  let seconds = { (t: timeval) in Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
  return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

/// `drp-bench import [--reviews N]`: generates N synthetic reviews (default 1,000,000) and, first, a
/// tenth of that; imports each into a fresh temporary home in-process; prints reviews/s and peak RSS.
public func runImportBenchmark(_ args: [String]) throws {
  var total = 1_000_000
  if let i = args.firstIndex(of: "--reviews"), i + 1 < args.count, let n = Int(args[i + 1]), n >= 10 {
    total = n
  }
  let root = FileManager.default.temporaryDirectory.appendingPathComponent("drp-bench-import-\(getpid())").path
  defer { try? FileManager.default.removeItem(atPath: root) }
  print("size       reviews   gen s   import s   reviews/s   CPU s   reviews/CPU-s   peak RSS MiB")
  for size in [total / 10, total] {
    var options = SampleOptions()
    options.reviewsPerUser = 10
    options.spread = 0
    options.users = size / 10
    options.items = 5000
    let dir = "\(root)/data-\(size)"
    let genStart = Date()
    let sample = try SampleGenerator(options: options).write(to: dir)
    let genSeconds = Date().timeIntervalSince(genStart)
    let store = try ReviewStore(home: "\(root)/home-\(size)")
    let cpuStart = cpuSeconds()
    let report = try ReviewImporter(store: store).importFiles([sample.itemsPath, sample.reviewsPath])
    let cpu = cpuSeconds() - cpuStart
    let rate = Double(report.reviewsAdded) / report.seconds
    print(
      String(
        format: "%-9d  %7d  %6.2f   %8.2f   %9.0f   %5.2f   %13.0f   %12.1f", size, report.reviewsAdded, genSeconds,
        report.seconds, rate, cpu, Double(report.reviewsAdded) / cpu, Double(peakRSSKiB()) / 1024))
    try? FileManager.default.removeItem(atPath: dir)
  }
}
