import Foundation
import KDCache
import KDTensor
import Testing

/// A changed weight, tap, precision, view or sample never hits.
@Suite struct StoreKeyTests {
    @Test func everyPartOfTheKeyMatters() throws {
        let dir = storeDirectory("keys")
        let base = fingerprint()
        let store = try TeacherStore(
            directory: dir, options: StoreOptions(encoding: .init(precision: .fp32)), fingerprint: base)
        try store.append([key(base, sample: 1, view: 0)], outputs: ["logits": logits(1)])
        #expect(store.lookup([key(base, sample: 1, view: 0)]).isComplete)
        let variants: [(String, StoreKey)] = [
            ("weights", key(fingerprint(weights: [1, 2, 4]), sample: 1)),
            ("taps", key(fingerprint(taps: ["logits", "features"]), sample: 1)),
            ("precision", key(fingerprint(precision: .fp16), sample: 1)),
            ("top-k", key(fingerprint(topK: 5), sample: 1)),
            ("view", key(base, sample: 1, view: 1)),
            ("sample", key(base, sample: 2)),
        ]
        for (what, k) in variants {
            #expect(store.lookup([k]).positions.isEmpty, "changed \(what) must not hit")
        }
        let eval = TeacherFingerprint(
            arch: "mlp", options: ["hidden": "64"], weights: [1, 2, 3], taps: ["logits"],
            encoding: .init(precision: .fp32), evalMode: false)
        #expect(eval != base)
        let otherArch = TeacherFingerprint(
            arch: "cnn", options: ["hidden": "64"], weights: [1, 2, 3], taps: ["logits"],
            encoding: .init(precision: .fp32))
        #expect(otherArch != base)
    }

    @Test func sha256MatchesKnownVectors() {
        let hex = { (b: [UInt8]) in b.map { String(format: "%02x", $0) }.joined() }
        #expect(
            hex(SHA256.hash(Array("abc".utf8))) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(hex(SHA256.hash([])) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        let long = Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
        #expect(hex(SHA256.hash(long)) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }
}
