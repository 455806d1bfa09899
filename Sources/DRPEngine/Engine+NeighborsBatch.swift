// Many neighbour queries answered together through the index's batch (matrix product) path.
import DRPIndex

extension Engine {
  /// Answers `queries` together: the queries with the same `item` form one batch search of the
  /// index (a tiled matrix product from 4 queries on), asked for the largest `k` among them (plus one for
  /// an excluded id) and cut back per query. Each result equals what ``neighbors(user:k:item:excluding:)``
  /// (for `.id`) or ``neighbors(vector:k:item:)`` (for `.vector`) returns for that query alone:
  /// the same ids, in the same order, with the same scores.
  /// - Returns: one result per query, in order; a query's failure (unknown id or item, bad vector,
  ///   `k < 1`) does not affect the others.
  ///   A damaged index (``checkedResults(_:k:candidates:excluding:in:)``) fails every query.
  public func neighbors(batch queries: [NeighborsQuery]) -> [Result<[Neighbor], any Error>] {
    let current = snapshot()
    let index = current.index
    do { try requireIntactIndex(index) } catch { return queries.map { _ in .failure(error) } }
    var results = [Result<[Neighbor], any Error>](
      repeating: .failure(EngineError(.invalidArgument, "not answered")), count: queries.count)
    var groups: [String?: [(query: Int, vector: [Float], exclude: String?)]] = [:]
    var order: [String?] = []
    for (position, query) in queries.enumerated() {
      do {
        guard query.k >= 1 else { throw EngineError(.invalidArgument, "k must be at least 1, got \(query.k)") }
        let member: (query: Int, vector: [Float], exclude: String?)
        switch query.target {
        case .id(let id): member = (position, try targetVector(user: id, excluding: [:], in: current), id)
        case .vector(let vector):
          do { try index.validate(query: vector) } catch { throw EngineError(.invalidArgument, "\(error)") }
          member = (position, vector, nil)
        }
        if groups[query.item] == nil { order.append(query.item) }
        groups[query.item, default: []].append(member)
      } catch {
        results[position] = .failure(error)
      }
    }
    for item in order {
      let members = groups[item] ?? []
      do {
        let candidates = try item.map { try itemReviewAuthors($0, excluding: []).map(\.userID) }
        let filter = candidates.map { SearchFilter.ids($0) }
        let want = members.map { queries[$0.query].k + ($0.exclude == nil ? 0 : 1) }.max() ?? 1
        let lists: [[Neighbor]]
        do {
          lists = try index.search(batch: members.map(\.vector), k: want, filter: filter)
        } catch let error as IndexError {
          throw EngineError(.invalidArgument, error.description)
        }
        for (member, list) in zip(members, lists) {
          let excluded: Set<String> = member.exclude.map { [$0] } ?? []
          let checked = try checkedResults(list, k: want, candidates: candidates, excluding: excluded, in: index)
          results[member.query] = .success(
            Array(checked.lazy.filter { $0.id != member.exclude }.prefix(queries[member.query].k)))
        }
      } catch {
        for member in members { results[member.query] = .failure(error) }
      }
    }
    return results
  }
}
