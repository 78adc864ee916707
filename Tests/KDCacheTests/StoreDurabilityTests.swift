import Foundation
@testable import KDCache
@testable import KDTensor
import Testing

/// Torn tails, flipped bytes, lost or stale indexes, several writers, a full disk.
@Suite struct StoreDurabilityTests {
    func filledStore(_ name: String, records: Int = 3) throws -> (URL, TeacherFingerprint, [[StoreKey]], [Tensor]) {
        let dir = storeDirectory(name), fp = fingerprint()
        let store = try TeacherStore(
            directory: dir, options: StoreOptions(encoding: .init(precision: .fp32)), fingerprint: fp)
        var keys: [[StoreKey]] = [], values: [Tensor] = []
        for r in 0..<records {
            keys.append((0..<8).map { key(fp, sample: r * 8 + $0) })
            values.append(logits(8, seed: r))
            try store.append(keys[r], outputs: ["logits": values[r]])
        }
        try store.flush()
        return (dir, fp, keys, values)
    }

    @Test func tornTailIsIgnoredAndEarlierRecordsServed() throws {
        let (dir, fp, keys, values) = try filledStore("torn")
        let file = try #require(segments(dir).first)
        let data = try Data(contentsOf: file)
        try data.prefix(data.count - 7).write(to: file)
        try FileManager.default.removeItem(at: dir.appendingPathComponent("index.kdci"))
        let store = try TeacherStore(
            directory: dir, options: StoreOptions(encoding: .init(precision: .fp32)), fingerprint: fp)
        #expect(store.openReport.tornTailBytes > 0)
        #expect(store.lookup(keys[0]).outputs["logits"] == values[0])
        #expect(store.lookup(keys[1]).outputs["logits"] == values[1])
        #expect(store.lookup(keys[2]).positions.isEmpty)
        let inspection = try StoreInspection.inspect(dir, decode: true)
        #expect(inspection.tornTails.count == 1 && inspection.corrupt.isEmpty && inspection.records == 2)
    }

    @Test func flippedPayloadByteIsNeverServed() throws {
        let (dir, fp, keys, values) = try filledStore("flip")
        let file = try #require(segments(dir).first)
        var data = try Data(contentsOf: file)
        // Flip a byte near the end of the middle record's payload, with the index still pointing at it.
        let starts = recordStarts(data)
        data[starts[2] - 5] ^= 0xFF
        try data.write(to: file)
        let store = try TeacherStore(
            directory: dir, options: StoreOptions(encoding: .init(precision: .fp32)), fingerprint: fp)
        #expect(store.lookup(keys[1]).positions.isEmpty)
        #expect(store.takeMetrics().corrupt == 1)
        #expect(store.lookup(keys[2]).outputs["logits"] == values[2])
        // Recomputed outputs are appended and served from then on.
        try store.append(keys[1], outputs: ["logits": values[1]])
        #expect(store.lookup(keys[1]).outputs["logits"] == values[1])
        let inspection = try StoreInspection.inspect(dir, decode: true)
        #expect(inspection.corrupt.count == 1)
    }

    @Test func flippedHeaderByteSkipsOnlyThatRecordOnRebuild() throws {
        let (dir, fp, keys, values) = try filledStore("header")
        let file = try #require(segments(dir).first)
        var data = try Data(contentsOf: file)
        data[recordStarts(data)[1] + 50] ^= 0x01
        try data.write(to: file)
        try FileManager.default.removeItem(at: dir.appendingPathComponent("index.kdci"))
        let store = try TeacherStore(
            directory: dir, options: StoreOptions(encoding: .init(precision: .fp32)), fingerprint: fp)
        #expect(store.openReport.corrupt == 1 && store.openReport.rebuiltIndex)
        #expect(store.lookup(keys[0]).outputs["logits"] == values[0])
        #expect(store.lookup(keys[1]).positions.isEmpty)
        #expect(store.lookup(keys[2]).outputs["logits"] == values[2])
    }

    @Test func staleIndexIsCaughtUpFromTheSegments() throws {
        let (dir, fp, keys, _) = try filledStore("stale", records: 1)
        let index = try Data(contentsOf: dir.appendingPathComponent("index.kdci"))
        let writer = try TeacherStore(
            directory: dir, options: StoreOptions(encoding: .init(precision: .fp32)), fingerprint: fp)
        let more = (100..<108).map { key(fp, sample: $0) }
        try writer.append(more, outputs: ["logits": logits(8)])
        try writer.flush()
        try index.write(to: dir.appendingPathComponent("index.kdci"))
        let reader = try TeacherStore(
            directory: dir, options: StoreOptions(encoding: .init(precision: .fp32)), fingerprint: fp)
        #expect(reader.lookup(keys[0] + more).isComplete)
        try Data("garbage".utf8).write(to: dir.appendingPathComponent("index.kdci"))
        let rebuilt = try TeacherStore(
            directory: dir, options: StoreOptions(encoding: .init(precision: .fp32)), fingerprint: fp)
        #expect(rebuilt.openReport.rebuiltIndex && rebuilt.lookup(keys[0] + more).isComplete)
    }

    @Test func concurrentWritersUseTheirOwnSegments() throws {
        let dir = storeDirectory("writers"), fp = fingerprint()
        let stores = try (0..<4).map { _ in
            try TeacherStore(directory: dir, options: StoreOptions(encoding: .init(precision: .fp32)), fingerprint: fp)
        }
        DispatchQueue.concurrentPerform(iterations: 4) { w in
            for r in 0..<10 {
                try! stores[w].append(
                    (0..<8).map { key(fp, sample: w * 1000 + r * 8 + $0) }, outputs: ["logits": logits(8, seed: w)])
            }
            try! stores[w].flush()
        }
        #expect(segments(dir).count == 4)
        let reader = try TeacherStore(
            directory: dir, options: StoreOptions(encoding: .init(precision: .fp32)), fingerprint: fp)
        #expect(reader.count == 320)
        let inspection = try StoreInspection.inspect(dir, decode: true)
        #expect(inspection.corrupt.isEmpty && inspection.tornTails.isEmpty && inspection.records == 40)
    }

    @Test func fullDiskStopsOrSkipsAsConfigured() throws {
        let fp = fingerprint()
        let stopping = try TeacherStore(
            directory: storeDirectory("full-stop"),
            options: StoreOptions(encoding: .init(precision: .fp32), onFull: .stop, capacityBytes: 700), fingerprint: fp
        )
        try stopping.append((0..<8).map { key(fp, sample: $0) }, outputs: ["logits": logits(8)])
        #expect(throws: StoreError.self) {
            try stopping.append((8..<16).map { key(fp, sample: $0) }, outputs: ["logits": logits(8)])
        }
        let skipping = try TeacherStore(
            directory: storeDirectory("full-skip"),
            options: StoreOptions(encoding: .init(precision: .fp32), onFull: .skip, capacityBytes: 700), fingerprint: fp
        )
        try skipping.append((0..<8).map { key(fp, sample: $0) }, outputs: ["logits": logits(8)])
        try skipping.append((8..<16).map { key(fp, sample: $0) }, outputs: ["logits": logits(8)])
        #expect(skipping.isWritingDisabled && skipping.takeMetrics().skippedWrites == 8)
        #expect(skipping.lookup((0..<8).map { key(fp, sample: $0) }).isComplete)
    }

    @Test func pruneDropsDamageDuplicatesAndOtherTeachers() throws {
        let (dir, fp, keys, values) = try filledStore("prune")
        let other = fingerprint(weights: [9])
        do {
            // Closed before pruning: a live writer's segment is left alone.
            let second = try TeacherStore(
                directory: dir, options: StoreOptions(encoding: .init(precision: .fp32)), fingerprint: other)
            try second.append([key(other, sample: 0)], outputs: ["logits": logits(1)])
            try second.append(keys[0], outputs: ["logits": values[0]])
            try second.flush()
        }
        let report = try StoreCompaction.prune(dir, keep: fp)
        #expect(report.keptRecords == 3 && report.droppedRecords == 2)
        let store = try TeacherStore(
            directory: dir, options: StoreOptions(encoding: .init(precision: .fp32)), fingerprint: fp)
        #expect(store.lookup(keys.flatMap { $0 }).isComplete)
        #expect(segments(dir).count == 1)
    }
}
