import Foundation

/// The library side of `kdflow import`: parse, split, write shards and manifest(s).
public enum DatasetImport {
    /// Imports `source` as dataset `name` into `directory` (and a split's second part into
    /// `options.splitDirectory`, named `name` + "-heldout" or "-unlabeled"). Input is parsed
    /// completely before anything is written; on any error nothing is left behind.
    @discardableResult
    public static func run(
        _ source: ImportSource, name: String, to directory: URL,
        options: ImportOptions = ImportOptions()
    ) throws -> [DatasetManifest] {
        let table = try source.load(classes: options.classes)
        let parts = try split(table, options: options, file: directory.path)
        if parts.second != nil, options.splitDirectory?.standardizedFileURL == directory.standardizedFileURL {
            throw DataError.invalid(
                file: directory.path, reason: "both parts of the split would go to the same directory")
        }
        var targets = [(parts.first, name, directory)]
        if let second = parts.second, let dir = options.splitDirectory {
            targets.append((second, name + (parts.secondIsUnlabeled ? "-unlabeled" : "-heldout"), dir))
        }
        // Refuse before writing anything, and stage every part before any replaces its target, so a
        // clash or a failure leaves the old datasets as they were.
        for (_, _, dir) in targets { try DatasetWriter.checkTarget(dir, overwrite: options.overwrite) }
        var staged: [(staging: URL, manifest: DatasetManifest, target: URL)] = []
        do {
            for (part, partName, dir) in targets {
                let (staging, manifest) = try DatasetWriter.stage(
                    part, name: partName, beside: dir, shardSize: options.shardSize)
                staged.append((staging, manifest, dir))
            }
        } catch {
            for s in staged { try? FileManager.default.removeItem(at: s.staging) }
            throw error
        }
        var written = [DatasetManifest]()
        for (index, s) in staged.enumerated() {
            do {
                try DatasetWriter.commit(s.staging, to: s.target)
            } catch {
                for rest in staged.dropFirst(index + 1) { try? FileManager.default.removeItem(at: rest.staging) }
                throw error
            }
            written.append(s.manifest)
        }
        return written
    }

    /// Splits per `options` (seeded per-class selection) and applies `unlabeled`.
    public static func split(_ table: SampleTable, options: ImportOptions, file: String)
        throws -> (first: SampleTable, second: SampleTable?, secondIsUnlabeled: Bool)
    {
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
            let order = EpochOrder.permutation(count: members.count, seed: options.seed, epoch: UInt64(c)).map {
                members[$0]
            }
            let taken: Int
            switch options.split {
            case .none: taken = 0
            case .holdOutPerClass(let n):
                guard n >= 0, n <= members.count else {
                    throw DataError.invalid(
                        file: file, reason: "cannot hold out \(n) of class \(c)'s \(members.count) samples")
                }
                taken = members.count - n
            case .labeledFraction(let f):
                guard f >= 0, f <= 1 else {
                    throw DataError.invalid(file: file, reason: "labelled fraction \(f) outside [0, 1]")
                }
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
