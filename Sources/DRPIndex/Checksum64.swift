/// A 64-bit non-cryptographic checksum (the XXH64 algorithm, implemented here) used by the index
/// file format. Processes 32 bytes per step in four independent lanes (several GB/s).
enum Checksum64 {
  private static let p1: UInt64 = 11_400_714_785_074_694_791
  private static let p2: UInt64 = 14_029_467_366_897_019_727
  private static let p3: UInt64 = 1_609_587_929_392_839_161
  private static let p4: UInt64 = 9_650_029_242_287_828_579
  private static let p5: UInt64 = 2_870_177_450_012_600_261

  @inline(__always) private static func rotl(_ x: UInt64, _ r: UInt64) -> UInt64 { (x << r) | (x >> (64 - r)) }

  @inline(__always) private static func round(_ acc: UInt64, _ input: UInt64) -> UInt64 {
    rotl(acc &+ input &* p2, 31) &* p1
  }

  @inline(__always) private static func merge(_ acc: UInt64, _ lane: UInt64) -> UInt64 {
    (acc ^ round(0, lane)) &* p1 &+ p4
  }

  /// The checksum of `count` bytes at `data`, starting from `seed` (chain calls by seeding).
  static func hash(_ data: UnsafeRawPointer, count: Int, seed: UInt64 = 0) -> UInt64 {
    var p = 0
    var h: UInt64
    if count >= 32 {
      var v1 = seed &+ p1 &+ p2
      var v2 = seed &+ p2
      var v3 = seed
      var v4 = seed &- p1
      let limit = count - 32
      while p <= limit {
        v1 = round(v1, data.loadUnaligned(fromByteOffset: p, as: UInt64.self))
        v2 = round(v2, data.loadUnaligned(fromByteOffset: p + 8, as: UInt64.self))
        v3 = round(v3, data.loadUnaligned(fromByteOffset: p + 16, as: UInt64.self))
        v4 = round(v4, data.loadUnaligned(fromByteOffset: p + 24, as: UInt64.self))
        p += 32
      }
      h = rotl(v1, 1) &+ rotl(v2, 7) &+ rotl(v3, 12) &+ rotl(v4, 18)
      h = merge(h, v1)
      h = merge(h, v2)
      h = merge(h, v3)
      h = merge(h, v4)
    } else {
      h = seed &+ p5
    }
    h = h &+ UInt64(count)
    while p + 8 <= count {
      h ^= round(0, data.loadUnaligned(fromByteOffset: p, as: UInt64.self))
      h = rotl(h, 27) &* p1 &+ p4
      p += 8
    }
    if p + 4 <= count {
      h ^= UInt64(data.loadUnaligned(fromByteOffset: p, as: UInt32.self)) &* p1
      h = rotl(h, 23) &* p2 &+ p3
      p += 4
    }
    while p < count {
      h ^= UInt64(data.load(fromByteOffset: p, as: UInt8.self)) &* p5
      h = rotl(h, 11) &* p1
      p += 1
    }
    h ^= h >> 33
    h = h &* p2
    h ^= h >> 29
    h = h &* p3
    h ^= h >> 32
    return h
  }

  /// The checksum of a string's UTF-8 bytes.
  static func hash(_ string: String) -> UInt64 {
    var s = string
    return s.withUTF8 { hash(UnsafeRawPointer($0.baseAddress ?? UnsafePointer(bitPattern: 1)!), count: $0.count) }
  }
}
