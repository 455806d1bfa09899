import Foundation
import XCTest

@testable import DRPStore

final class BatchPipeTests: XCTestCase {
  func testDeliversInOrderAndClosingStopsABlockedProducer() {
    let pipe = BatchPipe<Int>(capacity: 2)
    let done = DispatchSemaphore(value: 0)
    let refused = Refusals()
    Thread {
      for n in 0..<100 where !pipe.put(n) { refused.add(n) }
      done.signal()
    }.start()
    XCTAssertEqual([pipe.take(), pipe.take(), pipe.take()], [0, 1, 2])
    pipe.close()
    XCTAssertEqual(done.wait(timeout: .now() + 5), .success, "the producer stayed blocked after close")
    XCTAssertGreaterThan(refused.count, 90, "puts after close must fail")
    var drained = 0
    while pipe.take() != nil && drained < 10 { drained += 1 }
    XCTAssertLessThanOrEqual(drained, 2, "at most `capacity` elements wait")
    XCTAssertNil(pipe.take())
  }

  final class Refusals: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Int] = []
    func add(_ n: Int) { lock.withLock { values.append(n) } }
    var count: Int { lock.withLock { values.count } }
  }
}
