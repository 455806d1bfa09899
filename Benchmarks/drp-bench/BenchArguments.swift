// Command-line options of the drp-bench subcommands.

/// A usage error of the benchmark command line.
struct BenchUsage: Error, CustomStringConvertible {
  var message: String
  var description: String { message }
}

/// Walks a subcommand's arguments: `while let flag = arguments.next() { switch flag { … } }`,
/// reading each flag's value with `value()`, `integers()` or `positive()`.
struct BenchArguments {
  private let arguments: [String]
  private var index = -1

  init(_ arguments: [String]) { self.arguments = arguments }

  /// The next flag, or nil after the last argument.
  mutating func next() -> String? {
    index += 1
    return index < arguments.count ? arguments[index] : nil
  }

  /// The value following the current flag.
  mutating func value() throws -> String {
    index += 1
    guard index < arguments.count else { throw BenchUsage(message: "missing value for \(arguments[index - 1])") }
    return arguments[index]
  }

  /// A comma-separated list of integers, `k` and `M` meaning thousand and million (`10k,1M`).
  mutating func integers() throws -> [Int] {
    let text = try value()
    let list = text.split(separator: ",").compactMap {
      Int($0.replacingOccurrences(of: "k", with: "000").replacingOccurrences(of: "M", with: "000000"))
    }
    guard !list.isEmpty else { throw BenchUsage(message: "bad list \(text)") }
    return list
  }

  /// One positive integer (`k`/`M` suffixes as in `integers()`).
  mutating func positive() throws -> Int {
    let list = try integers()
    guard list.count == 1, list[0] > 0 else {
      throw BenchUsage(message: "expected a positive integer, got \(arguments[index])")
    }
    return list[0]
  }
}
