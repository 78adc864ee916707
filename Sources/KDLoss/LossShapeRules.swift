import KDTensor

/// The shapes each loss kind accepts: one rule set for every boundary that hands a kind tensors
/// (pipeline validation on the models' tap shapes, `kdflow loss` on arrays). Kernels past it
/// index by these shapes without checking.
public enum LossShapeRules {
    /// One input as the boundary knows it: the role it fills, where it came from, its shape.
    public struct Input {
        public var role: String, name: String, shape: Shape
        public init(role: String, name: String, shape: Shape) { self.role = role; self.name = name; self.shape = shape }
    }

    /// The first input `kind` cannot take and why, or nil when the shapes fit.
    public static func problem(kind: String, _ inputs: [Input]) -> (input: Input, message: String)? {
        if let bad = inputs.first(where: { $0.shape.rank == 0 || $0.shape[0] == 0 }) {
            return (bad, "\(kind) needs a batch of rows [N, …] with N ≥ 1; \(bad.name) is \(bad.shape)")
        }
        let pair = inputs.count == 2 ? (inputs[0], inputs[1]) : nil
        switch kind {
        case "cross_entropy", "kd", "soft_ce", "dml", "dkd":
            if let bad = inputs.first(where: { $0.shape.rank != 2 || $0.shape[1] == 0 }) {
                return (bad, "\(kind) needs logits [N, classes]; \(bad.name) is \(bad.shape)")
            }
            if let (a, b) = pair, a.shape != b.shape {
                return (a, "\(kind) compares \(a.name) \(a.shape) with \(b.name) \(b.shape): shapes differ")
            }
        case "distance", "overhaul":
            if let (a, b) = pair, a.shape != b.shape {
                return (a, "\(kind) compares \(a.name) \(a.shape) with \(b.name) \(b.shape) elementwise: shapes differ (add a connector)")
            }
        case "at":
            if let (a, b) = pair, a.shape.rank != 4 || b.shape.rank != 4 || a.shape[0] != b.shape[0]
                || a.shape[2] != b.shape[2] || a.shape[3] != b.shape[3] {
                return (a, "at needs NCHW features of equal batch, height and width; \(a.name) is \(a.shape), \(b.name) is \(b.shape)")
            }
        case "rkd_distance", "rkd_angle", "pkt":
            if let (a, b) = pair, a.shape[0] != b.shape[0] {
                return (a, "\(kind) relates the rows of two batches; \(a.name) is \(a.shape), \(b.name) is \(b.shape): row counts differ")
            }
        default:
            break
        }
        return nil
    }

    /// What is wrong with `labels` for logits of `shape`, or nil: one per row, each a class index
    /// (or `ignored`, which cross_entropy skips).
    public static func labelProblem(_ labels: [Int], logits shape: Shape, ignored: Int? = nil) -> String? {
        guard shape.rank == 2 else { return nil }
        if labels.count != shape[0] { return "\(labels.count) labels for \(shape[0]) rows" }
        if let i = labels.firstIndex(where: { !(0..<shape[1]).contains($0) && $0 != ignored }) {
            return "label \(labels[i]) (row \(i)) is not one of the \(shape[1]) classes"
        }
        return nil
    }
}
