import Foundation
import KDAutodiff
import KDNN
import KDTensor

/// The run's models and connectors, built from the plan, with weights loaded and teachers frozen.
public final class ModelSet {
    /// A built model under its plan's name.
    public struct NamedModel {
        public let name: String
        public let model: Classifier
        public let plan: TrainingPlan.ModelPlan
    }

    /// A built connector under its plan's name.
    public struct NamedConnector {
        public let name: String
        public let connector: FeatureConnector
        public let plan: TrainingPlan.ConnectorPlan
    }

    /// Models in plan order.
    public let models: [NamedModel]
    /// Connectors in plan order (none when built without the training data's size).
    public let connectors: [NamedConnector]

    /// The plan's models, and its connectors when `trainingLabels` (each training sample's label by
    /// position, negative where unlabelled: what per-sample state such as crd's banks and negatives
    /// is built from) is given; tools that only run frozen teachers leave it out.
    public init(plan: TrainingPlan, trainingLabels: [Int]? = nil) throws {
        var models: [NamedModel] = []
        for (i, m) in plan.models.enumerated() {
            let model = try m.network(seed: plan.seed &+ UInt64(i) &* 0x9E37_79B9)
            if let weights = m.weights {
                guard FileManager.default.fileExists(atPath: weights.path) else {
                    throw TrainingError.setup(
                        "model '\(m.name)': weights \(weights.relativePath) do not exist (train them first, or name the pipeline that does in `trained_by:`)"
                    )
                }
                do {
                    try Checkpoint.load(model, from: weights)
                } catch {
                    throw TrainingError.setup("model '\(m.name)': cannot load weights: \(error)")
                }
            }
            model.setRequiresGrad(!m.frozen)
            models.append(NamedModel(name: m.name, model: model, plan: m))
        }
        self.models = models
        var connectors: [NamedConnector] = []
        var connectorShapes: [String: Shape] = [:]
        let ini = ParameterInitializer(seed: plan.seed &+ 0xC0_11EC_7052)
        for c in trainingLabels == nil ? [] : plan.connectors {
            guard let kind = ConnectorCatalog.kind(named: c.kind) else {
                throw TrainingError.setup("connector '\(c.name)': unknown kind '\(c.kind)'")
            }
            let shapes = try c.inputs.mapValues { value in
                try connectorShapes[value] ?? Self.valueShape(value, plan: plan, models: models)
            }
            let outputs = kind.outputShapes(shapes, options: c.options, trainingSamples: trainingLabels?.count)
            if let problem = outputs.problem {
                let read = shapes.sorted { $0.key < $1.key }.map { "\($0.key) \(c.inputs[$0.key]!) \($0.value)" }
                throw TrainingError.setup(
                    "connector '\(c.name)' (\(c.kind)) reads \(read.joined(separator: ", ")): \(problem.message)")
            }
            for (output, shape) in outputs.outputs { connectorShapes["\(c.name).\(output)"] = shape }
            connectors.append(
                NamedConnector(
                    name: c.name,
                    connector: kind.make(shapes, options: c.options, trainingLabels: trainingLabels!, init: ini),
                    plan: c))
        }
        self.connectors = connectors
    }

    /// The model named `name`.
    public func model(_ name: String) -> Classifier? { models.first { $0.name == name }?.model }

    /// The shape for one sample of a forward's tap or an ensemble's logits (`stage.output`), from a
    /// forward pass of zeros in evaluation mode.
    static func valueShape(_ value: String, plan: TrainingPlan, models: [NamedModel]) throws -> Shape {
        let parts = value.split(separator: ".", maxSplits: 1).map(String.init)
        let forward =
            plan.forwards.first { $0.name == parts[0] }
            ?? plan.ensembles.first { $0.name == parts[0] }.flatMap { e in
                plan.forwards.first { $0.name == TrainingPlan.stageName(of: e.members[0]) }
            }
        guard parts.count == 2, let forward, let named = models.first(where: { $0.name == forward.model }) else {
            throw TrainingError.setup("'\(value)' names no model tap")
        }
        let tap = plan.forwards.contains { $0.name == parts[0] } ? parts[1] : "logits"
        guard named.model.tapNames.contains(tap) else {
            throw TrainingError.setup(
                "model '\(named.name)' (\(named.plan.arch)) has no tap '\(tap)'; taps: \(named.model.tapNames.joined(separator: ", "))"
            )
        }
        let x = Variable(
            constant: Tensor.zeros([1, named.plan.inChannels, named.plan.imageSize, named.plan.imageSize]))
        return named.model.run(x, ForwardContext(tape: nil, training: false))[tap]!.shape
    }

    /// The named parameters of the listed models and connectors, prefixed by their names.
    public func parameters(of names: [String]) throws -> [(String, Parameter)] {
        try names.flatMap { name -> [(String, Parameter)] in
            if let m = models.first(where: { $0.name == name }) { return m.model.namedParameters(prefix: name + ".") }
            if let c = connectors.first(where: { $0.name == name }) {
                return c.connector.namedParameters(prefix: name + ".")
            }
            throw TrainingError.setup("optimiser parameters: no model or connector named '\(name)'")
        }
    }

    /// Every model's and connector's state under its name, for checkpoints.
    public func stateDict() -> Safetensors {
        var file = Safetensors()
        for m in models { Checkpoint.stateDict(of: m.model, prefix: m.name + ".", into: &file) }
        for c in connectors { Checkpoint.stateDict(of: c.connector, prefix: c.name + ".", into: &file) }
        return file
    }

    /// Restores every model and connector from a checkpoint written by `stateDict()`.
    public func load(_ file: Safetensors) throws {
        for m in models { try Checkpoint.load(m.model, from: file, prefix: m.name + ".") }
        for c in connectors { try Checkpoint.load(c.connector, from: file, prefix: c.name + ".") }
    }
}
