import Foundation
import KDTensor

/// How far stored outputs are from what the live teacher computes now, for one tap: what
/// `kdflow cache audit` and `store: {audit: F}` report.
public struct OutputDrift: Sendable, Equatable {
    /// Samples compared.
    public var samples = 0
    /// The largest |stored − live| over every value.
    public var maxAbsDifference: Float = 0
    /// Samples with a value beyond the stored precision's tolerance.
    public var exceeding = 0
    /// Σ KL(softmax(live) ‖ softmax(stored)) over samples, for taps of one dimension per sample.
    var klSum = 0.0
    /// Samples whose argmax agrees (taps of one dimension per sample).
    var argmaxAgreements = 0
    /// Samples with a KL and argmax (taps of one dimension per sample).
    var distributionSamples = 0

    public init() {}

    /// Mean KL per sample, or nil for taps that are not distributions.
    public var meanKL: Double? { distributionSamples > 0 ? klSum / Double(distributionSamples) : nil }
    /// Fraction of samples whose argmax agrees, or nil for taps that are not distributions.
    public var argmaxAgreement: Double? {
        distributionSamples > 0 ? Double(argmaxAgreements) / Double(distributionSamples) : nil
    }

    /// Adds another batch's drift.
    public mutating func merge(_ other: OutputDrift) {
        samples += other.samples
        maxAbsDifference = max(maxAbsDifference, other.maxAbsDifference)
        exceeding += other.exceeding
        klSum += other.klSum
        argmaxAgreements += other.argmaxAgreements
        distributionSamples += other.distributionSamples
    }

    /// The drift as a metrics record.
    public var record: [String: Any] {
        var r: [String: Any] = ["samples": samples, "max_abs_diff": Double(maxAbsDifference), "exceeding": exceeding]
        if let meanKL { r["mean_kl"] = meanKL }
        if let argmaxAgreement { r["argmax_agreement"] = argmaxAgreement }
        return r
    }

    /// Compares `stored` with `live` (the live teacher's outputs passed through `encoding`, as a
    /// store would keep them), rows aligned. Returns each tap's drift and the rows beyond tolerance.
    public static func measure(
        stored: [String: Tensor], live: [String: Tensor],
        encoding: PayloadEncoding
    ) -> (byTap: [String: OutputDrift], exceedingRows: Set<Int>) {
        var byTap: [String: OutputDrift] = [:]
        var exceedingRows = Set<Int>()
        for (name, s) in stored {
            guard let l = live[name], l.shape == s.shape, s.rank >= 1 else {
                // A tap the live teacher no longer produces, or in another shape: every row drifted.
                let rows = s.rank >= 1 ? s.shape[0] : 0
                var drift = OutputDrift()
                (drift.samples, drift.maxAbsDifference, drift.exceeding) = (rows, .infinity, rows)
                byTap[name] = drift
                exceedingRows.formUnion(0..<rows)
                continue
            }
            let rows = s.shape[0], per = s.count / max(rows, 1)
            let relative = encoding.driftTolerance
            var drift = OutputDrift()
            drift.samples = rows
            s.withUnsafeBufferPointer { sv in
                l.withUnsafeBufferPointer { lv in
                    for r in 0..<rows {
                        var beyond = false
                        for j in (r * per)..<((r + 1) * per) {
                            let d = abs(sv[j] - lv[j])
                            // NaN compares false: a NaN on either side is drift.
                            if !(d <= relative * (max(abs(sv[j]), abs(lv[j])) + 1)) { beyond = true }
                            drift.maxAbsDifference = max(drift.maxAbsDifference, d.isNaN ? .infinity : d)
                        }
                        if beyond {
                            drift.exceeding += 1
                            exceedingRows.insert(r)
                        }
                        guard s.rank == 2, per > 1 else { continue }
                        let a = UnsafeBufferPointer(rebasing: lv[(r * per)..<((r + 1) * per)])
                        let b = UnsafeBufferPointer(rebasing: sv[(r * per)..<((r + 1) * per)])
                        drift.klSum += klDivergence(a, b)
                        drift.distributionSamples += 1
                        if argmax(a) == argmax(b) { drift.argmaxAgreements += 1 }
                    }
                }
            }
            byTap[name] = drift
        }
        return (byTap, exceedingRows)
    }

    /// KL(softmax(p) ‖ softmax(q)) of two rows of logits, in float64.
    static func klDivergence(_ p: UnsafeBufferPointer<Float>, _ q: UnsafeBufferPointer<Float>) -> Double {
        func logSoftmax(_ x: UnsafeBufferPointer<Float>) -> [Double] {
            let m = Double(x.max() ?? 0)
            let logSum = log(x.reduce(0.0) { $0 + exp(Double($1) - m) }) + m
            return x.map { Double($0) - logSum }
        }
        let lp = logSoftmax(p), lq = logSoftmax(q)
        return zip(lp, lq).reduce(0.0) { $0 + exp($1.0) * ($1.0 - $1.1) }
    }

    static func argmax(_ x: UnsafeBufferPointer<Float>) -> Int {
        x.indices.max { x[$0] < x[$1] || (x[$0] == x[$1] && $0 > $1) } ?? 0
    }
}

extension PayloadEncoding {
    /// The relative difference (to a value's magnitude plus one) that storing in this precision
    /// and recomputing may leave between two copies of one output: two units in the last place
    /// of fp16 (2⁻¹⁰) or bf16 (2⁻⁷), as a kernel's reassociation can tip a rounding; for fp32 the
    /// float32 kernels' own reassociation noise (1e-5). The "plus one" keeps values near zero and
    /// top-k log-probabilities (absolute errors) within it.
    public var driftTolerance: Float {
        switch precision {
        case .fp32: 1e-5
        case .fp16: 0x1p-10
        case .bf16: 0x1p-7
        }
    }
}
