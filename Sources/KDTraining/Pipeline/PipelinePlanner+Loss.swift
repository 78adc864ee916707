import Foundation
import KDLoss
import KDPipeline

extension PipelinePlanner {
    /// The loss function of a `loss:` term, its options read from the file.
    static func lossFunction(_ term: LossTermSpec, spec: PipelineSpec) throws -> any LossFunction {
        let kind = term.kind.value
        if kind == "overhaul" { return try overhaulLoss(term, spec: spec) }
        var options = LossOptions()
        for key in LossCatalog.options[kind] ?? [] {
            guard let value = term.node[key] else { continue }
            if let text = value.string { options.values[key] = .text(text) }
            else if let number = value.double { options.values[key] = .number(number) }
        }
        do { return try LossCatalog.make(kind, options) } catch {
            throw PlanError(location: term.kind.location, message: "loss.\(term.name): \(error)")
        }
    }

    /// OverHaul with its margin source; `bn` margins come from the frozen teacher's weights file
    /// (read when training starts, so planning works before the teacher is trained).
    static func overhaulLoss(_ term: LossTermSpec, spec: PipelineSpec) throws -> any LossFunction {
        switch term.node["margin"]?.string ?? "batch" {
        case "values":
            guard let values = term.node["margin_values"]?.list?.compactMap(\.double), !values.isEmpty else {
                throw PlanError(location: term.kind.location, message: "loss.\(term.name): margin: values needs margin_values")
            }
            return OverhaulLoss(margin: .values(values.map { Float($0) }))
        case "bn":
            guard let input = term.inputs.first(where: { $0.field == "teacher" })?.reference,
                  case .forward(let forward)? = spec.stage(named: input.value.node)?.kind,
                  let model = spec.model(named: forward.model.value), let weights = model.weights?.value else {
                throw PlanError(location: term.kind.location, message: "loss.\(term.name): margin: bn needs a teacher tap of a model with weights")
            }
            let tap = input.value.output ?? "logits"
            guard let prefix = term.node["bn"]?.string ?? batchNormPrefix(arch: model.arch.value, tap: tap) else {
                throw PlanError(location: input.location, message: "loss.\(term.name): no BN known before \(model.arch.value)'s '\(tap)'; name it with bn: <prefix>")
            }
            return OverhaulLoss(margin: .teacherBatchNorm(TeacherBatchNorm(weights: URL(fileURLWithPath: weights), prefix: prefix)))
        default:
            return OverhaulLoss(margin: .batchStatistics)
        }
    }

    /// The BN whose output a CIFAR ResNet's `layerN.preact` sums with the shortcut: the stage's
    /// last block's bn2 (as overhaul-distillation takes it).
    static func batchNormPrefix(arch: String, tap: String) -> String? {
        let depths = ["resnet8": 8, "resnet14": 14, "resnet20": 20, "resnet32": 32, "resnet44": 44, "resnet56": 56,
                      "resnet110": 110, "resnet8x4": 8, "resnet32x4": 32]
        guard let depth = depths[arch], tap.hasPrefix("layer"), tap.hasSuffix(".preact") else { return nil }
        return "\(tap.dropLast(".preact".count)).\((depth - 2) / 6 - 1).bn2"
    }
}
