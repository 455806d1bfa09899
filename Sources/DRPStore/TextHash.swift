/// 64-bit FNV-1a of a string's UTF-8 bytes: the duplicate-detection key of a review's text.
enum TextHash {
  static func of(_ text: String) -> Int64 {
    var copy = text
    return copy.withUTF8 { of($0) }
  }

  static func of(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in bytes {
      hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
    }
    return Int64(bitPattern: hash)
  }
}
