import Dispatch
import KDTensor
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
private struct UncheckedPointer: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Int>
    init(_ pointer: UnsafeMutablePointer<Int>) { self.pointer = pointer }
}
