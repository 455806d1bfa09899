import DRPGenerator
import DRPReasoning
import DRPTestSupport
import XCTest

/// Runs the statistical analyser and offline generator over every user of a real (read-only)
/// review file and checks the profiles' invariants.
final class RealDataAnalyserTests: XCTestCase {
  private func loadReviews(_ name: String) throws -> [ReviewSample] {
    let url = try TestSupport.sharedDataFile(name)
    let text = try String(contentsOf: url, encoding: .utf8)
    var reviews: [ReviewSample] = []
    for (i, line) in text.split(separator: "\n").enumerated() {
      let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
      reviews.append(
        ReviewSample(
          id: Int64(i + 1), userID: object["user_id"] as? String ?? "", itemID: object["parent_asin"] as? String ?? "",
          rating: object["rating"] as? Double ?? 0, title: object["title"] as? String ?? "",
          text: object["text"] as? String ?? "", timestamp: (object["timestamp"] as? NSNumber)?.int64Value ?? 0))
    }
    return reviews
  }

  func testAnalyserOverEveryUserOfRealData() throws {
    let reviews = try loadReviews("amazon2018_5core_magazine_giftcards.reviews.jsonl")
    let byItem = Dictionary(grouping: reviews, by: \.itemID)
    // The first 150 users (by id) with at least five reviews keep the debug-build test near 5 s.
    let byUser = Dictionary(grouping: reviews, by: \.userID).filter { $0.value.count >= 5 }.sorted { $0.key < $1.key }
      .prefix(150)
    XCTAssertEqual(byUser.count, 150)
    let analyser = StatisticalAnalyser()
    var withDimensions = 0
    var dimensionCount = 0
    var names: [String: Int] = [:]
    let start = Date()
    for (user, history) in byUser {
      let keys = history.prefix(8).compactMap { mine -> KeySample? in
        let peers = (byItem[mine.itemID] ?? []).filter { $0.userID != user }.prefix(4)
        return peers.isEmpty
          ? nil : KeySample(item: ItemInfo(id: mine.itemID, title: ""), userReview: mine, peerReviews: Array(peers))
      }
      let profile = analyser.analyse(userID: user, history: history, keySamples: keys)
      let keyItems = Set(keys.map(\.item.id))
      for d in profile.dimensions {
        XCTAssertTrue((1...keys.count).contains(d.support), "\(user) \(d.name) support \(d.support)")
        XCTAssertTrue(Set(d.sources).isSubset(of: keyItems))
        XCTAssertFalse(d.description.isEmpty)
        names[d.name, default: 0] += 1
      }
      let baseCount = profile.dimensions.prefix { $0.name.hasSuffix(" style") }.count
      XCTAssertEqual(
        profile.dimensions.filter { $0.name.hasSuffix(" style") }.count, baseCount, "base dimensions first")
      XCTAssertEqual(profile.dimensions.isEmpty, baseCount == 0)
      if !profile.dimensions.isEmpty { withDimensions += 1 }
      dimensionCount += profile.dimensions.count - baseCount
      _ = try profile.cliJSON()
      let text = OfflineGenerator().generate(
        item: ItemInfo(id: "held-out", title: "Gift card"), history: history, profile: profile, rating: 5, title: nil,
        mode: .drp)
      XCTAssertFalse(text.isEmpty)
    }
    let seconds = Date().timeIntervalSince(start)
    print(
      String(
        format:
          "real data: %d users, %.0f%% with dimensions, %.1f specific dimensions per user, %.1f ms per user (analyse + generate)",
        byUser.count, 100 * Double(withDimensions) / Double(byUser.count),
        Double(dimensionCount) / Double(byUser.count),
        1000 * seconds / Double(byUser.count)))
    print(
      "dimension frequency:",
      names.sorted { $0.value > $1.value }.map { "\($0.key)=\($0.value)" }.joined(separator: ", "))
    XCTAssertGreaterThan(withDimensions, 0)
    XCTAssertLessThan(withDimensions, byUser.count, "some users write like their peers")
  }
}
