import Foundation

/// What an import reads.
public enum ImportSource: Sendable, Hashable {
    /// MNIST-family IDX image file and optional label file (raw or .gz).
    case idx(images: URL, labels: URL?)
    /// CIFAR-10 / CIFAR-100 binary batch files, read in order.
    case cifar(batches: [URL], variant: CIFARImporter.Variant)
    /// NumPy arrays: images and optional labels.
    case npy(images: URL, labels: URL?, channelsLast: Bool)
    /// A CSV file of pixel rows.
    case csv(URL, CSVImporter.Options)

    /// Parses the input into memory (nothing is written).
    public func load(classes: [String]? = nil) throws -> SampleTable {
        switch self {
        case let .idx(images, labels):
            return try IDXImporter.load(images: images, labels: labels, classes: classes)
        case let .cifar(batches, variant):
            return try CIFARImporter.load(batches: batches, variant: variant, classes: classes)
        case let .npy(images, labels, channelsLast):
            return try NPYImporter.load(images: images, labels: labels, channelsLast: channelsLast, classes: classes)
        case let .csv(url, options):
            var o = options
            if let classes { o.classes = classes }
            return try CSVImporter.load(url, options: o)
        }
    }
}

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

    public init(shardSize: Int = 10_000, unlabeled: Bool = false, split: DatasetSplit = .none,
                splitDirectory: URL? = nil, seed: UInt64 = 0, classes: [String]? = nil, overwrite: Bool = false) {
        self.shardSize = shardSize
        self.unlabeled = unlabeled
        self.split = split
        self.splitDirectory = splitDirectory
        self.seed = seed
        self.classes = classes
        self.overwrite = overwrite
    }
}

/// The library side of `kdflow import`: parse, split, write shards and manifest(s).
public enum DatasetImport {
    /// Imports `source` as dataset `name` into `directory` (and a split's second part into
    /// `options.splitDirectory`, named `name` + "-heldout" or "-unlabeled"). Input is parsed
    /// completely before anything is written; on any error nothing is left behind.
    @discardableResult
    public static func run(_ source: ImportSource, name: String, to directory: URL,
                           options: ImportOptions = ImportOptions()) throws -> [DatasetManifest] {
        let table = try source.load(classes: options.classes)
        let parts = try split(table, options: options, file: directory.path)
        var written = [DatasetManifest]()
        var targets = [(parts.first, name, directory)]
        if let second = parts.second, let dir = options.splitDirectory {
            targets.append((second, name + (parts.secondIsUnlabeled ? "-unlabeled" : "-heldout"), dir))
        }
        do {
            for (part, partName, dir) in targets {
                written.append(try DatasetWriter.write(part, name: partName, to: dir,
                                                       shardSize: options.shardSize, overwrite: options.overwrite))
            }
        } catch {
            // Leave nothing behind: remove a first part already moved into place.
            for (_, _, dir) in targets.prefix(written.count) { try? FileManager.default.removeItem(at: dir) }
            throw error
        }
        return written
    }

    /// Splits per `options` (seeded per-class selection) and applies `unlabeled`.
    public static func split(_ table: SampleTable, options: ImportOptions, file: String)
        throws -> (first: SampleTable, second: SampleTable?, secondIsUnlabeled: Bool) {
        func finish(_ t: SampleTable) -> SampleTable { options.unlabeled ? t.unlabeled() : t }
        if options.split == .none { return (finish(table), nil, false) }
        guard options.splitDirectory != nil else {
            throw DataError.invalid(file: file, reason: "a split needs a directory for its second part")
        }
        guard let labels = table.labels else {
            throw DataError.invalid(file: file, reason: "splitting per class needs labels")
        }
        var byClass = [[Int]](repeating: [], count: table.classes.count)
        for (i, l) in labels.enumerated() where l < byClass.count { byClass[l].append(i) }
        var keep = [Int](), other = [Int]()
        for (c, members) in byClass.enumerated() {
            let order = EpochOrder.permutation(count: members.count, seed: options.seed, epoch: UInt64(c)).map { members[$0] }
            let taken: Int
            switch options.split {
            case .none: taken = 0
            case .holdOutPerClass(let n):
                guard n >= 0, n <= members.count else {
                    throw DataError.invalid(file: file, reason: "cannot hold out \(n) of class \(c)'s \(members.count) samples")
                }
                taken = members.count - n
            case .labeledFraction(let f):
                guard f >= 0, f <= 1 else { throw DataError.invalid(file: file, reason: "labelled fraction \(f) outside [0, 1]") }
                taken = Int((Double(members.count) * f).rounded())
            }
            keep += order.prefix(taken)
            other += order.dropFirst(taken)
        }
        keep.sort()
        other.sort()
        let first = finish(table.subset(keep))
        if case .labeledFraction = options.split { return (first, table.subset(other).unlabeled(), true) }
        return (first, finish(table.subset(other)), false)
    }
}
