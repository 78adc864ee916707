import KDAutodiff
import KDData
import KDNN
import KDTensor

/// The teacher stage: frozen models in evaluation mode, no tape; emits their requested taps as
/// constants named `model.tap`.
struct TeacherForward {
    let teachers: [(name: String, model: Classifier, taps: [String])]

    init(models: ModelSet) {
        teachers = models.models.filter(\.plan.frozen).map { ($0.name, $0.model, Array(Set($0.plan.taps + ["logits"])).sorted()) }
    }

    var isEmpty: Bool { teachers.isEmpty }

    func callAsFunction(_ batch: Batch) -> [String: Tensor] {
        var out: [String: Tensor] = [:]
        let x = Variable(constant: batch.images)
        for t in teachers {
            let taps = t.model.run(x, ForwardContext(tape: nil, training: false))
            for name in t.taps { out["\(t.name).\(name)"] = taps[name]?.value }
        }
        return out
    }
}
