import DRPReasoning

/// Constructed users and peers for the analyser and generator tests (all text written here).
public enum ReviewFixtures {
  public static let terse = [
    "Works fine.", "Does the job.", "Good value for the price.", "Arrived on time.", "It is okay.",
    "Decent build.", "Would buy again.", "No complaints so far.", "As described.", "Fair quality overall.",
  ]
  public static let gushing = [
    "I absolutely LOVE this thing and I tell everyone about it!",
    "My kids use it every single morning and it never fails!",
    "Honestly the most fantastic purchase I have made this year!", "I was really skeptical at first but wow, just wow!",
    "It looks gorgeous on my counter and I get compliments constantly!", "Super sturdy, super easy, super fantastic!",
  ]

  /// A review of `sentences` sentences picked deterministically from `bank`.
  public static func text(_ bank: [String], seed: Int, sentences: Int) -> String {
    (0..<sentences).map { bank[(seed * 7 + $0 * 3) % bank.count] }.joined(separator: " ")
  }

  public static func review(_ id: Int, user: String, item: String, rating: Double, _ text: String) -> ReviewSample {
    ReviewSample(id: Int64(id), userID: user, itemID: item, rating: rating, title: "", text: text, timestamp: Int64(id))
  }

  /// `count` further reviews of other items by the same user, in the same style.
  public static func history(user: String, bank: [String], sentences: Int, count: Int = 15) -> [ReviewSample] {
    (0..<count).map {
      review(200 + $0, user: user, item: "h\($0)", rating: 4, text(bank, seed: 5 + $0, sentences: sentences))
    }
  }

  /// Five key items: the target writes with `userBank`, four peers per item write terse eight-sentence reviews.
  public static func keySamples(user: String, userBank: [String], userSentences: Int, userRating: Double) -> [KeySample]
  {
    (0..<5).map { i in
      let item = "item\(i)"
      return KeySample(
        item: ItemInfo(id: item, title: "Gadget \(i)"),
        userReview: review(
          100 + i, user: user, item: item, rating: userRating, text(userBank, seed: i, sentences: userSentences)),
        peerReviews: (0..<4).map { p in
          review(1000 + i * 10 + p, user: "peer\(p)", item: item, rating: 3, text(terse, seed: i * 4 + p, sentences: 8))
        })
    }
  }
}
