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
        public let connector: Connector
        public let plan: TrainingPlan.ConnectorPlan
    }

    /// Models in plan order.
    public let models: [NamedModel]
    /// Connectors in plan order.
    public let connectors: [NamedConnector]

    public init(plan: TrainingPlan) throws {
        var models: [NamedModel] = []
        for (i, m) in plan.models.enumerated() {
            let model = try ModelZoo.make(
                m.arch, inChannels: m.inChannels, classes: m.classes, imageSize: m.imageSize,
                hidden: m.hidden, seed: plan.seed &+ UInt64(i) &* 0x9E37_79B9)
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
        let ini = ParameterInitializer(seed: plan.seed &+ 0xC0_11EC_7052)
        for c in plan.connectors {
            let from = try Self.tapShape(c.from, in: models)
            let to = try Self.tapShape(c.to, in: models)
            guard Connector.maps(from, to: to) else {
                throw TrainingError.setup(
                    "connector '\(c.name)': \(c.from) \(from) cannot map to \(c.to) \(to) (needs NCHW taps of equal spatial size, or [N, C] features)"
                )
            }
            connectors.append(NamedConnector(name: c.name, connector: Connector(from[1], to[1], init: ini), plan: c))
        }
        self.connectors = connectors
    }

    /// The model named `name`.
    public func model(_ name: String) -> Classifier? { models.first { $0.name == name }?.model }

    /// The shape of `model.tap` for one sample, from a forward pass of zeros in evaluation mode.
    static func tapShape(_ reference: String, in models: [NamedModel]) throws -> Shape {
        let parts = reference.split(separator: ".", maxSplits: 1).map(String.init)
        guard parts.count == 2, let named = models.first(where: { $0.name == parts[0] }) else {
            throw TrainingError.setup("'\(reference)' names no model tap")
        }
        guard named.model.tapNames.contains(parts[1]) else {
            throw TrainingError.setup(
                "model '\(parts[0])' (\(named.plan.arch)) has no tap '\(parts[1])'; taps: \(named.model.tapNames.joined(separator: ", "))"
            )
        }
        let x = Variable(
            constant: Tensor.zeros([1, named.plan.inChannels, named.plan.imageSize, named.plan.imageSize]))
        return named.model.run(x, ForwardContext(tape: nil, training: false))[parts[1]]!.shape
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
