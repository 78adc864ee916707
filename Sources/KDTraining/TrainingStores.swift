import KDCache

/// The stores of a plan as the trainer opens them, for tools that work on stores directly.
public enum TrainingStores {
    /// The fingerprint the trainer keys the records of `forward`'s store with (builds the teacher and loads its weights).
    public static func fingerprint(plan: TrainingPlan, forward: TrainingPlan.ForwardPlan) throws -> TeacherFingerprint {
        let models = try ModelSet(plan: plan)
        guard let m = models.models.first(where: { $0.name == forward.model }), let store = forward.store else {
            throw ModelSet.BuildError(message: "stage '\(forward.name)': no stored model '\(forward.model)'")
        }
        return TeacherFingerprint(model: m.model, plan: m.plan, taps: forward.taps, encoding: store.options.encoding)
    }
}
