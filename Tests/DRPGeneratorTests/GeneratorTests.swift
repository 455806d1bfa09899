import DRPReasoning
import DRPReasoningTestSupport
import XCTest

@testable import DRPGenerator

final class GeneratorTests: XCTestCase {
  private let item = ItemInfo(
    id: "B00KETTLE", title: "Steel Kettle, 1.7 L (silver)",
    description: "A steel kettle with a quick boil element, a steel handle and a quick boil indicator.")

  private func history(_ bank: [String], sentences: Int, user: String = "u1") -> [ReviewSample] {
    ReviewFixtures.history(user: user, bank: bank, sentences: sentences, count: 8)
  }

  func testOfflineGeneratorIsDeterministic() {
    let h = history(ReviewFixtures.gushing, sentences: 5)
    let g = OfflineGenerator()
    for mode in PipelineMode.allCases {
      let a = g.generate(item: item, history: h, profile: nil, rating: 5, title: nil, mode: mode)
      XCTAssertEqual(a, g.generate(item: item, history: h, profile: nil, rating: 5, title: nil, mode: mode))
      XCTAssertFalse(a.isEmpty)
    }
    let other = ItemInfo(id: "B00OTHER", title: item.title, description: item.description)
    XCTAssertNotEqual(
      g.generate(item: item, history: h, profile: nil, rating: 5, title: nil, mode: .drp),
      g.generate(item: other, history: h, profile: nil, rating: 5, title: nil, mode: .drp), "seeded by item")
  }

  func testOfflineGeneratorReflectsHabits() {
    let g = OfflineGenerator()
    let loud = history(ReviewFixtures.gushing, sentences: 8)
    let quiet = history(ReviewFixtures.terse, sentences: 2)
    let loudText = g.generate(item: item, history: loud, profile: nil, rating: 5, title: nil, mode: .drp)
    let quietText = g.generate(item: item, history: quiet, profile: nil, rating: 5, title: nil, mode: .drp)
    let loudWords = TextFeatures(loudText).wordCount
    let quietWords = TextFeatures(quietText).wordCount
    let loudTarget = WritingHabits(history: loud).medianWords
    XCTAssertGreaterThan(loudWords, quietWords * 3, "\(loudText)\n---\n\(quietText)")
    XCTAssertEqual(Double(loudWords), Double(loudTarget), accuracy: Double(loudTarget) * 0.35)
    XCTAssertGreaterThanOrEqual(TextFeatures(loudText).exclamations, 3, loudText)
    XCTAssertEqual(TextFeatures(quietText).exclamations, 0, quietText)
    XCTAssertTrue(
      loudText.contains("Steel Kettle") || loudText.contains("steel") || loudText.contains("boil"), loudText)
    // nonp ignores history: same neutral output whatever the user wrote.
    XCTAssertEqual(
      g.generate(item: item, history: loud, profile: nil, rating: 5, title: nil, mode: .nonp),
      g.generate(item: item, history: quiet, profile: nil, rating: 5, title: nil, mode: .nonp))
    XCTAssertEqual(
      OfflineGenerator.aspects(item.description), ["steel kettle", "boil element", "steel handle", "boil indicator"])
  }

  func testOfflineGeneratorSentimentAndCatchphrase() {
    let g = OfflineGenerator()
    let bank = ["Decent build.", "Works as described."]
    let h = (0..<4).map {
      ReviewFixtures.review(
        300 + $0, user: "c", item: "x\($0)", rating: 4, "Arrived on time. \(bank[$0 % 2]) Five stars from me.")
    }
    let positive = g.generate(item: item, history: h, profile: nil, rating: 5, title: nil, mode: .rag)
    XCTAssertTrue(positive.hasPrefix("Arrived on time. "), positive)
    XCTAssertTrue(positive.hasSuffix(" Five stars from me."), positive)
    XCTAssertTrue(positive.contains("Decent build.") || positive.contains("Works as described."), positive)
    let negative = g.generate(item: item, history: h, profile: nil, rating: 1, title: nil, mode: .rag)
    XCTAssertLessThan(TextFeatures(negative).polarity, 0, negative)
    XCTAssertFalse(negative.contains("Five stars"), "a catchphrase from 4-star reviews does not fit a 1-star one")
    XCTAssertGreaterThan(TextFeatures(positive).polarity, 0, positive)
  }

  func testProfilePhrasesOnlyInProfileModes() {
    let g = OfflineGenerator()
    let h = history(ReviewFixtures.terse, sentences: 8)
    let profile = DifferenceProfile(
      userID: "u1", mode: .drp,
      dimensions: [
        DifferenceDimension(
          name: "Imagery", definition: "d", description: "x",
          evidence: ["cozy as a campfire", "cozy as a campfire", "a total waste"])
      ], summary: "")
    let drp = g.generate(item: item, history: h, profile: profile, rating: 5, title: nil, mode: .drp)
    XCTAssertEqual(drp.components(separatedBy: "cozy as a campfire").count - 1, 1, drp)
    XCTAssertFalse(drp.contains("waste"), "a negative phrase does not go into a 5-star review")
    XCTAssertFalse(
      g.generate(item: item, history: h, profile: profile, rating: 5, title: nil, mode: .rag).contains("campfire"))
  }

  func testGenerationPromptPerMode() throws {
    let builder = try GenerationPrompt()
    let h = history(ReviewFixtures.gushing, sentences: 3)
    let profile = DifferenceProfile(
      userID: "u1", mode: .drp,
      dimensions: [
        DifferenceDimension(name: "Exclamation marks", definition: "d", description: "uses more !", evidence: ["wow!"])
      ],
      summary: "Loud and happy.")
    func user(_ mode: PipelineMode, rating: Double? = 4, title: String? = "Love <it>") throws -> String {
      let p = try builder.build(item: item, history: h, profile: profile, rating: rating, title: title, mode: mode)
      XCTAssertEqual(p.templateID, "generate_review.v1")
      XCTAssertEqual(p.messages.map(\.role), ["system", "user"])
      return p.messages[1].content
    }
    let nonp = try user(.nonp)
    XCTAssertFalse(nonp.contains("<review "))
    XCTAssertFalse(nonp.contains("<profile>"))
    XCTAssertFalse(nonp.contains("in their own voice"))
    XCTAssertTrue(nonp.contains("<item id=\"B00KETTLE\">"))
    XCTAssertTrue(nonp.contains("rating of this product: 4 out of 5"))
    XCTAssertTrue(nonp.contains("Love &lt;it&gt;"))
    let rag = try user(.rag)
    XCTAssertEqual(rag.components(separatedBy: "<review ").count - 1, h.count)
    XCTAssertFalse(rag.contains("<profile>"))
    for mode in [PipelineMode.dpl, .drp] {
      let text = try user(mode)
      XCTAssertTrue(text.contains("<review "))
      XCTAssertTrue(
        text.contains(
          "<profile>\n1. Exclamation marks (d): uses more ! Evidence: \"wow!\"\nSummary: Loud and happy.\n</profile>"),
        text)
    }
    let bare = try user(.drp, rating: nil, title: nil)
    XCTAssertFalse(bare.contains("rating of this product"))
    XCTAssertFalse(bare.contains("title for this review"))
    XCTAssertFalse(bare.contains("\n\n\n"), "empty sections leave no gaps")
    XCTAssertEqual(
      try builder.build(item: item, history: h, profile: nil, rating: nil, title: nil, mode: .drp).messages[1].content
        .contains("<profile>"), false)
  }

  func testGenerationPromptBudgetDropsLeastRelevantHistory() throws {
    let h = history(ReviewFixtures.gushing, sentences: 30)
    let builder = try GenerationPrompt(budget: PromptBudget(maxTokens: 600))
    let p = try builder.build(item: item, history: h, profile: nil, rating: nil, title: nil, mode: .rag)
    XCTAssertTrue(p.truncated)
    XCTAssertLessThanOrEqual(p.estimatedTokens, 600)
    let text = p.messages[1].content
    XCTAssertTrue(text.contains("<review id=\"200\""), "most relevant kept")
    XCTAssertFalse(text.contains("<review id=\"207\""), "least relevant dropped")
    XCTAssertEqual(text.components(separatedBy: "<review ").count, text.components(separatedBy: "</review>").count)
  }
}
