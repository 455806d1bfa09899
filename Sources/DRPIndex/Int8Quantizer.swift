/// Symmetric per-row int8 scalar quantisation: code = round(x * 127 / max|x|). The approximate
/// inner product of two rows is `dotInt8(codes) * scaleA * scaleB`.
enum Int8Quantizer {
  /// Writes `vector`'s codes (zero-padded to the code stride by the caller's zeroed buffer) and
  /// returns the row scale (max|x| / 127).
  static func encode(_ vector: UnsafeBufferPointer<Float>, into codes: UnsafeMutablePointer<Int8>) -> Float {
    var maxAbs: Float = 0
    for x in vector { maxAbs = max(maxAbs, abs(x)) }
    guard maxAbs > 0 else { return 0 }
    let factor = 127 / maxAbs
    for (i, x) in vector.enumerated() { codes[i] = Int8((x * factor).rounded()) }
    return maxAbs / 127
  }
}
