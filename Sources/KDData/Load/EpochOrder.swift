import KDTensor

/// The per-epoch sample order: a seeded Fisher–Yates permutation that is a pure function of
/// (seed, epoch), whatever the shard layout or the thread timing.
public enum EpochOrder {
    /// A permutation of 0..<count for `epoch` under `seed`.
    public static func permutation(count: Int, seed: UInt64, epoch: UInt64) -> [Int] {
        var order = Array(0..<count)
        guard count > 1 else { return order }
        let rng = CounterRandom(seed: seed, stream: streamTag).substream(epoch)
        for i in stride(from: count - 1, to: 0, by: -1) {
            let j = rng.integer(UInt64(i), below: i + 1)
            order.swapAt(i, j)
        }
        return order
    }

    /// Separates order draws from augmentation draws under the same seed ("ORDER").
    static let streamTag: UInt64 = 0x4F52_4445_52
}
