import Foundation
import KDTensor

/// `kdflow cache export` and `import`: a store's outputs of one teacher as safetensors shards plus
/// `manifest.json`, readable with the `safetensors` package alone, and back into a store bit for
/// bit. Rows are sorted by the described columns (in the order given), then by key bytes, so an
/// export does not depend on how the records were batched.
public enum SoftLabelExport {
    /// Samples per shard file.
    static let shardSamples = 50_000

    /// One exported sample: its key, its described columns and each tap's stored values.
    private struct Row {
        var key: StoreKey
        var described: [(column: String, value: Int64)]
        var values: [String: StoredColumn]

        static func < (a: Row, b: Row) -> Bool {
            let (x, y) = (a.described.map(\.value), b.described.map(\.value))
            if x != y { return x.lexicographicallyPrecedes(y) }
            return a.key.sample == b.key.sample
                ? a.key.view.lexicographicallyPrecedes(b.key.view)
                : a.key.sample.lexicographicallyPrecedes(b.key.sample)
        }
    }

    /// Writes the records `store` serves into `directory`, which must not exist or be an export
    /// kdflow wrote (replaced atomically). `describe` adds integer columns per sample (e.g.
    /// `sample.index`), documented by `columnDocs`, which also order the rows. Returns the manifest written.
    @discardableResult
    public static func write(
        _ store: TeacherStore, to directory: URL, columnDocs: [String: String] = [:],
        describe: (StoreKey) throws -> [(column: String, value: Int64)] = { _ in [] }
    ) throws -> SoftLabelManifest {
        try checkTarget(directory)
        let (records, damaged) = try store.records()
        guard damaged == 0 else {
            throw StoreError.io(
                path: store.directory.path, reason: "\(damaged) damaged records; run `kdflow cache prune` first")
        }
        guard let taps = records.first?.taps else {
            throw StoreError.io(path: store.directory.path, reason: "holds no record of this teacher")
        }
        guard records.allSatisfy({ $0.taps == taps }) else {
            throw StoreError.io(path: store.directory.path, reason: "records of this teacher disagree on their taps")
        }
        var rows: [Row] = []
        for record in records {
            for (slot, key) in record.keys.enumerated() {
                rows.append(
                    Row(
                        key: key, described: try describe(key),
                        values: record.columns.mapValues { $0.rows([slot], of: record.keys.count) }))
            }
        }
        rows.sort(by: <)
        let precision = store.options.encoding.precision
        let staging = try AtomicDirectory.stage(beside: directory)
        do {
            var shards: [SoftLabelManifest.Shard] = []
            var start = 0
            while start < rows.count {
                // A shard's key tensors need one width: one dataset and recipe per shard.
                var end = start + 1
                while end < min(rows.count, start + shardSamples),
                    rows[end].key.sample.count == rows[start].key.sample.count,
                    rows[end].key.view.count == rows[start].key.view.count
                { end += 1 }
                let file = String(format: "shard-%05d.safetensors", shards.count)
                let bytes = shard(rows[start..<end], taps: taps, precision: precision).serialized()
                try AtomicFile.write(bytes, to: staging.appendingPathComponent(file))
                shards.append(.init(file: file, samples: end - start, sha256: SHA256.hash([UInt8](bytes)).hexDigits))
                start = end
            }
            let manifestTaps = taps.map { SoftLabelManifest.Tap(name: $0.name, shape: $0.dims, topK: $0.topK) }
            let manifest = SoftLabelManifest(
                teacher: .init(
                    fingerprint: store.fingerprint.hex, summary: store.fingerprint.summary,
                    computedAs: SoftLabelManifest.fingerprintDoc),
                precision: precision.description, taps: manifestTaps, samples: rows.count,
                tensors: SoftLabelManifest.tensorDocs(taps: manifestTaps, extra: columnDocs), shards: shards)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            try AtomicFile.write(
                try encoder.encode(manifest), to: staging.appendingPathComponent(SoftLabelManifest.fileName))
            try AtomicDirectory.commit(staging, to: directory)
            return manifest
        } catch {
            try? FileManager.default.removeItem(at: staging)
            throw error
        }
    }

    /// Throws unless `directory` does not exist, is empty, or is an export kdflow wrote.
    static func checkTarget(_ directory: URL) throws {
        guard FileManager.default.fileExists(atPath: directory.path),
            !((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [""]).isEmpty
        else { return }
        let manifest = directory.appendingPathComponent(SoftLabelManifest.fileName)
        guard let data = FileManager.default.contents(atPath: manifest.path),
            let m = try? JSONDecoder().decode(SoftLabelManifest.self, from: data),
            m.format == SoftLabelManifest.formatName
        else {
            throw StoreError.io(
                path: directory.path,
                reason:
                    "exists and is not a kdflow soft-label export; kdflow replaces only exports it wrote: move it away or choose another --out"
            )
        }
    }

    /// One shard's tensors.
    private static func shard(_ rows: ArraySlice<Row>, taps: [TapLayout], precision: StoredPrecision) -> Safetensors {
        var file = Safetensors(metadata: ["format": SoftLabelManifest.formatName])
        let n = rows.count
        for (name, keyBytes) in [("key.sample", rows.map(\.key.sample)), ("key.view", rows.map(\.key.view))] {
            file.entries[name] = .init(
                dtype: .u8, shape: Shape([n, keyBytes.first?.count ?? 0]), bytes: Data(keyBytes.joined()))
        }
        var described: [String: [Int64]] = [:]
        for row in rows { for (column, value) in row.described { described[column, default: []].append(value) } }
        for (column, values) in described where values.count == n { file.setInt64(column, values, shape: Shape([n])) }
        for tap in taps {
            let columns = rows.map { $0.values[tap.name]! }
            if tap.topK > 0 {
                var indices: [Int32] = [], probabilities: [Float] = [], leftover: [Float] = []
                for case let .topK(i, v) in columns {
                    indices += i.map { Int32($0) }
                    probabilities += v.prefix(tap.topK)
                    leftover.append(v[tap.topK])
                }
                file.entries["\(tap.name).indices"] = .init(
                    dtype: .i32, shape: Shape([n, tap.topK]),
                    bytes: indices.withUnsafeBufferPointer { Data(buffer: $0) })
                file.entries["\(tap.name).probabilities"] = floats(probabilities, shape: [n, tap.topK], precision)
                file.entries["\(tap.name).leftover"] = floats(leftover, shape: [n], precision)
            } else {
                var values: [Float] = []
                values.reserveCapacity(n * tap.elements)
                for case .dense(let v) in columns { values += v }
                file.entries[tap.name] = floats(values, shape: [n] + tap.dims, precision)
            }
        }
        return file
    }

    /// Values exactly representable in `precision`, as a tensor of its dtype.
    private static func floats(_ values: [Float], shape: [Int], _ precision: StoredPrecision) -> Safetensors.Entry {
        switch precision {
        case .fp32:
            return .init(dtype: .f32, shape: Shape(shape), bytes: values.withUnsafeBufferPointer { Data(buffer: $0) })
        case .fp16:
            let bits = values.map { Float16($0).bitPattern }
            return .init(dtype: .f16, shape: Shape(shape), bytes: bits.withUnsafeBufferPointer { Data(buffer: $0) })
        case .bf16:
            let bits = values.map { UInt16(truncatingIfNeeded: $0.bitPattern >> 16) }
            return .init(dtype: .bf16, shape: Shape(shape), bytes: bits.withUnsafeBufferPointer { Data(buffer: $0) })
        }
    }
}
