// drp-bench metrics: WordNet load CPU time and metric throughput, in an optimised build.
import DRPMetrics
import Foundation

/// `drp-bench metrics [--pairs N]`: the CPU time of loading WordNet (this thread's, best and median
/// of 5 loads; `/usr/share/wordnet`, or `DRP_WORDNET_DIR`) and the time to score N (default 2,000)
/// prediction/reference pairs with ROUGE, METEOR and BLEU. Target: a load under 0.25 s of CPU.
enum MetricsBenchmark {
  static func run(_ arguments: [String]) throws {
    var pairs = 2_000
    var index = 0
    while index < arguments.count {
      let value = index + 1 < arguments.count ? Int(arguments[index + 1]) : nil
      guard arguments[index] == "--pairs", let value, value >= 1 else {
        FileHandle.standardError.write(Data("usage: drp-bench metrics [--pairs N]\n".utf8))
        exit(2)
      }
      pairs = value
      index += 2
    }
    var loads: [Double] = []
    for _ in 0..<5 {
      let start = threadCPUSeconds()
      _ = try WordNet(directory: WordNet.configuredDirectory)
      loads.append(threadCPUSeconds() - start)
    }
    loads.sort()
    print(String(format: "wordnet load: best %.3f s, median %.3f s of CPU (target < 0.25)", loads[0], loads[2]))

    let words = [
      "the", "book", "was", "good", "great", "story", "plot", "slow", "characters", "ending", "liked",
      "album", "songs", "sound", "voice", "quality", "would", "recommend", "not", "really",
    ]
    var generator = SystemRandomNumberGenerator()
    func sentence() -> String { (0..<40).map { _ in words.randomElement(using: &generator)! }.joined(separator: " ") }
    let data = (0..<pairs).map { _ in (prediction: sentence(), reference: sentence()) }
    let start = Date()
    let report = MetricSuite.evaluate(pairs: data)
    let seconds = Date().timeIntervalSince(start)
    print(
      String(
        format: "metrics: %d pairs of 40 words in %.3f s (%.0f pairs/s), synonym stage %@", pairs, seconds,
        Double(pairs) / seconds, report.meteorSynonymStage ? "on" : "off"))
  }

  private static func threadCPUSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
  }
}
