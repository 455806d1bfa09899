import DRPCore
import DRPEngine
import DRPProtocol
import DRPServer
import DRPServerTestSupport
import DRPService
import DRPTestSupport
import Dispatch
import Foundation
import XCTest

/// Queued `neighbors` requests answered together (one batch search) give exactly what each gets
/// alone: ids, order, scores and errors, whether they queue up from many connections or arrive
/// in one JSON-RPC batch.
final class ServerCoalescingTests: XCTestCase {
  func testCoalescedAndBatchedNeighborsEqualOneByOneAnswers() throws {
    let directory = try TemporaryDirectory("drp-coalesce")
    let home = try SampleHome.copy(into: directory)
    let engine = try Engine(home: home.path, config: DRPConfig())
    var limits = ServerLimits()
    limits.indexThreads = 1
    let server = Server(
      configuration: ServerConfiguration(listeners: [.tcp(host: "127.0.0.1", port: 0)], limits: limits),
      logger: .silent)
    DRPMethods.register(on: server, engine: engine)
    // Holds the only index worker, so the requests sent meanwhile queue up.
    let gate = DispatchSemaphore(value: 0)
    server.register("hold", lane: .index) { _, _ in
      gate.wait()
      return .null
    }
    let endpoint = try server.start()[0]
    defer { server.shutdown(deadline: .milliseconds(200)) }

    let setup = try RawConnection(endpoint)
    var requests: [JSONValue] = []
    var rng = SplitMix(seed: 42)
    for number in 0..<120 {
      let user = JSONValue.string(String(format: "SU%07d", number))
      var params: [String: JSONValue] = ["user": user, "k": .int(Int64([3, 5, 10, 16][number % 4]))]
      if number % 10 == 0 {
        let reviews = setup.call("users.get", ["user": user, "limit": 1])?["result"]?["reviews"]
        params["item"] = try XCTUnwrap(reviews?[0]?["item_id"])
      }
      if number % 25 == 0 { params["k"] = 40 }
      requests.append(.object(params))
    }
    for _ in 0..<12 { requests.append(["vector": .array((0..<384).map { _ in .double(rng.next()) }), "k": 7]) }
    requests += [
      ["user": "nobody"], ["user": "SU0000001", "k": 0], ["vector": [1, 2]], ["user": "SU0000002", "x": 1],
    ]

    // One by one.
    var alone: [JSONValue] = []
    for (id, params) in requests.enumerated() {
      let reply = try XCTUnwrap(setup.call("neighbors", params, id: .int(Int64(id))))
      alone.append(reply["result"] ?? reply["error"] ?? nil)
    }
    XCTAssertEqual(alone.filter { $0["code"] != nil }.count, 4, "the four bad requests fail, the others succeed")

    // Queued from eight connections while the worker is held, then answered in groups.
    let holder = try RawConnection(endpoint)
    holder.request("hold", id: 0)
    usleep(100_000)
    let clients = try (0..<8).map { _ in try RawConnection(endpoint) }
    for (id, params) in requests.enumerated() {
      clients[id % 8].request("neighbors", id: .int(Int64(id)), params: params)
    }
    let deadline = ContinuousClock.now + .seconds(10)
    while server.stats().requestsInFlight < requests.count + 1 && ContinuousClock.now < deadline { usleep(5_000) }
    XCTAssertEqual(server.stats().requestsInFlight, requests.count + 1, "every request queued behind the held worker")
    gate.signal()
    XCTAssertEqual(holder.readLine()?["id"], 0)
    var queued = [JSONValue?](repeating: nil, count: requests.count)
    for (index, client) in clients.enumerated() {
      for _ in stride(from: index, to: requests.count, by: 8) {
        let reply = try XCTUnwrap(client.readLine(timeout: .seconds(20)))
        let id = try XCTUnwrap(reply["id"]?.int)
        queued[id] = reply["result"] ?? reply["error"] ?? nil
      }
    }
    for (id, answer) in queued.enumerated() { XCTAssertEqual(answer, alone[id], "request \(id): \(requests[id])") }
    let afterQueue = server.stats()
    XCTAssertGreaterThanOrEqual(afterQueue.largestCoalescedGroup, 100, "the queued requests were answered in groups")

    // JSON-RPC batch lines (at most 64 members: a batch counts against the in-flight limit): their
    // neighbors members are queued together and answered together.
    for first in stride(from: 0, to: requests.count, by: 60) {
      let members = first..<min(first + 60, requests.count)
      let batch = JSONValue.array(
        members.map { id in
          ["jsonrpc": "2.0", "id": .int(Int64(id)), "method": "neighbors", "params": requests[id]]
        })
      setup.write(JSONWriter.bytes(batch) + [0x0A])
      let replies = try XCTUnwrap(setup.readLine(timeout: .seconds(20))?.array)
      XCTAssertEqual(replies.compactMap { $0["id"]?.int }, Array(members), "one entry per request, in order")
      for reply in replies {
        let id = try XCTUnwrap(reply["id"]?.int)
        XCTAssertEqual(reply["result"] ?? reply["error"] ?? nil, alone[id], "batch member \(id)")
      }
    }
    XCTAssertGreaterThanOrEqual(
      server.stats().coalescedRequests - afterQueue.coalescedRequests, 100, "the batches went through in groups")
  }
}

/// Deterministic uniform values in [-1, 1).
private struct SplitMix {
  private var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> Double {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return Double((z ^ (z >> 31)) >> 11) / Double(1 << 52) - 1
  }
}
