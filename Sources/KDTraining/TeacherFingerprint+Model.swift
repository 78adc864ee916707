import KDCache
import KDNN
import KDTensor

extension TeacherFingerprint {
    /// The fingerprint of a frozen model: its architecture options and full state (parameters and
    /// buffers, serialised as safetensors in name order), the stored taps and the encoding.
    init(model: Classifier, plan: TrainingPlan.ModelPlan, taps: [String], encoding: PayloadEncoding) {
        var state = Safetensors()
        Checkpoint.stateDict(of: model, into: &state)
        let options = ["in_channels": "\(plan.inChannels)", "classes": "\(plan.classes)", "image_size": "\(plan.imageSize)",
                       "hidden": plan.hidden.map(String.init).joined(separator: ",")]
        self.init(arch: plan.arch, options: options, weights: [UInt8](state.serialized()), taps: taps, encoding: encoding)
    }
}
