import DRPCore
import Foundation

/// Merges difference dimensions across self-consistency samples and across key items.
///
/// Name matching rule: a name is lowercased, split on non-letters, each token mapped through a small
/// synonym table (`emotion`/`emotive`/`affective` → `emotional`, `lexical`/`vocab`/`wording` →
/// `vocabulary`, …) and stripped of a plural `s`; generic words (`use`, `level`, `of`, `habit`, …)
/// are dropped (`style` is kept, so "Emotional style" and "Emotional tone" stay apart). Two names denote the same dimension when their token sets are equal or one contains
/// the other ("Tone" = "Emotional tone", but "Emotional tone" ≠ "Emotional intensity"). Names with
/// no content tokens match only when their normalised keys are equal.
public struct DimensionMerger: Sendable {
  /// Creates a merger.
  public init() {}

  private static let generic: Set<String> = [
    "use", "usage", "level", "of", "the", "and", "in", "a", "an", "user", "user's", "habit",
    "pattern", "tendency", "preference", "choice", "to", "for", "s",
  ]
  private static let synonyms: [String: String] = [
    "emotion": "emotional", "emotive": "emotional", "affective": "emotional", "feeling": "emotional",
    "lexical": "vocabulary", "vocab": "vocabulary", "wording": "vocabulary", "diction": "vocabulary",
    "word": "vocabulary", "semantics": "semantic", "written": "writing", "exclamatory": "exclamation",
    "enthusiastic": "enthusiasm", "long": "length", "longer": "length", "verbosity": "length", "verbose": "length",
    "capitalization": "capitalisation", "capital": "capitalisation", "caps": "capitalisation",
    "formal": "formality", "informal": "formality",
  ]

  /// The content tokens of a dimension name (see the type docs).
  public static func nameTokens(_ name: String) -> Set<String> {
    let words = name.lowercased().split { !$0.isLetter }.map(String.init)
    var tokens: Set<String> = []
    for word in words where !generic.contains(word) {
      var token = synonyms[word] ?? word
      if token.count > 3, token.hasSuffix("s"), !token.hasSuffix("ss") { token.removeLast() }
      tokens.insert(synonyms[token] ?? token)
    }
    return tokens
  }

  /// Lowercased letters-and-spaces form of a name, for exact comparisons.
  public static func normalizedKey(_ name: String) -> String {
    name.lowercased().split { !$0.isLetter && !$0.isNumber }.joined(separator: " ")
  }

  /// Whether two names denote the same dimension (see the type docs).
  public func sameDimension(_ a: String, _ b: String) -> Bool {
    let ta = Self.nameTokens(a)
    let tb = Self.nameTokens(b)
    if ta.isEmpty || tb.isEmpty { return Self.normalizedKey(a) == Self.normalizedKey(b) }
    return ta.isSubset(of: tb) || tb.isSubset(of: ta)
  }

  /// Self-consistency: merges the dimensions of `samples.count` extractions of the same key item.
  /// `support` becomes the number of samples that found the dimension; dimensions with support below
  /// `minSupport` (default ceil(n/2)) are dropped.
  public func mergeSamples(_ samples: [[DifferenceDimension]], minSupport: Int? = nil) -> [DifferenceDimension] {
    merge(samples, minSupport: minSupport ?? (samples.count + 1) / 2)
  }

  /// Merges per-key-item dimensions: `support` becomes the number of key items on which the
  /// dimension was found and `sources` their ids. Dimensions with support below `minSupport` are dropped.
  public func mergeItems(_ items: [(itemID: String, dimensions: [DifferenceDimension])], minSupport: Int = 1)
    -> [DifferenceDimension]
  {
    let tagged = items.map { item in
      item.dimensions.map { d -> DifferenceDimension in
        var d = d
        if !d.sources.contains(item.itemID) { d.sources.append(item.itemID) }
        return d
      }
    }
    return merge(tagged, minSupport: minSupport)
  }

  /// Groups matching names across `groups`; support = number of groups containing the dimension.
  /// The displayed name is the most frequent name ignoring case and punctuation (first seen on ties), the definition and
  /// description the longest ones, evidence and sources the de-duplicated union in order.
  /// Result is sorted by support (descending), then by first appearance.
  private func merge(_ groups: [[DifferenceDimension]], minSupport: Int) -> [DifferenceDimension] {
    struct Cluster {
      var members: [DifferenceDimension] = []
      var groups: Set<Int> = []
      var order: Int
    }
    var clusters: [Cluster] = []
    for (g, dimensions) in groups.enumerated() {
      for d in dimensions where !d.name.isEmpty {
        if let i = clusters.firstIndex(where: { c in c.members.contains { sameDimension($0.name, d.name) } }) {
          clusters[i].members.append(d)
          clusters[i].groups.insert(g)
        } else {
          clusters.append(Cluster(members: [d], groups: [g], order: clusters.count))
        }
      }
    }
    return clusters.filter { $0.groups.count >= minSupport }
      .sorted { ($0.groups.count, -$0.order) > ($1.groups.count, -$1.order) }
      .map { c in
        var counts: [String: Int] = [:]
        for m in c.members { counts[Self.normalizedKey(m.name), default: 0] += 1 }
        let best = counts.values.max()
        let name = c.members.map(\.name).first { counts[Self.normalizedKey($0)] == best }!
        return DifferenceDimension(
          name: name,
          definition: c.members.map(\.definition).max { $0.count < $1.count } ?? "",
          description: c.members.map(\.description).max { $0.count < $1.count } ?? "",
          evidence: Self.dedupe(c.members.flatMap(\.evidence)),
          support: c.groups.count,
          sources: Self.dedupe(c.members.flatMap(\.sources)))
      }
  }

  /// Order-preserving de-duplication, ignoring case and surrounding whitespace.
  static func dedupe(_ items: [String]) -> [String] {
    var seen: Set<String> = []
    return items.filter { item in
      let key = item.trimmingWhitespace().lowercased()
      return !key.isEmpty && seen.insert(key).inserted
    }
  }
}
