import Foundation

/// A dataset directory opened for reading: the manifest and every shard, verified against the
/// manifest and their own checksums. Samples are addressed by a global index running through
/// the shards in manifest order, or by `SampleID`.
public final class ShardedDataset: Sendable {
    /// The dataset directory.
    public let directory: URL
    /// Its manifest.
    public let manifest: DatasetManifest
    /// The shards, in manifest order.
    public let shards: [Shard]
    /// Global index of each shard's first record (plus the total at the end).
    private let shardStarts: [Int]

    /// Opens `directory`, reading and verifying every shard (checksums, sizes, headers, labels).
    public init(directory: URL) throws {
        let manifest = try DatasetManifest.read(from: directory)
        var shards = [Shard]()
        var starts = [0]
        for (number, entry) in manifest.shards.enumerated() {
            let url = directory.appendingPathComponent(entry.file)
            guard entry.file == DatasetWriter.shardFileName(number) else {
                throw DataError.invalid(
                    file: url.path, reason: "manifest lists shard \(number) under an unexpected name")
            }
            let bytes = try FileBytes.readRaw(url)
            let shard = try Shard(bytes: bytes, file: url.path)
            let h = shard.header
            guard h.layout == manifest.layout, h.hasLabels == manifest.labeled, h.sampleCount == entry.count,
                h.shardNumber == number
            else {
                throw DataError.mismatch(file: url.path, reason: "shard header disagrees with the manifest")
            }
            guard shard.checksum == entry.crc32, bytes.count == entry.bytes else {
                throw DataError.mismatch(
                    file: url.path,
                    reason: "shard checksum \(hex(shard.checksum)) differs from the manifest's \(hex(entry.crc32))")
            }
            // Labels index the manifest's classes everywhere downstream (logits rows, metrics).
            if let bad = (0..<shard.count).first(where: {
                shard.label(at: $0).map { !(0..<manifest.classes.count).contains($0) } ?? false
            }) {
                throw DataError.mismatch(
                    file: url.path,
                    reason:
                        "record \(bad) has label \(shard.label(at: bad)!), outside the manifest's \(manifest.classes.count) classes"
                )
            }
            shards.append(shard)
            starts.append(starts[starts.count - 1] + shard.count)
        }
        self.directory = directory
        self.manifest = manifest
        self.shards = shards
        self.shardStarts = starts
    }

    /// Number of samples.
    public var count: Int { shardStarts[shardStarts.count - 1] }
    /// The dataset name.
    public var name: String { manifest.name }
    /// Pixel layout of every sample.
    public var layout: SampleLayout { manifest.layout }
    /// Whether samples carry labels.
    public var isLabeled: Bool { manifest.labeled }

    /// (shard, record) of a global index.
    @inline(__always)
    public func location(of index: Int) -> (shard: Int, record: Int) {
        // Binary search for the last shard starting at or before `index`.
        var lo = 0, hi = shards.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if shardStarts[mid] <= index { lo = mid } else { hi = mid - 1 }
        }
        return (lo, index - shardStarts[lo])
    }

    /// The stable id of the sample at a global index.
    public func id(at index: Int) -> SampleID {
        let (s, r) = location(of: index)
        return SampleID(dataset: manifest.name, shard: s, index: r)
    }

    /// The global index of `id`, or nil if it is not in this dataset.
    public func index(of id: SampleID) -> Int? {
        guard id.dataset == manifest.name, id.shard >= 0, id.shard < shards.count,
            id.index >= 0, id.index < shards[id.shard].count
        else { return nil }
        return shardStarts[id.shard] + id.index
    }

    /// The label of the sample at a global index (nil when unlabeled).
    public func label(at index: Int) -> Int? {
        let (s, r) = location(of: index)
        return shards[s].label(at: r)
    }

    /// Calls `body` with the pixel bytes of the sample at a global index.
    @inline(__always)
    public func withPixels<R>(at index: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        let (s, r) = location(of: index)
        return try shards[s].withPixels(at: r, body)
    }
}
