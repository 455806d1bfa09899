import DRPSample
import DRPStore
import DRPTestSupport
import XCTest

final class SampleGeneratorTests: XCTestCase {
  func testSameSeedGivesIdenticalBytes() throws {
    let dir = try TemporaryDirectory()
    var options = SampleOptions()
    options.users = 40
    let a = try SampleGenerator(options: options).write(to: dir.path("a"))
    let b = try SampleGenerator(options: options).write(to: dir.path("b"))
    options.seed = 7
    let c = try SampleGenerator(options: options).write(to: dir.path("c"))
    let bytes = { (path: String) in try Data(contentsOf: URL(fileURLWithPath: path)) }
    XCTAssertEqual(try bytes(a.reviewsPath), try bytes(b.reviewsPath))
    XCTAssertEqual(try bytes(a.itemsPath), try bytes(b.itemsPath))
    XCTAssertNotEqual(try bytes(a.reviewsPath), try bytes(c.reviewsPath))
  }

  func testDefaultSampleShapeAndMeasurableHabits() throws {
    let dir = try TemporaryDirectory()
    let generator = SampleGenerator()
    let summary = try generator.write(to: dir.path("sample"))
    XCTAssertEqual(summary.users, 300)
    XCTAssertEqual(summary.items, 80)
    let store = try ReviewStore(home: dir.path("home"))
    let report = try ReviewImporter(store: store).importFiles([summary.itemsPath, summary.reviewsPath])
    XCTAssertEqual(report.skippedTotal, 0)
    XCTAssertEqual(report.reviewsAdded, summary.reviews)
    XCTAssertEqual(try store.stats(), StoreStats(users: 300, items: 80, reviews: summary.reviews))

    for index in 0..<80 {
      let id = SampleGenerator.itemID(index)
      XCTAssertGreaterThanOrEqual(try store.reviewers(ofItem: id).count, 10, id)
      XCTAssertFalse(try store.item(id)?.title.isEmpty ?? true)
    }
    var meanLengths: [Double] = []
    var exclaimRate: [(persona: Double, observed: Double)] = []
    var lowerCaseUsersAllLower = true
    for index in 0..<300 {
      let reviews = try store.reviews(ofUser: SampleGenerator.userID(index))
      XCTAssertTrue((10...14).contains(reviews.count), "user \(index) has \(reviews.count) reviews")
      XCTAssertEqual(reviews.map(\.timestamp), reviews.map(\.timestamp).sorted())
      XCTAssertEqual(Set(reviews.map(\.timestamp)).count, reviews.count)
      meanLengths.append(Double(reviews.map(\.text.count).reduce(0, +)) / Double(reviews.count))
      let persona = generator.persona(ofUser: index)
      let observed = Double(reviews.filter { $0.text.contains("!!!") }.count) / Double(reviews.count)
      exclaimRate.append((persona.exclaim, observed))
      if persona.casing == .lower && reviews.contains(where: { $0.text != $0.text.lowercased() }) {
        lowerCaseUsersAllLower = false
      }
    }
    XCTAssertGreaterThan(meanLengths.max()! / meanLengths.min()!, 4, "review lengths should differ across personas")
    let exclaimers = exclaimRate.filter { $0.persona > 0.5 }.map(\.observed)
    let calm = exclaimRate.filter { $0.persona < 0.1 }.map(\.observed)
    XCTAssertFalse(exclaimers.isEmpty)
    XCTAssertGreaterThan(exclaimers.reduce(0, +) / Double(exclaimers.count), 0.6)
    XCTAssertLessThan(calm.reduce(0, +) / Double(calm.count), 0.2)
    XCTAssertTrue(lowerCaseUsersAllLower)
  }
}
