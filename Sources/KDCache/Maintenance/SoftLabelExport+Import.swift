import Foundation
import KDTensor

extension SoftLabelExport {
    /// Records per imported record frame (a training batch's worth).
    static let importRecordSamples = 256

    /// What an import read.
    public struct ImportReport: Sendable {
        public var samples = 0
        public var shards = 0
    }

    /// Reads an export in `directory` into `store`, whose teacher (fingerprint) must be the one
    /// that made it. Every file is checked (manifest, each shard's SHA-256, every tensor's dtype and
    /// shape, class indices) before anything is appended, so a bad export stores nothing.
    public static func read(_ directory: URL, into store: TeacherStore) throws -> ImportReport {
        let manifestURL = directory.appendingPathComponent(SoftLabelManifest.fileName)
        func bad(_ file: String, _ reason: String) -> StoreError {
            .io(path: directory.appendingPathComponent(file).path, reason: reason)
        }
        guard let data = FileManager.default.contents(atPath: manifestURL.path) else {
            throw bad(SoftLabelManifest.fileName, "cannot be read (is \(directory.path) a kdflow soft-label export?)")
        }
        let manifest: SoftLabelManifest
        do { manifest = try JSONDecoder().decode(SoftLabelManifest.self, from: data) } catch {
            throw bad(SoftLabelManifest.fileName, "not a soft-label manifest (\(error))")
        }
        guard manifest.format == SoftLabelManifest.formatName, manifest.version == 1 else {
            throw bad(
                SoftLabelManifest.fileName,
                "format \(manifest.format) version \(manifest.version); this kdflow reads \(SoftLabelManifest.formatName) version 1"
            )
        }
        guard manifest.teacher.fingerprint == store.fingerprint.hex else {
            throw bad(
                SoftLabelManifest.fileName,
                "made by teacher \(manifest.teacher.fingerprint) (\(manifest.teacher.summary)); this stage's teacher is \(store.fingerprint.hex) (\(store.fingerprint.summary)): its records would never be served"
            )
        }
        // The fingerprint covers precision, top-k and tap names; the shapes are checked per tensor.
        let precision = store.options.encoding.precision
        let taps = manifest.taps.sorted { $0.name < $1.name }.map {
            TapLayout(name: $0.name, dims: $0.shape, topK: $0.topK)
        }
        var batches: [(keys: [StoreKey], columns: [String: StoredColumn])] = []
        var report = ImportReport()
        for shard in manifest.shards {
            guard !shard.file.contains("/"),
                let bytes = FileManager.default.contents(atPath: directory.appendingPathComponent(shard.file).path)
            else {
                throw bad(shard.file, "listed in the manifest but cannot be read")
            }
            guard SHA256.hash([UInt8](bytes)).hexDigits == shard.sha256 else {
                throw bad(shard.file, "SHA-256 differs from the manifest's")
            }
            let file = try Safetensors(data: bytes, origin: directory.appendingPathComponent(shard.file).path)
            let n = shard.samples
            let samples = try keyRows(file, "key.sample", n), views = try keyRows(file, "key.view", n)
            var columns: [String: StoredColumn] = [:]
            for tap in taps {
                columns[tap.name] = try tapColumn(file, tap, n, precision)
            }
            for start in stride(from: 0, to: n, by: importRecordSamples) {
                let rows = Array(start..<min(n, start + importRecordSamples))
                let keys = rows.map { StoreKey(fingerprint: store.fingerprint, sample: samples[$0], view: views[$0]) }
                batches.append((keys, columns.mapValues { $0.rows(rows, of: n) }))
            }
            report.samples += n
            report.shards += 1
        }
        guard report.samples == manifest.samples else {
            throw bad(SoftLabelManifest.fileName, "says \(manifest.samples) samples, its shards hold \(report.samples)")
        }
        for batch in batches { try store.append(batch.keys, taps: taps, columns: batch.columns) }
        try store.flush()
        return report
    }

    /// A U8 [n, L] key tensor's rows.
    private static func keyRows(_ file: Safetensors, _ name: String, _ n: Int) throws -> [[UInt8]] {
        guard let e = file.entries[name] else { throw Safetensors.FormatError.missing(file.origin, tensor: name) }
        guard e.dtype == .u8, e.shape.rank == 2, e.shape[0] == n else {
            throw Safetensors.FormatError.badEntry(
                file.origin, tensor: name, reason: "expected U8 [\(n), L], got \(e.dtype.rawValue) \(e.shape)")
        }
        let width = e.shape[1], bytes = [UInt8](e.bytes)
        return (0..<n).map { Array(bytes[($0 * width)..<(($0 + 1) * width)]) }
    }

    /// One tap's stored column for all `n` samples, checked against its layout and the store's precision.
    private static func tapColumn(_ file: Safetensors, _ tap: TapLayout, _ n: Int, _ precision: StoredPrecision) throws
        -> StoredColumn
    {
        if tap.topK == 0 { return .dense(try floats(file, tap.name, shape: [n] + tap.dims, precision)) }
        let k = tap.topK
        let name = "\(tap.name).indices"
        guard let e = file.entries[name] else { throw Safetensors.FormatError.missing(file.origin, tensor: name) }
        guard e.dtype == .i32, e.shape.dims == [n, k] else {
            throw Safetensors.FormatError.badEntry(
                file.origin, tensor: name, reason: "expected I32 [\(n), \(k)], got \(e.dtype.rawValue) \(e.shape)")
        }
        let indices = e.bytes.withUnsafeBytes { raw in
            (0..<(n * k)).map { Int32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: Int32.self)) }
        }
        guard indices.allSatisfy({ $0 >= 0 && Int($0) < tap.elements }) else {
            throw Safetensors.FormatError.badEntry(
                file.origin, tensor: name, reason: "a class index outside 0..<\(tap.elements)")
        }
        let probabilities = try floats(file, "\(tap.name).probabilities", shape: [n, k], precision)
        let leftover = try floats(file, "\(tap.name).leftover", shape: [n], precision)
        // Stored order: per sample, k probabilities then the leftover mass.
        let values = (0..<n).flatMap { r in probabilities[(r * k)..<((r + 1) * k)] + [leftover[r]] }
        return .topK(indices: indices.map { UInt16($0) }, values: values)
    }

    /// A float tensor of `shape` in `precision`'s dtype, as Float32.
    private static func floats(_ file: Safetensors, _ name: String, shape: [Int], _ precision: StoredPrecision) throws
        -> [Float]
    {
        guard let e = file.entries[name] else { throw Safetensors.FormatError.missing(file.origin, tensor: name) }
        let dtype: Safetensors.DType =
            switch precision {
            case .fp32: .f32
            case .fp16: .f16
            case .bf16: .bf16
            }
        guard e.dtype == dtype, e.shape.dims == shape else {
            throw Safetensors.FormatError.badEntry(
                file.origin, tensor: name,
                reason: "expected \(dtype.rawValue) \(shape), got \(e.dtype.rawValue) \(e.shape.dims)")
        }
        return try file.tensor(name).withUnsafeBufferPointer { Array($0) }
    }
}
