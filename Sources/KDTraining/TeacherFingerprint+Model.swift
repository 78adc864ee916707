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
        var options = ["in_channels": "\(plan.inChannels)", "classes": "\(plan.classes)", "image_size": "\(plan.imageSize)",
                       "hidden": plan.hidden.map(String.init).joined(separator: ",")]
        if InferencePlan.supports(model) { options["path"] = "inference-v1" }
        self.init(arch: plan.arch, options: options, weights: [UInt8](state.serialized()), taps: taps, encoding: encoding)
    }
}
