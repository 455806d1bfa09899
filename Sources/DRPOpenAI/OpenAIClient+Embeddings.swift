import DRPCore
import Foundation

extension OpenAIClient {
  /// Embeds `texts`, in batches of `endpoint.embeddingBatchSize` sent concurrently (within the
  /// client's concurrency limit); vectors come back in the order of `texts`.
  ///
  /// - Parameters:
  ///   - model: overrides the endpoint's model.
  ///   - expectedDimension: when set, every vector must have this length.
  /// - Throws: `OpenAIError.dimensionMismatch` when vectors differ in length (from each other or
  ///   from `expectedDimension`); `malformedResponse` when vectors are missing or indices are wrong.
  public func embeddings(_ texts: [String], model: String? = nil, expectedDimension: Int? = nil) async throws
    -> [[Float]]
  {
    guard !texts.isEmpty else { return [] }
    let batchSize = max(1, endpoint.embeddingBatchSize)
    let batches = stride(from: 0, to: texts.count, by: batchSize).map {
      Array(texts[$0..<min($0 + batchSize, texts.count)])
    }
    let vectors = try await withThrowingTaskGroup(of: (Int, [[Float]]).self) { group in
      for (number, batch) in batches.enumerated() {
        group.addTask { (number, try await self.embedBatch(batch, model: model)) }
      }
      var results = [[[Float]]](repeating: [], count: batches.count)
      for try await (number, vectors) in group { results[number] = vectors }
      return results.flatMap { $0 }
    }
    let dimension = expectedDimension ?? vectors[0].count
    if let index = vectors.firstIndex(where: { $0.count != dimension }) {
      throw OpenAIError.dimensionMismatch(expected: dimension, actual: vectors[index].count, index: index)
    }
    return vectors
  }

  /// One embeddings request; checks that there is one non-empty vector per text, in index order.
  private func embedBatch(_ texts: [String], model: String?) async throws -> [[Float]] {
    try await metered {
      let body: [String: JSONValue] = [
        "model": .string(model ?? endpoint.model), "input": .array(texts.map { .string($0) }),
      ]
      let limit = BodyLimit(
        bytes: texts.count * Self.embeddingReplyBytesPerText + OpenAIEndpoint.replySlackBytes,
        setting: "\(Self.embeddingReplyBytesPerText) bytes per text")
      let data = try await post(path: "embeddings", body: body, limit: limit)
      let response = try decode(Wire.Embeddings.self, from: data, path: "embeddings")
      let url = try endpoint.url("embeddings").absoluteString
      guard let items = response.data else {
        throw OpenAIError.malformedResponse(reason: "the response has no `data` array", url: url)
      }
      guard items.count == texts.count else {
        throw OpenAIError.malformedResponse(
          reason: "sent \(texts.count) texts, got \(items.count) embeddings", url: url)
      }
      let indices = items.compactMap(\.index)
      var ordered = items
      if !indices.isEmpty {
        guard indices.sorted() == Array(0..<texts.count) else {
          throw OpenAIError.malformedResponse(
            reason: "embedding indices should be 0..<\(texts.count) but are \(items.map { $0.index ?? -1 })", url: url)
        }
        ordered.sort { ($0.index ?? 0) < ($1.index ?? 0) }
      }
      let vectors = try ordered.enumerated().map { position, item in
        guard let vector = item.embedding, !vector.isEmpty else {
          throw OpenAIError.malformedResponse(reason: "embedding \(position) has no vector", url: url)
        }
        return vector
      }
      usage.recordSuccess(response.usage?.tokenUsage)
      return vectors
    }
  }
}
