import DRPCore
import Foundation

/// The cache key of one LLM call: stage, prompt template version, model, and a 128-bit FNV-1a
/// digest of the rendered request (messages, max tokens, temperature, seed) and a caller tag.
///
/// Format: `stage/template/model/<32 hex digits>`, e.g. `extract/extract_differences.v1/m/…`.
public enum LLMCacheKey {
  /// The key of a call.
  /// - Parameters:
  ///   - stage: the pipeline stage (`extract`, `validate`, `synthesize`, `generate`).
  ///   - templateID: the prompt template id with version.
  ///   - model: the model name.
  ///   - request: the exact request sent.
  ///   - tag: further distinguishing parameters (sample index, attempt number).
  public static func make(stage: String, templateID: String, model: String, request: ChatModelRequest, tag: String)
    -> String
  {
    // JSONEncoder's bytes (.sortedKeys, .withoutEscapingSlashes), written directly when possible.
    let body = (try? JSONWriter.encoderData(request.json, escapeSlashes: false, encoding: request)) ?? Data()
    var bytes = Array("\(stage)\u{0}\(templateID)\u{0}\(model)\u{0}\(tag)\u{0}".utf8)
    bytes += body
    return "\(stage)/\(templateID)/\(model)/" + digest128(bytes)
  }

  /// A 128-bit FNV-1a digest of `text` as 32 hex digits (for other stable keys).
  public static func digest(_ text: String) -> String { digest128(Array(text.utf8)) }

  /// The two 64-bit FNV-1a digests of `bytes` (offset bases 0xcbf29ce484222325 and
  /// 0x6c62272e07bb0142) as 32 hex digits, computed in one pass: the two multiply chains are
  /// independent, so the processor runs them side by side.
  static func digest128(_ bytes: [UInt8]) -> String {
    var (first, second): (UInt64, UInt64) = (0xcbf2_9ce4_8422_2325, 0x6c62_272e_07bb_0142)
    bytes.withUnsafeBufferPointer { bytes in
      for byte in bytes {
        first = (first ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        second = (second ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
      }
    }
    return hex(first) + hex(second)
  }

  private static func hex(_ value: UInt64) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: 16 - digits.count) + digits
  }
}
