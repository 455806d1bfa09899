// drp-bench peers: peer-selection latency per strategy, and builtin vs neural neighbour overlap.
import DRPCore
import DRPEngine
import DRPStore
import Foundation

/// `drp-bench peers [--data PREFIX] [--min-reviews N] [--k K]`.
///
/// Imports `PREFIX.items.jsonl` and `PREFIX.reviews.jsonl` (default: the 2018 magazine/gift-card
/// 5-core files in /work/shared/data) into a temporary home, embeds them with the builtin
/// embedder, then times `Engine.peers` for every user with at least N reviews (default 5) and each
/// item they reviewed, per strategy (4 peers). With `DRP_TEST_EMBED_URL`/`DRP_TEST_EMBED_MODEL`
/// set it also embeds with that server and reports the overlap@K (default 10) of the two
/// embedders' nearest-user lists for the same users.
enum PeersBenchmark {
  static func run(_ arguments: [String]) throws {
    var prefix = "/work/shared/data/amazon2018_5core_magazine_giftcards"
    var minReviews = 5
    var k = 10
    var index = 0
    while index < arguments.count {
      let value = index + 1 < arguments.count ? arguments[index + 1] : nil
      switch (arguments[index], value) {
      case ("--data", let value?): prefix = value
      case ("--min-reviews", let value?) where Int(value).map({ $0 >= 1 }) == true: minReviews = Int(value)!
      case ("--k", let value?) where Int(value).map({ $0 >= 1 }) == true: k = Int(value)!
      default:
        FileHandle.standardError.write(Data("usage: drp-bench peers [--data PREFIX] [--min-reviews N] [--k K]\n".utf8))
        exit(2)
      }
      index += 2
    }
    let home = FileManager.default.temporaryDirectory.appendingPathComponent("drp-bench-peers-\(getpid())").path
    defer { try? FileManager.default.removeItem(atPath: home) }
    let imported = try ReviewImporter(store: try ReviewStore(home: home))
      .importFiles(["\(prefix).items.jsonl", "\(prefix).reviews.jsonl"])
    print("data: \(prefix).* (\(imported.reviewsAdded) reviews)")
    let engine = try Engine(home: home, config: DRPConfig())
    let embedded = try engine.embed()
    print(
      String(
        format: "builtin embed: %d reviews, %d users in %.2f s (%@)", embedded.reviewsEmbedded, embedded.indexedUsers,
        embedded.seconds, embedded.embedder))

    let users = try engine.store.users(limit: Int.max).filter { $0.reviewCount >= minReviews }.map(\.id)
    var pairs: [(user: String, item: String)] = []
    for user in users {
      for item in Set(try engine.store.reviews(ofUser: user).map(\.itemID)).sorted() { pairs.append((user, item)) }
    }
    print("\(users.count) users with >= \(minReviews) reviews, \(pairs.count) user/item pairs, 4 peers each")
    print("strategy         median ms   p90 ms   max ms   mean peers")
    for strategy in ["nearest", "diverse", "representative", "contrastive"] {
      var times: [Double] = []
      var chosen = 0
      times.reserveCapacity(pairs.count)
      for pair in pairs {
        let start = DispatchTime.now().uptimeNanoseconds
        chosen += try engine.peers(user: pair.user, item: pair.item, strategy: strategy, count: 4).count
        times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
      }
      times.sort()
      print(
        String(
          format: "%@  %9.3f  %7.3f  %7.3f   %10.2f", strategy.padding(toLength: 15, withPad: " ", startingAt: 0),
          percentile(times, 0.5), percentile(times, 0.9),
          times.last ?? 0, Double(chosen) / Double(max(1, pairs.count))))
    }
    try neighbourOverlap(engine: engine, home: home, users: users, k: k)
  }

  /// Mean |builtin top-k ∩ neural top-k| / k over `users`, with the random-list expectation.
  private static func neighbourOverlap(engine: Engine, home: String, users: [String], k: Int) throws {
    let environment = ProcessInfo.processInfo.environment
    guard let url = environment["DRP_TEST_EMBED_URL"], !url.isEmpty else {
      print("overlap@\(k): skipped (DRP_TEST_EMBED_URL unset; eval \"$(/work/shared/tools/local-models env)\")")
      return
    }
    let builtin = try users.map { Set(try engine.neighbors(user: $0, k: k).map(\.id)) }
    var config = DRPConfig()
    config.embedder.kind = "openai"
    config.embedder.url = url
    config.embedder.model = environment["DRP_TEST_EMBED_MODEL"]
    let neural = try Engine(home: home, config: config)
    let report = try neural.embed()
    print(
      String(format: "neural embed: %d reviews in %.1f s (%@)", report.reviewsEmbedded, report.seconds, report.embedder)
    )
    var overlap = 0.0
    for (user, lists) in zip(users, builtin) {
      let other = Set(try neural.neighbors(user: user, k: k).map(\.id))
      overlap += Double(lists.intersection(other).count) / Double(k)
    }
    let population = neural.index.count
    print(
      String(
        format: "overlap@%d builtin vs %@: %.3f over %d users (random lists: %.3f)", k, report.embedder,
        overlap / Double(max(1, users.count)), users.count, Double(k) / Double(max(1, population - 1))))
  }

  private static func percentile(_ sorted: [Double], _ fraction: Double) -> Double {
    guard !sorted.isEmpty else { return 0 }
    return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * fraction).rounded()))]
  }
}
