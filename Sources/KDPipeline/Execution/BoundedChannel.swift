import Foundation

/// A FIFO of at most `capacity` values between one producer and one consumer thread; a full channel
/// blocks the producer (backpressure), an empty one blocks the consumer.
///
/// `@unchecked Sendable`: every field is read and written only while holding `condition`.
final class BoundedChannel<Value: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private let capacity: Int
    private var buffer: [Value] = []
    private var closed = false  // the producer will send no more
    private var abandoned = false  // the consumer will receive no more
    private var aborted = false  // the run failed: nobody waits any longer

    init(capacity: Int) {
        precondition(capacity >= 1, "channel capacity must be at least 1")
        self.capacity = capacity
    }

    /// Appends `value`, waiting while full; false when the consumer is gone or the run aborted.
    func send(_ value: Value) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while buffer.count >= capacity && !abandoned && !aborted { condition.wait() }
        if abandoned || aborted { return false }
        buffer.append(value)
        condition.broadcast()
        return true
    }

    /// The next value, waiting while empty; nil once closed and drained, or when the run aborted.
    func receive() -> Value? {
        condition.lock()
        defer { condition.unlock() }
        while buffer.isEmpty && !closed && !aborted { condition.wait() }
        if aborted || buffer.isEmpty { return nil }
        let value = buffer.removeFirst()
        condition.broadcast()
        return value
    }

    /// The producer is done; the consumer drains what is buffered.
    func close() { update { closed = true } }

    /// The consumer stopped; pending and future sends return false.
    func abandon() {
        update {
            abandoned = true
            buffer.removeAll()
        }
    }

    /// The run failed; every wait ends now.
    func abort() {
        update {
            aborted = true
            buffer.removeAll()
        }
    }

    private func update(_ change: () -> Void) {
        condition.lock()
        change()
        condition.broadcast()
        condition.unlock()
    }
}
