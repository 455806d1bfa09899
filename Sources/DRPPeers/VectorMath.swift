// Small dense-vector helpers used by embedders and peer selection.

/// Dot products, norms and cosine similarity of `[Float]` vectors (SIMD8 kernels).
public enum VectorMath {
  /// The dot product of two vectors of equal length (extra elements of the longer are ignored).
  public static func dot(_ a: [Float], _ b: [Float]) -> Float {
    sum(a, b, lanes: { $0.addProduct($1, $2) }, scalar: { $0 * $1 })
  }

  /// The Euclidean length of `v`.
  public static func norm(_ v: [Float]) -> Float { dot(v, v).squareRoot() }

  /// `v` scaled to unit length; a zero vector stays zero.
  public static func normalized(_ v: [Float]) -> [Float] {
    let length = norm(v)
    return length > 0 ? v.map { $0 / length } : v
  }

  /// The cosine similarity in [-1, 1]; 0 when either vector is zero.
  public static func cosine(_ a: [Float], _ b: [Float]) -> Double {
    let denominator = norm(a) * norm(b)
    return denominator > 0 ? Double(dot(a, b) / denominator) : 0
  }

  /// The squared Euclidean distance between two vectors of equal length (extra elements of the
  /// longer are ignored), summed in eight lanes like `dot` (k-means spends its time here).
  public static func squaredDistance(_ a: [Float], _ b: [Float]) -> Float {
    sum(
      a, b,
      lanes: { total, x, y in
        let difference = x - y
        total.addProduct(difference, difference)
      },
      scalar: { x, y in (x - y) * (x - y) })
  }

  /// Σ term(aᵢ, bᵢ) over the common length: eight elements at a time into SIMD8 lanes (`lanes`
  /// adds the terms of two 8-element chunks to the running lanes), the tail one by one (`scalar`).
  @inline(__always)
  private static func sum(
    _ a: [Float], _ b: [Float], lanes: (inout SIMD8<Float>, SIMD8<Float>, SIMD8<Float>) -> Void,
    scalar: (Float, Float) -> Float
  ) -> Float {
    let count = min(a.count, b.count)
    return a.withUnsafeBufferPointer { pa in
      b.withUnsafeBufferPointer { pb in
        var total = SIMD8<Float>()
        var index = 0
        while index + 8 <= count {
          lanes(
            &total, UnsafeRawPointer(pa.baseAddress! + index).loadUnaligned(as: SIMD8<Float>.self),
            UnsafeRawPointer(pb.baseAddress! + index).loadUnaligned(as: SIMD8<Float>.self))
          index += 8
        }
        var result = total.sum()
        while index < count {
          result += scalar(pa[index], pb[index])
          index += 1
        }
        return result
      }
    }
  }
}
