import KDPipeline

extension PipelineKinds {
    /// The loss kinds with their options (KDLoss' `LossCatalog` builds them; PipelinePlanner maps them).
    static func registerLossKinds(_ r: inout SchemaRegistry) {
        let f = SchemaRegistry.Family.self
        // Every kind's weight may ramp up linearly (DKD's warm-up; harmless elsewhere).
        let warmup = Field("warmup_epochs", .number(.atLeast(0)), .defaultValue(.float(0)), doc: "epochs over which the weight grows linearly from 0")
        let student = Field("student", .reference, .required), teacher = Field("teacher", .reference, .required)
        let pair = [student, teacher, warmup]
        let temperature = { (value: Double) in Field("temperature", .number(.above(0)), .defaultValue(.float(value)), doc: "softening temperature T (> 0)") }
        let activation = Field("activation", .enumeration(["none", "softmax", "sigmoid"]), .defaultValue(.string("none")),
                               doc: "applied to both inputs first")

        r.register("cross_entropy", in: f.loss, fields: [
            Field("input", .reference, .required, doc: "logits"),
            Field("target", .reference, .optional, doc: "labels (the batch's own)"),
            Field("label_smoothing", .number(.unitHalfOpen), .defaultValue(.float(0))), warmup,
        ], doc: "hard-label cross-entropy")
        r.register("kd", in: f.loss, fields: pair + [temperature(4)], doc: "Hinton KD: KL(softmax(t/T) ‖ softmax(s/T)) · T²")
        r.register("soft_ce", in: f.loss, fields: pair + [
            temperature(1),
            Field("divergence", .enumeration(["cross_entropy", "dml"]), .defaultValue(.string("cross_entropy")),
                  doc: "cross_entropy: −Σ softmax(t/T)·log softmax(s/T); dml: PaddleClas' SSLD recipe (symmetric KL, teacher frozen)"),
        ], doc: "SSLD: the teacher's soft targets, no labels (unlabeled shards)")
        r.register("dml", in: f.loss, fields: pair + [
            Field("activation", .enumeration(["none", "softmax", "sigmoid"]), .defaultValue(.string("softmax"))),
            Field("eps", .number(.atLeast(0)), .defaultValue(.float(1e-12))),
        ], doc: "deep mutual learning: (KL(p‖q) + KL(q‖p)) / 2 between two trainable peers (student, teacher)")
        r.register("distance", in: f.loss, fields: pair + [
            Field("mode", .enumeration(["l1", "l2", "smooth_l1"]), .defaultValue(.string("l2"))), activation,
            Field("beta", .number(.above(0)), .defaultValue(.float(1)), doc: "smooth-L1 threshold"),
        ], doc: "mean l1 / l2 / smooth-L1 distance (FitNets hints, UDML features); both sides train when both are trainable")
        r.register("overhaul", in: f.loss, fields: pair + [
            Field("margin", .enumeration(["batch", "bn", "values"]), .defaultValue(.string("batch")),
                  doc: "batch: μ/σ of the teacher tap per batch; bn: the teacher BN's β/|γ|; values: margin_values"),
            Field("bn", .string, .optional, doc: "the teacher BN's parameter prefix (default: derived from the tap for resnets)"),
            Field("margin_values", .list(.number(.finite)), .optional, doc: "one margin per channel (margin: values)"),
        ], doc: "OverHaul: partial L2 to max(teacher, margin) on pre-ReLU features, / batch")
        r.register("rkd_distance", in: f.loss, fields: pair + [
            Field("normalization", .enumeration(["positive_pairs", "all_pairs"]), .defaultValue(.string("positive_pairs")),
                  doc: "mean over distinct pairs (Park et al.) or over all N² pairs + eps (PaddleClas)"),
            Field("eps", .number(.atLeast(0)), .defaultValue(.float(1e-12))),
        ], doc: "RKD distance-wise: smooth-L1 between normalised pairwise distances")
        r.register("rkd_angle", in: f.loss, fields: pair, doc: "RKD angle-wise: smooth-L1 between triplet angle cosines")
        r.register("dkd", in: f.loss, fields: pair + [
            Field("target", .reference, .optional, doc: "labels (the batch's own)"),
            Field("alpha", .number(.atLeast(0)), .defaultValue(.float(1)), doc: "target-class (TCKD) weight"),
            Field("beta", .number(.atLeast(0)), .defaultValue(.float(8)), doc: "non-target-class (NCKD) weight"), temperature(4),
        ], doc: "decoupled KD: α·TCKD + β·NCKD; warm up with warmup_epochs")
        r.register("at", in: f.loss, fields: pair + [Field("p", .number(.above(0)), .defaultValue(.float(2)))],
                   doc: "attention transfer: mean squared difference of normalised spatial maps of f^p (NCHW, equal H×W)")
        r.register("pkt", in: f.loss, fields: pair + [Field("eps", .number(.above(0)), .defaultValue(.float(1e-7)))],
                   doc: "probabilistic knowledge transfer: KL between cosine-similarity distributions")
    }
}
