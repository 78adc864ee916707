import KDCache

/// The stores of a plan as the trainer opens them, for tools that work on stores directly.
public enum TrainingStores {
    /// The fingerprint the trainer keys `store`'s records with (builds the teacher and loads its weights).
    public static func fingerprint(plan: TrainingPlan, store: StorePlan) throws -> TeacherFingerprint {
        let models = try ModelSet(plan: plan)
        guard let m = models.models.first(where: { $0.name == store.model }) else {
            throw ModelSet.BuildError(message: "store of '\(store.model)': no such model")
        }
        return TeacherFingerprint(model: m.model, plan: m.plan, taps: TeacherForward.storedTaps(m.plan),
                                  encoding: store.options.encoding)
    }
}
