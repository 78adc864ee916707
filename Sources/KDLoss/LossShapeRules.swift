import KDTensor

/// The check of each kind's declared `LossShapeRule`, for every boundary that hands a kind
/// tensors (pipeline validation on the models' tap shapes, `kdflow loss` on arrays). Kernels past
/// it index by these shapes without checking.
public enum LossShapeRules {
    /// One input as the boundary knows it: the role it fills, where it came from, its shape.
    public struct Input {
        public var role: String, name: String, shape: Shape
        public init(role: String, name: String, shape: Shape) {
            self.role = role
            self.name = name
            self.shape = shape
        }
    }

    /// The first input kind `name` cannot take and why, or nil when the shapes fit (or the kind is unknown).
    public static func problem(kind name: String, _ inputs: [Input]) -> (input: Input, message: String)? {
        guard let rule = LossCatalog.kind(named: name)?.shapes else { return nil }
        if let bad = inputs.first(where: { $0.shape.rank == 0 || $0.shape[0] == 0 }) {
            return (bad, "\(name) needs a batch of rows [N, …] with N ≥ 1; \(bad.name) is \(bad.shape)")
        }
        let pair = inputs.count == 2 ? (inputs[0], inputs[1]) : nil
        switch rule {
        case .logits:
            if let bad = inputs.first(where: { $0.shape.rank != 2 || $0.shape[1] == 0 }) {
                return (bad, "\(name) needs logits [N, classes]; \(bad.name) is \(bad.shape)")
            }
            if let b = inputs.dropFirst().first(where: { $0.shape != inputs[0].shape }) {
                return (
                    inputs[0],
                    "\(name) compares \(inputs[0].name) \(inputs[0].shape) with \(b.name) \(b.shape): shapes differ"
                )
            }
        case .sameShape:
            if let (a, b) = pair, a.shape != b.shape {
                return (
                    a,
                    "\(name) compares \(a.name) \(a.shape) with \(b.name) \(b.shape) elementwise: shapes differ (add a connector)"
                )
            }
        case .spatialMaps:
            if let (a, b) = pair,
                a.shape.rank != 4 || b.shape.rank != 4 || a.shape[0] != b.shape[0]
                    || a.shape[2] != b.shape[2] || a.shape[3] != b.shape[3]
            {
                return (
                    a,
                    "\(name) needs NCHW features of equal batch, height and width; \(a.name) is \(a.shape), \(b.name) is \(b.shape)"
                )
            }
        case .squareMaps:
            if let (a, b) = pair,
                a.shape.rank != 4 || b.shape.rank != 4 || a.shape[0] != b.shape[0]
                    || a.shape[2] != a.shape[3] || b.shape[2] != b.shape[3]
            {
                return (
                    a, "\(name) needs square NCHW maps of equal batch; \(a.name) is \(a.shape), \(b.name) is \(b.shape)"
                )
            }
        case .sameMaps:
            if let (a, b) = pair, (a.shape.rank != 4 && a.shape.rank != 2) || a.shape != b.shape {
                return (
                    a,
                    "\(name) needs NCHW maps (or [N, C] features) of one shape; \(a.name) is \(a.shape), \(b.name) is \(b.shape) (add a connector)"
                )
            }
        case .sameRows:
            if let (a, b) = pair, a.shape[0] != b.shape[0] {
                return (
                    a,
                    "\(name) relates the rows of two batches; \(a.name) is \(a.shape), \(b.name) is \(b.shape): row counts differ"
                )
            }
        case .stagePairs:
            return stagePairsProblem(name, inputs)
        case .predictedVariance:
            let byRole = Dictionary(inputs.map { ($0.role, $0) }, uniquingKeysWith: { first, _ in first })
            guard let s = byRole["student"], let t = byRole["teacher"] else { return nil }
            if s.shape != t.shape || (s.shape.rank != 2 && s.shape.rank != 4) {
                return (
                    s,
                    "\(name) needs mean and teacher of one shape, [N, C] or NCHW; \(s.name) is \(s.shape), \(t.name) is \(t.shape)"
                )
            }
            if let v = byRole["variance"], v.shape != Shape([s.shape[1]]) {
                return (v, "\(name) needs one variance per channel, [\(s.shape[1])]; \(v.name) is \(v.shape)")
            }
        case .contrastScores:
            return contrastScoresProblem(name, inputs)
        }
        return nil
    }

    /// `.contrastScores`: both sides' scores [N, K + 1] of one shape with K ≥ 1, the noise one number.
    private static func contrastScoresProblem(_ name: String, _ inputs: [Input]) -> (input: Input, message: String)? {
        let byRole = Dictionary(inputs.map { ($0.role, $0) }, uniquingKeysWith: { first, _ in first })
        if let s = byRole["student"], let t = byRole["teacher"],
            s.shape.rank != 2 || s.shape[1] < 2 || s.shape != t.shape
        {
            return (
                s,
                "\(name) needs both sides' scores [N, K + 1] of one shape, K ≥ 1; \(s.name) is \(s.shape), \(t.name) is \(t.shape)"
            )
        }
        if let noise = byRole["noise"], noise.shape != Shape([1]) {
            return (noise, "\(name) needs the noise probability as [1]; \(noise.name) is \(noise.shape)")
        }
        return nil
    }

    /// `.stagePairs`: square NCHW maps of one batch, the teacher's channels at each stage equal to
    /// the student's (the FSP matrices must have one shape).
    private static func stagePairsProblem(_ name: String, _ inputs: [Input]) -> (input: Input, message: String)? {
        if let bad = inputs.first(where: {
            $0.shape.rank != 4 || $0.shape[2] != $0.shape[3] || $0.shape[0] != inputs[0].shape[0]
        }) {
            return (bad, "\(name) needs square NCHW maps of one batch; \(bad.name) is \(bad.shape)")
        }
        let byRole = Dictionary(inputs.map { ($0.role, $0) }, uniquingKeysWith: { first, _ in first })
        for (student, teacher) in [("student", "teacher"), ("student_top", "teacher_top")] {
            guard let s = byRole[student], let t = byRole[teacher] else { continue }
            if s.shape[1] != t.shape[1] {
                return (
                    t,
                    "\(name) needs as many channels at each stage: \(s.name) has \(s.shape[1]), \(t.name) has \(t.shape[1])"
                )
            }
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
