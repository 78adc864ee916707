import Foundation
import KDCache
import KDTensor

/// A fresh store directory.
func storeDirectory(_ name: String) -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kdcache-\(getpid())-\(name)")
    try? FileManager.default.removeItem(at: dir)
    return dir
}

func fingerprint(
    weights: [UInt8] = [1, 2, 3], taps: [String] = ["logits"], precision: StoredPrecision = .fp32,
    topK: Int? = nil
) -> TeacherFingerprint {
    TeacherFingerprint(
        arch: "mlp", options: ["hidden": "64"], weights: weights, taps: taps,
        encoding: PayloadEncoding(precision: precision, topK: topK))
}

func key(_ fp: TeacherFingerprint, sample: Int, view: Int = 0) -> StoreKey {
    StoreKey(fingerprint: fp, sample: Array("fashion/0/\(sample)".utf8), view: [UInt8(view)])
}

/// Logit-like values: a few large, most small, with fine-grained mantissas.
func logits(_ n: Int, classes: Int = 10, seed: Int = 0) -> Tensor {
    Tensor(
        shape: [n, classes],
        scalars: (0..<(n * classes)).map { i in
            let x = Float((i &* 2654435761 &+ seed &* 97) % 10007) / 10007
            return (x * 2 - 1) * 4 + (i % classes == (i / classes) % classes ? 6 : 0)
        })
}

/// The segment files of a store directory.
func segments(_ dir: URL) -> [URL] {
    ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).filter { $0.hasSuffix(".kdcs") }.sorted()
        .map { dir.appendingPathComponent($0) }
}

/// Where each record of a segment's bytes starts (its "KDC2" magic).
func recordStarts(_ data: Data) -> [Int] {
    let magic = Array("KDC2".utf8), bytes = [UInt8](data)
    return (0..<max(0, bytes.count - 3)).filter { Array(bytes[$0..<($0 + 4)]) == magic }
}
