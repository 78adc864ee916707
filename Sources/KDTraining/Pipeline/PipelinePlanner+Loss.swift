import Foundation
import KDLoss
import KDPipeline

extension PipelinePlanner {
    /// The loss function of a `loss:` term, its declared options read from the file (validation
    /// has filled their defaults). OverHaul's `margin: bn` reads the teacher's batch-norm, which
    /// only a pipeline names.
    static func lossFunction(_ term: LossTermSpec, spec: PipelineSpec) throws -> any LossFunction {
        guard let kind = LossCatalog.kind(named: term.kind.value) else {
            throw TrainingError.plan(term.kind.location, "loss.\(term.name): unknown kind '\(term.kind.value)'")
        }
        if kind.name == "overhaul", term.node["margin"]?.string == OverhaulMargin.Source.bn.rawValue {
            return try overhaulBatchNormLoss(term, spec: spec)
        }
        var options = LossOptions()
        for option in kind.options {
            guard let value = term.node[option.name] else { continue }
            if let flag = value.bool {
                options.values[option.name] = .flag(flag)
            } else if let number = value.double {
                options.values[option.name] = .number(number)
            } else if let text = value.string {
                options.values[option.name] = .text(text)
            } else if let list = value.list {
                options.values[option.name] = .numbers(list.compactMap(\.double))
            }
        }
        do { return try kind.make(options) } catch {
            throw TrainingError.plan(term.kind.location, "loss.\(term.name): \(error)")
        }
    }

    /// OverHaul with margins from the frozen teacher's BN (resolved from the loaded teacher when
    /// training starts, so planning works before the teacher is trained).
    static func overhaulBatchNormLoss(_ term: LossTermSpec, spec: PipelineSpec) throws -> any LossFunction {
        guard let input = term.inputs.first(where: { $0.field == "teacher" })?.reference,
            case .forward(let forward)? = spec.stage(named: input.value.node)?.kind,
            let model = spec.model(named: forward.model.value), model.weights != nil
        else {
            throw TrainingError.plan(
                term.kind.location, "loss.\(term.name): margin: bn needs a teacher tap of a model with weights")
        }
        let tap = input.value.output ?? "logits"
        guard let prefix = term.node["bn"]?.string ?? batchNormPrefix(arch: model.arch.value, tap: tap) else {
            throw TrainingError.plan(
                input.location,
                "loss.\(term.name): no BN known before \(model.arch.value)'s '\(tap)'; name it with bn: <prefix>")
        }
        return OverhaulLoss(margin: .teacherBatchNorm(TeacherBatchNorm(model: model.name, prefix: prefix)))
    }

    /// The BN whose output a CIFAR ResNet's `layerN.preact` sums with the shortcut: the stage's
    /// last block's bn2 (as overhaul-distillation takes it).
    static func batchNormPrefix(arch: String, tap: String) -> String? {
        let depths = [
            "resnet8": 8, "resnet14": 14, "resnet20": 20, "resnet32": 32, "resnet44": 44, "resnet56": 56,
            "resnet110": 110, "resnet8x4": 8, "resnet32x4": 32,
        ]
        guard let depth = depths[arch], tap.hasPrefix("layer"), tap.hasSuffix(".preact") else { return nil }
        return "\(tap.dropLast(".preact".count)).\((depth - 2) / 6 - 1).bn2"
    }
}
