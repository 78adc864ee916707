import KDCache

/// The stores of a plan as the trainer opens them, for tools that work on stores directly.
public enum TrainingStores {
    /// The fingerprint the trainer keys each stored stage's records with, by stage name (builds the
    /// models and loads their weights once).
    public static func fingerprints(plan: TrainingPlan) throws -> [String: TeacherFingerprint] {
        let models = try ModelSet(plan: plan)
        var out: [String: TeacherFingerprint] = [:]
        for forward in plan.forwards {
            guard let store = forward.store, let m = models.models.first(where: { $0.name == forward.model }) else { continue }
            out[forward.name] = TeacherFingerprint(model: m.model, plan: m.plan, taps: forward.taps, encoding: store.options.encoding)
        }
        return out
    }
}
