import Foundation
import KDCache
import KDTensor
import Testing

/// Soft-label export and import: the committed fixture (`Fixtures/soft-labels`) is what kdflow
/// exports for a fixed store, and `Fixtures/read_soft_labels.py` read it with `safetensors.numpy`
/// alone into `expected.json`; kdflow must serve exactly those values for the same keys.
@Suite struct SoftLabelExportTests {
    static let fixtures = Bundle.module.resourceURL!.appendingPathComponent("Fixtures")

    /// Sample-id and view encodings as KDData writes them (dataset "fixture", shard 0).
    static func exportKey(_ fp: TeacherFingerprint, sample: Int, view: Int) -> StoreKey {
        var s: [UInt8] = [7, 0, 0, 0] + Array("fixture".utf8)
        for v in [Int64(0), Int64(sample)] { withUnsafeBytes(of: v.littleEndian) { s += $0 } }
        var v: [UInt8] = Array("KDV1".utf8)
        withUnsafeBytes(of: Int64(view).littleEndian) { v += $0 }
        v += [0, 0, 0, 0]
        return StoreKey(fingerprint: fp, sample: s, view: v)
    }

    /// 8 samples × 2 views of logits and features, fp16, stored in two records (one per view).
    static func fixtureStore(_ name: String, topK: Int? = nil) throws -> TeacherStore {
        let fp = fingerprint(taps: ["features", "logits"], precision: .fp16, topK: topK)
        let store = try TeacherStore(
            directory: storeDirectory(name), options: StoreOptions(encoding: .init(precision: .fp16, topK: topK)),
            fingerprint: fp)
        for view in 0..<2 {
            let keys = (0..<8).map { exportKey(fp, sample: $0, view: view) }
            try store.append(
                keys,
                outputs: [
                    "logits": logits(8, seed: view),
                    "features": Tensor(shape: [8, 4], scalars: (0..<32).map { Float($0 + 40 * view) / 7 }),
                ])
        }
        try store.flush()
        return store
    }

    static func sampleIndex(_ key: StoreKey) -> [(column: String, value: Int64)] {
        [("sample.index", key.sample.suffix(8).reversed().reduce(Int64(0)) { $0 << 8 | Int64($1) })]
    }

    @Test func exportMatchesTheFixturePythonReadAndServesItsValues() throws {
        let store = try Self.fixtureStore("export-fixture")
        let out = storeDirectory("export-fixture-out")
        if let keep = ProcessInfo.processInfo.environment["KDFLOW_WRITE_SOFT_LABEL_FIXTURE"] {
            try SoftLabelExport.write(store, to: URL(fileURLWithPath: keep), describe: Self.sampleIndex)
        }
        try SoftLabelExport.write(store, to: out, describe: Self.sampleIndex)
        let committed = Self.fixtures.appendingPathComponent("soft-labels")
        for file in ["manifest.json", "shard-00000.safetensors"] {
            #expect(
                try Data(contentsOf: out.appendingPathComponent(file))
                    == Data(contentsOf: committed.appendingPathComponent(file)),
                "\(file) differs from the fixture: regenerate it (see read_soft_labels.py)")
        }
        struct Expected: Decodable {
            var sample_index: Int
            var view_index: Int
            var logits: [Float]
            var features: [Float]
        }
        let expected = try JSONDecoder().decode(
            [Expected].self, from: Data(contentsOf: Self.fixtures.appendingPathComponent("expected.json")))
        #expect(expected.count == 16)
        for row in expected {
            let hits = store.lookup([Self.exportKey(store.fingerprint, sample: row.sample_index, view: row.view_index)])
            #expect(hits.isComplete)
            #expect(hits.outputs["logits"]?.withUnsafeBufferPointer(Array.init) == row.logits)
            #expect(hits.outputs["features"]?.withUnsafeBufferPointer(Array.init) == row.features)
        }
    }

    @Test func importRoundTripsBitForBitDenseAndTopK() throws {
        for topK in [nil, 3] {
            let store = try Self.fixtureStore("roundtrip-\(topK ?? 0)", topK: topK)
            let first = storeDirectory("roundtrip-a-\(topK ?? 0)"), second = storeDirectory("roundtrip-b-\(topK ?? 0)")
            try SoftLabelExport.write(store, to: first)
            let copy = try TeacherStore(
                directory: storeDirectory("roundtrip-copy-\(topK ?? 0)"), options: store.options,
                fingerprint: store.fingerprint)
            #expect(try SoftLabelExport.read(first, into: copy).samples == 16)
            try SoftLabelExport.write(copy, to: second)
            for file in ["manifest.json", "shard-00000.safetensors"] {
                #expect(
                    try Data(contentsOf: first.appendingPathComponent(file))
                        == Data(contentsOf: second.appendingPathComponent(file)))
            }
            let keys = (0..<8).map { Self.exportKey(store.fingerprint, sample: $0, view: 1) }
            #expect(
                copy.lookup(keys).outputs["logits"]?.withUnsafeBufferPointer(Array.init)
                    == store.lookup(keys).outputs["logits"]?.withUnsafeBufferPointer(Array.init))
            // Exporting again over a kdflow export replaces it.
            try SoftLabelExport.write(copy, to: second)
        }
    }

    @Test func refusesAnotherTeachersExportAndForeignDirectories() throws {
        let store = try Self.fixtureStore("refuse")
        let out = storeDirectory("refuse-out")
        try SoftLabelExport.write(store, to: out)
        let other = try TeacherStore(
            directory: storeDirectory("refuse-other"), options: store.options,
            fingerprint: fingerprint(weights: [9], taps: ["features", "logits"], precision: .fp16))
        #expect(throws: StoreError.self) { try SoftLabelExport.read(out, into: other) }
        #expect(other.count == 0)
        // A changed shard fails its checksum and stores nothing.
        let shard = out.appendingPathComponent("shard-00000.safetensors")
        var bytes = try Data(contentsOf: shard)
        bytes[bytes.count - 1] ^= 1
        try bytes.write(to: shard)
        let copy = try TeacherStore(
            directory: storeDirectory("refuse-copy"), options: store.options, fingerprint: store.fingerprint)
        #expect(throws: StoreError.self) { try SoftLabelExport.read(out, into: copy) }
        #expect(copy.count == 0)
        // Never over a directory kdflow did not write.
        let foreign = storeDirectory("refuse-foreign")
        try FileManager.default.createDirectory(at: foreign, withIntermediateDirectories: true)
        try Data("mine".utf8).write(to: foreign.appendingPathComponent("notes.txt"))
        #expect(throws: StoreError.self) { try SoftLabelExport.write(store, to: foreign) }
        #expect(try String(contentsOf: foreign.appendingPathComponent("notes.txt"), encoding: .utf8) == "mine")
    }
}
