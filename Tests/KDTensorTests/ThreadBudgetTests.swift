import Dispatch
import Foundation
@testable import KDTensor
import Testing

@Suite struct ThreadBudgetTests {
    @Test func parallelForRunsEveryIndexOnce() {
        for count in [0, 1, 2, 3, 17, 1000] {
            var hits = [Int](repeating: 0, count: count)
            hits.withUnsafeMutableBufferPointer { h in
                let p = h.baseAddress
                ThreadBudget.parallelFor(count, threads: 2) { i in p![i] += 1 }
            }
            #expect(hits == [Int](repeating: 1, count: count))
        }
    }

    @Test func nestedLoopsDoNotDeadlock() {
        var sums = [Int](repeating: 0, count: 8)
        sums.withUnsafeMutableBufferPointer { s in
            let p = s.baseAddress
            ThreadBudget.parallelFor(8, threads: 2) { i in
                var inner = [Int](repeating: 0, count: 100)
                inner.withUnsafeMutableBufferPointer { b in
                    let q = b.baseAddress
                    ThreadBudget.parallelChunks(100, threads: 2) { r in for j in r { q![j] = j } }
                }
                p![i] = inner.reduce(0, +)
            }
        }
        #expect(sums == [Int](repeating: 4950, count: 8))
    }

    @Test func aShareIsTheBudgetOverTheCallersAtLeastOne() {
        // The arithmetic on budgets this machine may not have (a 1-thread budget splits nothing).
        #expect(ThreadBudget.share(of: 8, among: 0) == 8)
        #expect(ThreadBudget.share(of: 8, among: 1) == 8)
        #expect(ThreadBudget.share(of: 8, among: 2) == 4)
        #expect(ThreadBudget.share(of: 8, among: 3) == 2)
        #expect(ThreadBudget.share(of: 2, among: 3) == 1)
        #expect(ThreadBudget.share(of: 1, among: 2) == 1)
    }

    @Test func overlappingSharersSplitTheBudget() {
        // Both callers read the share while both are inside `sharing` (two barriers); other
        // suites may add sharers of their own, which only lowers the share further.
        let inside = TwoPartyBarrier(), read = TwoPartyBarrier()
        let shares = UnsafeMutableBufferPointer<Int>.allocate(capacity: 2)
        defer { shares.deallocate() }
        let out = UncheckedPointer(shares.baseAddress!)
        DispatchQueue.concurrentPerform(iterations: 2) { caller in
            ThreadBudget.sharing {
                inside.arrive()
                out.pointer[caller] = ThreadBudget.available
                read.arrive()
            }
        }
        let most = max(1, ThreadBudget.threads / 2)
        #expect(shares.allSatisfy { $0 >= 1 && $0 <= most }, "shares \(Array(shares)), budget \(ThreadBudget.threads)")
    }

    @Test func concurrentCallersAllComplete() {
        // Several threads start loops at once: one gets the pool, the others run inline.
        let results = UnsafeMutableBufferPointer<Int>.allocate(capacity: 4)
        defer { results.deallocate() }
        let out = UncheckedPointer(results.baseAddress!)
        DispatchQueue.concurrentPerform(iterations: 4) { caller in
            for _ in 0..<50 {
                var partial = [Int](repeating: 0, count: 64)
                partial.withUnsafeMutableBufferPointer { b in
                    let q = b.baseAddress
                    ThreadBudget.parallelFor(64, threads: 2) { i in q![i] = i * caller }
                }
                out.pointer[caller] = partial.reduce(0, +)
            }
        }
        #expect(Array(results) == (0..<4).map { 2016 * $0 })
    }
}

/// Each concurrent caller writes only its own slot.
/// Each of two threads returns from `arrive` once both have called it.
private final class TwoPartyBarrier: @unchecked Sendable {
    private let first = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var arrived = 0

    func arrive() {
        let isFirst = lock.withLock {
            arrived += 1
            return arrived == 1
        }
        if isFirst { first.wait() } else { first.signal() }
    }
}

private struct UncheckedPointer: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Int>
    init(_ pointer: UnsafeMutablePointer<Int>) { self.pointer = pointer }
}
