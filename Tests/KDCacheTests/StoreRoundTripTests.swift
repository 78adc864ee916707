import Foundation
import KDCache
import KDTensor
import Testing

@Suite struct StoreRoundTripTests {
    @Test func fp32IsBitIdenticalForEveryCodec() throws {
        for codec in Codec.allCases {
            let fp = fingerprint()
            let store = try TeacherStore(
                directory: storeDirectory("fp32-\(codec)"),
                options: StoreOptions(codec: codec, encoding: .init(precision: .fp32)), fingerprint: fp)
            let out = ["logits": logits(32), "features": logits(32, classes: 7, seed: 3)]
            let keys = (0..<32).map { key(fp, sample: $0) }
            try store.append(keys, outputs: out)
            let hits = store.lookup(keys)
            #expect(hits.isComplete)
            #expect(hits.outputs == out)
        }
    }

    @Test func reducedPrecisionIsClose() throws {
        for precision in [StoredPrecision.fp16, .bf16] {
            let fp = fingerprint(precision: precision)
            let store = try TeacherStore(
                directory: storeDirectory("p-\(precision)"),
                options: StoreOptions(encoding: .init(precision: precision)), fingerprint: fp)
            let out = logits(16)
            let keys = (0..<16).map { key(fp, sample: $0) }
            try store.append(keys, outputs: ["logits": out])
            let served = try #require(store.lookup(keys).outputs["logits"])
            let tolerance: Float = precision == .fp16 ? 1e-2 : 6e-2
            for i in 0..<out.count {
                #expect(abs(served.scalars[i] - out.scalars[i]) <= tolerance * max(1, abs(out.scalars[i])))
            }
            #expect(served == store.roundTrip(["logits": out], count: 16)["logits"])
        }
    }

    @Test func topKServesLogProbabilitiesOfTheStoredDistribution() throws {
        let fp = fingerprint(topK: 3)
        let store = try TeacherStore(
            directory: storeDirectory("topk"), options: StoreOptions(encoding: .init(precision: .fp32, topK: 3)),
            fingerprint: fp)
        let out = logits(4)
        let keys = (0..<4).map { key(fp, sample: $0) }
        try store.append(keys, outputs: ["logits": out])
        let served = try #require(store.lookup(keys).outputs["logits"])
        for n in 0..<4 {
            let z = (0..<10).map { out[n, $0] }, s = (0..<10).map { served[n, $0] }
            let m = z.max()!, total = z.reduce(0) { $0 + exp($1 - m) }
            let p = z.map { exp($0 - m) / total }
            let top = (0..<10).sorted { p[$0] > p[$1] }.prefix(3)
            let leftover = 1 - top.reduce(0) { $0 + p[$1] }
            for c in 0..<10 {
                let expected = top.contains(c) ? p[c] : leftover / 7
                #expect(abs(exp(s[c]) - expected) < 1e-5)
            }
            #expect(abs(s.reduce(0) { $0 + exp($1) } - 1) < 1e-4)
        }
    }

    @Test func partialLookupServesOnlyStoredSamplesInOrder() throws {
        let fp = fingerprint()
        let store = try TeacherStore(
            directory: storeDirectory("partial"), options: StoreOptions(encoding: .init(precision: .fp32)),
            fingerprint: fp)
        let out = logits(8)
        try store.append((0..<8).map { key(fp, sample: $0) }, outputs: ["logits": out])
        let asked = [key(fp, sample: 5), key(fp, sample: 100), key(fp, sample: 2)]
        let hits = store.lookup(asked)
        #expect(!hits.isComplete)
        #expect(hits.positions == [0, 2])
        let served = try #require(hits.outputs["logits"])
        #expect((0..<10).map { served[0, $0] } == (0..<10).map { out[5, $0] })
        #expect((0..<10).map { served[1, $0] } == (0..<10).map { out[2, $0] })
    }

    @Test func fp16LogitsOfTenClassesTakeAtMost24PayloadBytesPerSample() throws {
        let fp = fingerprint(precision: .fp16)
        let dir = storeDirectory("size")
        let store = try TeacherStore(
            directory: dir, options: StoreOptions(codec: .zstd, level: 3, encoding: .init(precision: .fp16)),
            fingerprint: fp)
        let n = 128
        try store.append((0..<n).map { key(fp, sample: $0) }, outputs: ["logits": logits(n)])
        try store.flush()
        let file = try #require(segments(dir).first)
        let bytes = try Data(contentsOf: file).count
        // The frame holds a 16-byte key per sample beside the payload; the payload is what ≤ 24 bounds.
        let payload = Double(bytes - n * 16 - 64) / Double(n)
        #expect(payload <= 24)
    }
}
