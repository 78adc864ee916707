import Foundation

/// The batches of one epoch as a sequence.
public struct EpochBatches: Sequence, Sendable {
    let loader: DataLoader
    let epoch: Int

    public func makeIterator() -> BatchIterator { BatchIterator(loader: loader, epoch: epoch) }
}

/// Yields an epoch's batches in order. With prefetch, one background worker computes up to
/// `prefetch` batches ahead; stopping early (dropping the iterator) stops the worker.
public final class BatchIterator: IteratorProtocol {
    private let loader: DataLoader
    private let epoch: Int
    private let order: [Int]
    private let count: Int
    private var position = 0
    private let buffer: PrefetchBuffer?

    init(loader: DataLoader, epoch: Int) {
        self.loader = loader
        self.epoch = epoch
        self.order = loader.order(epoch: epoch)
        self.count = loader.batchCount
        if loader.prefetch > 0 && count > 0 {
            let buffer = PrefetchBuffer(depth: loader.prefetch)
            self.buffer = buffer
            let (loader, order, count) = (self.loader, self.order, self.count)
            DispatchQueue.global().async {
                for b in 0..<count {
                    guard buffer.waitForRoom() else { return }
                    buffer.put(b, loader.batch(b, epoch: epoch, order: order))
                }
            }
        } else {
            buffer = nil
        }
    }

    deinit { buffer?.cancel() }

    public func next() -> Batch? {
        guard position < count else { return nil }
        defer { position += 1 }
        if let buffer { return buffer.take(position) }
        return loader.batch(position, epoch: epoch, order: order)
    }
}

/// Batches handed from the prefetch worker to the consumer. `@unchecked Sendable`: every
/// mutable field is read and written only while holding `condition`.
final class PrefetchBuffer: @unchecked Sendable {
    private let condition = NSCondition()
    private let depth: Int
    private var ready = [Int: Batch]()
    private var cancelled = false

    init(depth: Int) { self.depth = depth }

    /// Blocks until fewer than `depth` batches wait; false once cancelled.
    func waitForRoom() -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while ready.count >= depth && !cancelled { condition.wait() }
        return !cancelled
    }

    func put(_ index: Int, _ batch: Batch) {
        condition.lock()
        ready[index] = batch
        condition.broadcast()
        condition.unlock()
    }

    /// Blocks until batch `index` is ready and removes it.
    func take(_ index: Int) -> Batch {
        condition.lock()
        defer { condition.unlock() }
        while ready[index] == nil { condition.wait() }
        let batch = ready.removeValue(forKey: index)!
        condition.broadcast()
        return batch
    }

    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }
}
