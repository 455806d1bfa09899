import XCTest

@testable import DRPIndex

final class Checksum64Tests: XCTestCase {
  private func hash(_ text: String, seed: UInt64 = 0) -> UInt64 {
    Array(text.utf8).withUnsafeBytes {
      Checksum64.hash($0.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!, count: $0.count, seed: seed)
    }
  }

  /// Published XXH64 reference values, so the documented format is really XXH64.
  func testMatchesReferenceXXH64() {
    XCTAssertEqual(hash(""), 0xEF46_DB37_51D8_E999)
    XCTAssertEqual(hash("abc"), 0x44BC_2CF5_AD77_0999)
  }

  func testEveryByteAndLengthMatters() {
    let text = String(repeating: "0123456789abcdef", count: 5)  // 80 bytes: stripes + tail
    let base = hash(text)
    XCTAssertNotEqual(base, hash(text, seed: 1))
    for i in Swift.stride(from: 0, to: 80, by: 7) {
      var bytes = Array(text.utf8)
      bytes[i] ^= 1
      XCTAssertNotEqual(base, hash(String(decoding: bytes, as: UTF8.self)), "byte \(i)")
    }
    XCTAssertNotEqual(base, hash(String(text.dropLast())))
  }
}
