import Foundation
@testable import KDCache
import KDTensor
import Testing

/// Records keep each sample's exact sample and view bytes: the index can be rebuilt from them,
/// and a hit is confirmed against them, not against the digest alone.
@Suite struct StoreIdentityTests {
    @Test func identitiesRoundTripInBothLayouts() throws {
        let fp = fingerprint()
        let sameWidth = (0..<20).map { key(fp, sample: 100 + $0, view: $0 % 4) }
        let mixedWidth = (0..<20).map { key(fp, sample: $0 * 37, view: $0 % 4) }
        // Crop offsets −2…2 as little-endian Int32: three sign-extension bytes copy one another.
        let signedViews = (0..<20).map { (i: Int) -> StoreKey in
            var view = withUnsafeBytes(of: Int32(i % 5 - 2).littleEndian) { Array($0) }
            view.append(UInt8(i % 2))
            return StoreKey(fingerprint: fp, sample: [UInt8(i)], view: view)
        }
        for keys in [sameWidth, mixedWidth, signedViews] {
            let raw = RecordIdentities.encode(keys)
            #expect(raw.first == (keys == mixedWidth ? 0 : 1))
            #expect(RecordIdentities.decode(raw, count: keys.count) == keys.map(RecordIdentities.Identity.init))
            #expect(RecordIdentities.decode(Array(raw.dropLast()), count: keys.count) == nil)
        }
        // Width 10 (u32 length, 1 sample byte, 4 view bytes, flip): columns 7 and 8 copy column 6.
        let modes = Array(RecordIdentities.encode(signedViews)[5..<15])
        #expect(modes[7] == 2 && modes[8] == 2 && modes[6] == 0)
    }

    @Test func columnsPackToTheirBitsAndBack() throws {
        let columns: [(values: [UInt8], mode: UInt8, bits: UInt8)] = [
            (Array(repeating: 7, count: 128), 0, 0),
            ((0..<128).map { UInt8($0 * 2) }, 1, 2),
            ((0..<128).map { UInt8(40 + ($0 * 37) % 5) }, 0, 3),
            ((0..<128).map { UInt8(($0 * 151) % 256) }, 0, 8),
            ([200], 0, 0),
            ((0..<128).map { UInt8(truncatingIfNeeded: $0 % 5 - 2) }, 0, 3),
            ((0..<128).map { $0 % 3 == 0 ? 0xFF : 0x00 }, 0, 1),
        ]
        for column in columns {
            let packed = PackedColumn(column.values)
            #expect(packed.mode == column.mode && packed.bits == column.bits)
            #expect(packed.packed.count == packed.packedSize(count: column.values.count))
            #expect(packed.packed.count == ((column.values.count - Int(column.mode)) * Int(column.bits) + 7) / 8)
            var read = try #require(PackedColumn(mode: packed.mode, base: packed.base, bits: packed.bits))
            read.packed = packed.packed
            #expect(read.values(count: column.values.count) == column.values)
        }
    }

    @Test func anIndexEntryPointingAtAnotherSampleIsNeverServed() throws {
        let dir = storeDirectory("identity")
        let fp = fingerprint()
        let stored = key(fp, sample: 1), other = key(fp, sample: 2)
        do {
            let store = try TeacherStore(
                directory: dir, options: StoreOptions(encoding: .init(precision: .fp32)), fingerprint: fp)
            try store.append([stored], outputs: ["logits": logits(1)])
            try store.flush()
        }
        // Forge what a digest collision would give: `other`'s digest mapped to `stored`'s slot.
        var index = try #require(StoreIndex.load(dir))
        index.entries[other.digest] = index.entries[stored.digest]
        try index.save(dir)
        let store = try TeacherStore(
            directory: dir, options: StoreOptions(encoding: .init(precision: .fp32)), fingerprint: fp)
        #expect(store.lookup([stored]).isComplete)
        #expect(store.lookup([other]).positions.isEmpty)
    }

    @Test func storedBytesPerSampleStayCompact() throws {
        // 10 fp16 logits per sample, keys as the training loop makes them: about 20 payload bytes
        // and a few identity bytes per sample once the constant parts are compressed away.
        let dir = storeDirectory("compact")
        let fp = fingerprint(precision: .fp16)
        let store = try TeacherStore(
            directory: dir, options: StoreOptions(codec: .zstd, level: 3, encoding: .init(precision: .fp16)),
            fingerprint: fp)
        let perRecord = 128, records = 20
        for r in 0..<records {
            let keys = (0..<perRecord).map { i in
                StoreKey(
                    fingerprint: fp, sample: Array("fashion-mnist-train".utf8) + [0, 0, UInt8(r), UInt8(i)],
                    view: Array("KDV1".utf8) + [UInt8((i * 7 + r) % 4), 0, 0, 0, UInt8(i % 2)])
            }
            try store.append(keys, outputs: ["logits": logits(perRecord, seed: r)])
        }
        try store.flush()
        let bytes = try StoreInspection.inspect(dir, decode: true).bytes
        #expect(Double(bytes) / Double(perRecord * records) < 24)
    }
}
