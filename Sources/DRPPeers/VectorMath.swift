// Small dense-vector helpers used by embedders and peer selection.

/// Dot products, norms and cosine similarity of `[Float]` vectors (SIMD8 kernels).
public enum VectorMath {
  /// The dot product of two vectors of equal length (extra elements of the longer are ignored).
  public static func dot(_ a: [Float], _ b: [Float]) -> Float {
    let count = min(a.count, b.count)
    return a.withUnsafeBufferPointer { pa in
      b.withUnsafeBufferPointer { pb in
        var sum = SIMD8<Float>()
        var index = 0
        while index + 8 <= count {
          let va = UnsafeRawPointer(pa.baseAddress! + index).loadUnaligned(as: SIMD8<Float>.self)
          let vb = UnsafeRawPointer(pb.baseAddress! + index).loadUnaligned(as: SIMD8<Float>.self)
          sum.addProduct(va, vb)
          index += 8
        }
        var total = sum.sum()
        while index < count {
          total += pa[index] * pb[index]
          index += 1
        }
        return total
      }
    }
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
    let count = min(a.count, b.count)
    return a.withUnsafeBufferPointer { pa in
      b.withUnsafeBufferPointer { pb in
        var sum = SIMD8<Float>()
        var index = 0
        while index + 8 <= count {
          let difference =
            UnsafeRawPointer(pa.baseAddress! + index).loadUnaligned(as: SIMD8<Float>.self)
            - UnsafeRawPointer(pb.baseAddress! + index).loadUnaligned(as: SIMD8<Float>.self)
          sum.addProduct(difference, difference)
          index += 8
        }
        var total = sum.sum()
        while index < count {
          let difference = pa[index] - pb[index]
          total += difference * difference
          index += 1
        }
        return total
      }
    }
  }
}
