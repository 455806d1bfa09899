// A small self-contained SVG plotter for evaluation reports: panels of points with interval whiskers.
import Foundation

/// Panels of points with vertical interval bars, optionally joined into lines, drawn as one standalone
/// SVG document (no script, no external font or style). Used by ``EvalReport/svg()`` and
/// ``SweepReport/svg()``.
struct SVGChart {
  /// One plotted value with its interval.
  struct Point {
    var x: Double
    var y: Double
    var lower: Double
    var upper: Double
    /// Drawn beside the point (a sweep value), if any.
    var label: String?
  }

  /// The points of one mode.
  struct Series {
    var name: String
    var points: [Point]
    /// Join the points with a line (in order).
    var connected: Bool
  }

  /// One metric's plot.
  struct Panel {
    var title: String
    var xLabel: String
    /// Category names at x = 0, 1, ... (a categorical axis), or nil for a numeric one.
    var categories: [String]?
    var series: [Series]
  }

  /// The document's heading and the line under it.
  var title: String
  var caption: String
  var panels: [Panel]
  var columns = 2

  /// Colours of the series, by position (colour-blind-safe Okabe–Ito hues).
  static let palette = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#F0E442", "#000000"]

  private let panelWidth = 440.0
  private let panelHeight = 300.0
  private let margin = (left: 62.0, right: 16.0, top: 34.0, bottom: 46.0)
  private let header = 64.0
  private let legendHeight = 28.0

  init(title: String, caption: String, panels: [Panel], columns: Int = 2) {
    self.title = title
    self.caption = caption
    self.panels = panels
    self.columns = max(1, columns)
  }

  /// The SVG document.
  func render() -> String {
    let rows = (panels.count + columns - 1) / columns
    let width = Double(columns) * panelWidth
    let captionLines = Self.wrap(caption, width: Int(width / 7))
    let header = self.header + Double(captionLines.count - 1) * 16
    let height = header + legendHeight + Double(rows) * panelHeight
    var out = """
      <svg xmlns="http://www.w3.org/2000/svg" width="\(Self.n(width))" height="\(Self.n(height))" \
      viewBox="0 0 \(Self.n(width)) \(Self.n(height))" font-family="Helvetica, Arial, sans-serif" font-size="12">
      <rect width="100%" height="100%" fill="#ffffff"/>
      <text x="16" y="24" font-size="17" font-weight="bold">\(Self.escape(title))</text>

      """
    for (index, line) in captionLines.enumerated() {
      out += "<text x=\"16\" y=\"\(Self.n(46 + Double(index) * 16))\" fill=\"#444444\">\(Self.escape(line))</text>\n"
    }
    let names = panels.flatMap { $0.series.map(\.name) }.reduce(into: [String]()) {
      if !$0.contains($1) { $0.append($1) }
    }
    for (index, name) in names.enumerated() {
      let x = 16 + Double(index) * 120
      out +=
        "<rect x=\"\(Self.n(x))\" y=\"\(Self.n(header + 4))\" width=\"12\" height=\"12\" fill=\"\(color(name, names))\"/>"
      out += "<text x=\"\(Self.n(x + 17))\" y=\"\(Self.n(header + 14))\">\(Self.escape(name))</text>\n"
    }
    for (index, panel) in panels.enumerated() {
      let originX = Double(index % columns) * panelWidth
      let originY = header + legendHeight + Double(index / columns) * panelHeight
      out += draw(panel, x: originX, y: originY, names: names)
    }
    return out + "</svg>\n"
  }

  /// `text` broken at spaces into lines of at most `width` characters (a longer word stands alone).
  static func wrap(_ text: String, width: Int) -> [String] {
    var lines: [String] = []
    var line = ""
    for word in text.split(separator: " ") {
      if !line.isEmpty && line.count + 1 + word.count > width {
        lines.append(line)
        line = ""
      }
      line += (line.isEmpty ? "" : " ") + word
    }
    return lines + (line.isEmpty && !lines.isEmpty ? [] : [line])
  }

  private func color(_ name: String, _ names: [String]) -> String {
    Self.palette[(names.firstIndex(of: name) ?? 0) % Self.palette.count]
  }

  private func draw(_ panel: Panel, x originX: Double, y originY: Double, names: [String]) -> String {
    let left = originX + margin.left, right = originX + panelWidth - margin.right
    let top = originY + margin.top, bottom = originY + panelHeight - margin.bottom
    let points = panel.series.flatMap(\.points)
    let yTop = Self.niceCeiling(max(points.map { max($0.upper, $0.y) }.max() ?? 1, 1e-9))
    let (xMin, xMax): (Double, Double)
    if let categories = panel.categories {
      (xMin, xMax) = (-0.5, Double(categories.count) - 0.5)
    } else {
      let largest = points.map(\.x).max() ?? 1
      (xMin, xMax) = (0, largest > 0 ? Self.niceCeiling(largest * 1.05) : 1)
    }
    func px(_ x: Double) -> Double { left + (x - xMin) / (xMax - xMin) * (right - left) }
    func py(_ y: Double) -> Double { bottom - min(max(y, 0), yTop) / yTop * (bottom - top) }

    var out = "<g>\n<text x=\"\(Self.n(originX + panelWidth / 2))\" y=\"\(Self.n(originY + 20))\" "
    out += "text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\">\(Self.escape(panel.title))</text>\n"
    // Axes, horizontal grid and y ticks.
    for step in 0...4 {
      let value = yTop * Double(step) / 4
      let y = py(value)
      out += "<line x1=\"\(Self.n(left))\" y1=\"\(Self.n(y))\" x2=\"\(Self.n(right))\" y2=\"\(Self.n(y))\" "
      out += "stroke=\"#e3e3e3\"/>\n"
      out += "<text x=\"\(Self.n(left - 6))\" y=\"\(Self.n(y + 4))\" text-anchor=\"end\">\(Self.tick(value))</text>\n"
    }
    out += "<line x1=\"\(Self.n(left))\" y1=\"\(Self.n(bottom))\" x2=\"\(Self.n(right))\" y2=\"\(Self.n(bottom))\" "
    out += "stroke=\"#333333\"/>\n"
    out += "<line x1=\"\(Self.n(left))\" y1=\"\(Self.n(top))\" x2=\"\(Self.n(left))\" y2=\"\(Self.n(bottom))\" "
    out += "stroke=\"#333333\"/>\n"
    if let categories = panel.categories {
      for (index, name) in categories.enumerated() {
        out += "<text x=\"\(Self.n(px(Double(index))))\" y=\"\(Self.n(bottom + 16))\" text-anchor=\"middle\">"
        out += "\(Self.escape(name))</text>\n"
      }
    } else {
      for step in 0...4 {
        let value = xMin + (xMax - xMin) * Double(step) / 4
        out += "<text x=\"\(Self.n(px(value)))\" y=\"\(Self.n(bottom + 16))\" text-anchor=\"middle\">"
        out += "\(Self.tick(value))</text>\n"
      }
    }
    out += "<text x=\"\(Self.n((left + right) / 2))\" y=\"\(Self.n(bottom + 36))\" text-anchor=\"middle\" "
    out += "fill=\"#444444\">\(Self.escape(panel.xLabel))</text>\n"
    // Series: a small horizontal offset per series keeps equal x values apart on a categorical axis.
    let count = Double(max(panel.series.count, 1))
    for (index, series) in panel.series.enumerated() {
      let stroke = color(series.name, names)
      let shift = panel.categories == nil ? 0 : (Double(index) - (count - 1) / 2) * 8
      let coordinates = series.points.map { (px($0.x) + shift, py($0.y)) }
      if series.connected && coordinates.count > 1 {
        let path = coordinates.map { "\(Self.n($0.0)),\(Self.n($0.1))" }.joined(separator: " ")
        out += "<polyline points=\"\(path)\" fill=\"none\" stroke=\"\(stroke)\" stroke-width=\"1.5\"/>\n"
      }
      for (point, (x, y)) in zip(series.points, coordinates) {
        let (low, high) = (py(point.lower), py(point.upper))
        out += "<line x1=\"\(Self.n(x))\" y1=\"\(Self.n(low))\" x2=\"\(Self.n(x))\" y2=\"\(Self.n(high))\" "
        out += "stroke=\"\(stroke)\" stroke-width=\"1.5\"/>"
        for end in [low, high] {
          out += "<line x1=\"\(Self.n(x - 4))\" y1=\"\(Self.n(end))\" x2=\"\(Self.n(x + 4))\" y2=\"\(Self.n(end))\" "
          out += "stroke=\"\(stroke)\" stroke-width=\"1.5\"/>"
        }
        out += "<circle cx=\"\(Self.n(x))\" cy=\"\(Self.n(y))\" r=\"4\" fill=\"\(stroke)\">"
        out += "<title>\(Self.escape(series.name)): \(Self.tick(point.y)) [\(Self.tick(point.lower)), "
        out += "\(Self.tick(point.upper))]\(point.label.map { " at \(Self.escape($0))" } ?? "")</title></circle>"
        if let label = point.label {
          out += "<text x=\"\(Self.n(x + 6))\" y=\"\(Self.n(y - 6))\" font-size=\"10\" fill=\"\(stroke)\">"
          out += "\(Self.escape(label))</text>"
        }
        out += "\n"
      }
    }
    return out + "</g>\n"
  }

  /// The smallest of 1, 2, 2.5, 5 times a power of ten that is at least `value`.
  static func niceCeiling(_ value: Double) -> Double {
    guard value > 0, value.isFinite else { return 1 }
    let power = pow(10, (log10(value)).rounded(.down))
    for factor in [1.0, 2, 2.5, 5, 10] where factor * power >= value * (1 - 1e-12) { return factor * power }
    return 10 * power
  }

  /// A tick label: up to four significant decimals, no trailing zeros.
  static func tick(_ value: Double) -> String {
    let magnitude = abs(value)
    let digits = magnitude >= 100 ? 0 : magnitude >= 10 ? 1 : magnitude >= 1 ? 2 : 4
    var text = String(format: "%.\(digits)f", value)
    if text.contains(".") {
      while text.hasSuffix("0") { text.removeLast() }
      if text.hasSuffix(".") { text.removeLast() }
    }
    return text == "-0" ? "0" : text
  }

  /// A coordinate with one decimal.
  static func n(_ value: Double) -> String { String(format: "%.1f", value) }

  /// `text` with the XML special characters escaped and control characters (invalid in XML) dropped.
  static func escape(_ text: String) -> String {
    var out = ""
    for character in text {
      if let scalar = character.unicodeScalars.first, scalar.value < 0x20 || scalar.value == 0x7F {
        out.append(" ")
        continue
      }
      switch character {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&apos;"
      default: out.append(character)
      }
    }
    return out
  }
}
