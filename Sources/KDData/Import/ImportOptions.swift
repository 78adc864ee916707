import Foundation

/// How an import splits its samples into two datasets. Selection is seeded and stable.
public enum DatasetSplit: Sendable, Hashable {
    /// One dataset with everything.
    case none
    /// Hold out `perClass` samples of every class into the second dataset (e.g. validation).
    case holdOutPerClass(Int)
    /// Keep `fraction` of every class labelled in the first dataset; the rest goes, without
    /// labels, to the second (SSLD's labelled + unlabeled setting).
    case labeledFraction(Double)
}

/// Options of `DatasetImport.run`.
public struct ImportOptions: Sendable, Hashable {
    /// Maximum records per shard.
    public var shardSize: Int
    /// Drop labels (the dataset is written unlabeled).
    public var unlabeled: Bool
    /// How to split.
    public var split: DatasetSplit
    /// Where the second part of a split goes (required unless `split` is `.none`).
    public var splitDirectory: URL?
    /// Seed of the split's per-class selection.
    public var seed: UInt64
    /// Class names (index = label); default "0", "1", ….
    public var classes: [String]?
    /// Replace existing dataset directories.
    public var overwrite: Bool

    public init(
        shardSize: Int = 10_000, unlabeled: Bool = false, split: DatasetSplit = .none,
        splitDirectory: URL? = nil, seed: UInt64 = 0, classes: [String]? = nil, overwrite: Bool = false
    ) {
        self.shardSize = shardSize
        self.unlabeled = unlabeled
        self.split = split
        self.splitDirectory = splitDirectory
        self.seed = seed
        self.classes = classes
        self.overwrite = overwrite
    }
}
