import Foundation

/// Which parts of the pipeline feed generation (the ablation ladder of the DRP paper).
public enum PipelineMode: String, Codable, CaseIterable, Sendable, CustomStringConvertible {
  /// Item only: no history, no profile.
  case nonp
  /// Item and the user's most relevant past reviews.
  case rag
  /// Item, past reviews and a profile over the three fixed base dimensions (one pass, no validation).
  case dpl
  /// Everything: open-ended difference discovery, reflective validation, synthesis.
  case drp

  /// Whether generation sees the user's past reviews.
  public var usesHistory: Bool { self != .nonp }
  /// Whether generation sees a difference profile.
  public var usesProfile: Bool { self == .dpl || self == .drp }
  /// Whether extraction runs the reflective validation pass.
  public var validates: Bool { self == .drp }

  /// The raw value (`nonp`, `rag`, `dpl`, `drp`).
  public var description: String { rawValue }
}
