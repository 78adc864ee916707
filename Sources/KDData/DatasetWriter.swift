import Foundation
import KDTensor

/// Writes a `SampleTable` as a dataset directory: shards of at most `shardSize` records, then
/// the manifest.
///
/// Everything is first written into a hidden staging directory beside the target (each file
/// through `AtomicFile`), which is renamed into place only when complete. An interrupted or
/// failed write therefore leaves no dataset and no shard under the target name.
public enum DatasetWriter {
    /// Shard file name for shard `number`.
    public static func shardFileName(_ number: Int) -> String {
        let digits = String(number)
        return "shard-" + String(repeating: "0", count: max(0, 5 - digits.count)) + digits + ".kds"
    }

    /// Writes `table` as dataset `name` into `directory` (which must not exist unless
    /// `overwrite`), returning its manifest.
    @discardableResult
    public static func write(_ table: SampleTable, name: String, to directory: URL,
                             shardSize: Int = 10_000, overwrite: Bool = false) throws -> DatasetManifest {
        guard shardSize > 0 else { throw DataError.invalid(file: directory.path, reason: "shard size must be positive") }
        let fm = FileManager.default
        if fm.fileExists(atPath: directory.path) && !overwrite {
            throw DataError.invalid(file: directory.path, reason: "already exists (pass overwrite to replace it)")
        }
        let parent = directory.deletingLastPathComponent()
        let staging = parent.appendingPathComponent(AtomicFile.temporaryName(for: directory.lastPathComponent))
        do {
            try fm.createDirectory(at: parent, withIntermediateDirectories: true)
            try fm.createDirectory(at: staging, withIntermediateDirectories: false)
        } catch {
            throw DataError.io(file: staging.path, reason: "cannot create directory: \(error)")
        }
        do {
            var entries = [DatasetManifest.ShardEntry]()
            var start = 0, number = 0
            while start < table.count || (number == 0 && table.count == 0) {
                let end = min(table.count, start + shardSize)
                let bytes = Shard.encode(table, range: start..<end, shardNumber: number)
                let file = shardFileName(number)
                try AtomicFile.write(bytes, to: staging.appendingPathComponent(file))
                var footer = ByteReader(bytes, file: file, offset: bytes.count - ShardHeader.footerSize)
                entries.append(.init(file: file, count: end - start, bytes: bytes.count, crc32: try footer.u32LE()))
                start = end
                number += 1
                if table.count == 0 { break }
            }
            let manifest = DatasetManifest(
                format: DatasetManifest.formatName, version: 1, name: name, layout: table.layout,
                labeled: table.labels != nil, classes: table.classes, classCounts: table.classCounts,
                sampleCount: table.count, shardSize: shardSize, shards: entries, sources: table.sources)
            try AtomicFile.write(try manifest.encoded(), to: staging.appendingPathComponent(DatasetManifest.fileName))
            if fm.fileExists(atPath: directory.path) { try fm.removeItem(at: directory) }
            guard rename(staging.path, directory.path) == 0 else {
                throw DataError.io(file: directory.path, reason: "cannot move the staged dataset into place")
            }
            AtomicFile.syncDirectory(parent)
            return manifest
        } catch {
            try? fm.removeItem(at: staging)
            if let e = error as? DataError { throw e }
            throw DataError.io(file: directory.path, reason: "\(error)")
        }
    }
}
