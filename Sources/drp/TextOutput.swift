import Foundation

/// A text destination (standard output or standard error).
final class TextOutput {
  private let handle: FileHandle

  /// Wraps a file handle.
  init(_ handle: FileHandle) { self.handle = handle }

  /// Writes `text` as is.
  func write(_ text: String) { handle.write(Data(text.utf8)) }

  /// Writes `text` and a newline.
  func line(_ text: String = "") { write(text + "\n") }
}
