import KDCache
import KDNN

/// The ranks' trainable weights are no longer identical (a rank skipped or repeated a step, or
/// started from other weights).
public struct WeightsDiverged: Error, CustomStringConvertible {
    public let step: Int
    /// Each rank's weight fingerprint, indexed by rank.
    public let fingerprints: [UInt64]
    public var description: String {
        let ranks = fingerprints.enumerated().map { "rank \($0.offset) \(String($0.element, radix: 16))" }.joined(separator: ", ")
        return "weights differ across ranks at step \(step): \(ranks)"
    }
}

extension Collective {
    /// Throws `WeightsDiverged` unless every rank holds the same bytes in `parameters` after `step` steps.
    func checkIdentical(_ parameters: [(String, Parameter)], step: Int) throws {
        var hash = SHA256()
        for (name, p) in parameters {
            hash.update(Array(name.utf8))
            p.value.withUnsafeBufferPointer { hash.update(UnsafeRawBufferPointer($0)) }
        }
        let fingerprint = hash.finalize().prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let all = try gather(fingerprint)
        guard all.allSatisfy({ $0 == all[0] }) else { throw WeightsDiverged(step: step, fingerprints: all) }
    }
}
