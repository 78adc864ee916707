/// How one tap sits in a record: its name, per-sample shape, and whether it is top-k encoded.
public struct TapLayout: Hashable, Sendable {
    /// The tap's name (`logits`, `layer3.preact`, …).
    public var name: String
    /// One sample's shape (the batch dimension removed).
    public var dims: [Int]
    /// k when stored as top-k (only rank-1 logits), 0 when dense.
    public var topK: Int

    /// Values per sample when served.
    public var elements: Int { dims.reduce(1, *) }

    /// Payload bytes of `count` samples in `precision`.
    func rawBytes(count: Int, _ precision: StoredPrecision) -> Int {
        topK > 0 ? count * (2 * topK + precision.width * (topK + 1)) : count * elements * precision.width
    }
}
