// The text-embedding abstraction shared by the built-in and remote embedders.

/// Turns texts into fixed-size vectors.
///
/// Conforming types: ``BuiltinEmbedder`` (no model, hashed TF-IDF features) and the
/// OpenAI-compatible remote embedder wired up by the engine.
public protocol Embedder: Sendable {
  /// A stable key naming the model, its version and dimension (e.g. `builtin-v1-384`);
  /// vectors cached under one name must never be mixed with another's.
  var name: String { get }
  /// The length of every vector returned.
  var dimension: Int { get }
  /// Embeds `texts`, returning one vector of ``dimension`` floats per text, in order.
  func embed(_ texts: [String]) async throws -> [[Float]]
}
