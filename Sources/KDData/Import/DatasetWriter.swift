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
    static func shardFileName(_ number: Int) -> String {
        let digits = String(number)
        return "shard-" + String(repeating: "0", count: max(0, 5 - digits.count)) + digits + ".kds"
    }

    /// Writes `table` as dataset `name` into `directory` (which must not exist unless
    /// `overwrite`, and then must be a dataset kdflow wrote), returning its manifest.
    @discardableResult
    public static func write(
        _ table: SampleTable, name: String, to directory: URL,
        shardSize: Int = 10_000, overwrite: Bool = false
    ) throws -> DatasetManifest {
        try checkTarget(directory, overwrite: overwrite)
        let (staging, manifest) = try stage(table, name: name, beside: directory, shardSize: shardSize)
        try commit(staging, to: directory)
        return manifest
    }

    /// Throws unless `directory` may be written: it does not exist, or (with `overwrite`) it is an
    /// empty directory or a dataset kdflow wrote (its manifest says so). kdflow never replaces
    /// anything else.
    public static func checkTarget(_ directory: URL, overwrite: Bool) throws {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: directory.path, isDirectory: &isDirectory) else { return }
        guard overwrite else {
            throw DataError.invalid(file: directory.path, reason: "already exists (pass overwrite to replace it)")
        }
        guard isDirectory.boolValue else {
            throw DataError.invalid(
                file: directory.path, reason: "is a file, not a dataset directory; kdflow will not replace it")
        }
        let entries = ((try? fm.contentsOfDirectory(atPath: directory.path)) ?? []).sorted()
        guard entries.isEmpty || (try? DatasetManifest.read(from: directory)) != nil else {
            throw DataError.invalid(
                file: directory.path,
                reason:
                    "holds \(entries.count) entries (\(entries.prefix(3).joined(separator: ", "))\(entries.count > 3 ? ", …" : "")) and no kdflow manifest; kdflow replaces only datasets it wrote: move them away or choose another directory"
            )
        }
    }

    /// Writes `table` into a hidden staging directory beside `directory`; nothing under the
    /// target name changes. Returns the staging directory and the manifest written there.
    static func stage(_ table: SampleTable, name: String, beside directory: URL, shardSize: Int) throws -> (
        URL, DatasetManifest
    ) {
        guard shardSize > 0 else {
            throw DataError.invalid(file: directory.path, reason: "shard size must be positive")
        }
        let staging: URL
        do { staging = try AtomicDirectory.stage(beside: directory) } catch let e as AtomicFile.WriteError {
            throw DataError.io(file: e.path, reason: e.reason)
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
            return (staging, manifest)
        } catch {
            try? FileManager.default.removeItem(at: staging)
            if let e = error as? DataError { throw e }
            throw DataError.io(file: directory.path, reason: "\(error.localizedDescription)")
        }
    }

    /// Moves a staged dataset into place (`AtomicDirectory.commit`).
    static func commit(_ staging: URL, to directory: URL) throws {
        do { try AtomicDirectory.commit(staging, to: directory) } catch let e as AtomicFile.WriteError {
            throw DataError.io(file: e.path, reason: e.reason)
        }
    }
}
