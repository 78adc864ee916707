import KDCache
import KDNN

extension Collective {
    /// Throws `TrainingError.weightsDiverged` unless every rank holds the same bytes in `parameters` after `step` steps.
    func checkIdentical(_ parameters: [(String, Parameter)], step: Int) throws {
        var hash = SHA256()
        for (name, p) in parameters {
            hash.update(Array(name.utf8))
            p.value.withUnsafeBufferPointer { hash.update(UnsafeRawBufferPointer($0)) }
        }
        let fingerprint = hash.finalize().prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let all = try gather(fingerprint)
        guard all.allSatisfy({ $0 == all[0] }) else {
            throw TrainingError.weightsDiverged(step: step, fingerprints: all)
        }
    }
}
