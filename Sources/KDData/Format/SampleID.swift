/// The stable identity of one sample: which dataset, which shard, which record in it.
/// Later stages (augmentation views, the teacher store) key by it.
public struct SampleID: Hashable, Sendable, Codable, CustomStringConvertible {
    /// Dataset name as in its manifest.
    public var dataset: String
    /// Shard number within the dataset.
    public var shard: Int
    /// Record index within the shard.
    public var index: Int

    public init(dataset: String, shard: Int, index: Int) {
        self.dataset = dataset
        self.shard = shard
        self.index = index
    }

    public var description: String { "\(dataset)/\(shard)/\(index)" }
}
