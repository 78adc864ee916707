import KDCache
import KDNN
import KDTensor

extension TeacherFingerprint {
    /// The fingerprint of a frozen model: its architecture options, the forward that computes
    /// its outputs (`path`: the planned one rounds differently from the eval-mode `run`), its full
    /// state (parameters and buffers, serialised as safetensors in name order), the stored taps
    /// and the encoding.
    init(model: Classifier, plan: TrainingPlan.ModelPlan, taps: [String], encoding: PayloadEncoding) {
        var state = Safetensors()
        Checkpoint.stateDict(of: model, into: &state)
        var options = [
            "in_channels": "\(plan.inChannels)", "classes": "\(plan.classes)", "image_size": "\(plan.imageSize)",
            "hidden": plan.hidden.map(String.init).joined(separator: ","),
        ]
        if InferencePlan.supports(model) { options["path"] = "inference-v1" }
        self.init(
            arch: plan.arch, options: options, weights: [UInt8](state.serialized()), taps: taps, encoding: encoding)
    }
}

extension TrainingPlan {
    /// The fingerprint the trainer keys each stored stage's records with, by stage name (builds the
    /// models and loads their weights once), for tools that work on stores directly.
    public func storeFingerprints() throws -> [String: TeacherFingerprint] {
        let models = try ModelSet(plan: self)
        var out: [String: TeacherFingerprint] = [:]
        for forward in forwards {
            guard let store = forward.store, let m = models.models.first(where: { $0.name == forward.model }) else {
                continue
            }
            out[forward.name] = TeacherFingerprint(
                model: m.model, plan: m.plan, taps: forward.taps, encoding: store.options.encoding)
        }
        return out
    }
}
