import Foundation
import KDCache
import KDData
import KDLoss
import KDNN
import KDPipeline

/// Turns a pipeline file into a `TrainingPlan`: loads and validates it (every problem at once,
/// located), imports missing data, and maps stages, loss terms and optimisers to typed values.
public enum PipelinePlanner {
    /// The loader with kdflow's kinds and training-level checks.
    public static let loader = PipelineLoader(registry: PipelineKinds.registry, checks: [PipelineChecks.check])

    /// Loads and validates a pipeline file with `key=value` overrides.
    public static func load(file: String, overrides: [String] = []) throws(PipelineDiagnostics) -> LoadedPipeline {
        try loader.load(file: file, overrides: overrides)
    }

    /// The typed plan of a loaded pipeline (data must exist: see `prepareData`): one stage plan per
    /// stage of the file, values named `<stage>.<output>` as the file references them.
    public static func plan(_ loaded: LoadedPipeline) throws -> TrainingPlan {
        let spec = loaded.spec
        var streams: [TrainingPlan.StreamPlan] = [], forwards: [TrainingPlan.ForwardPlan] = []
        var ensembles: [TrainingPlan.EnsemblePlan] = [], connectors: [TrainingPlan.ConnectorPlan] = []
        for s in spec.stages {
            switch s.kind {
            case .augmentation(let a):
                streams.append(.init(name: s.name, ops: try a.ops.map(augmentOp), views: a.views, fresh: a.fresh))
            case .forward(let f):
                let store = try f.store.map {
                    try storePlan($0, stage: s.name, model: f.model.value, outputs: spec.outputs.dir)
                }
                forwards.append(
                    .init(
                        name: s.name, model: f.model.value, stream: f.from.value.node, taps: f.taps.map(\.value),
                        store: store))
            case .connector(let c):
                connectors.append(try connectorPlan(s, c, spec: spec))
            case .ensemble(let e):
                ensembles.append(
                    .init(
                        name: s.name, members: e.inputs.map { valueName($0.value, spec) },
                        weights: e.weights?.value.map { Float($0) },
                        over: TrainingPlan.EnsemblePlan.Combination(rawValue: e.over.rawValue) ?? .logits))
            }
        }
        guard !streams.isEmpty else {
            throw TrainingError.plan(
                SourceLocation(file: spec.file, line: 1, column: 1), "stages: no augmentation stage reads data.train")
        }
        let models = try spec.models.map { m in
            TrainingPlan.ModelPlan(
                name: m.name, arch: m.arch.value, inChannels: m.inChannels, classes: m.classes,
                imageSize: try int(m.node, "image_size"),
                hidden: m.arch.value == "mlp" ? try ints(m.node, "hidden") : TrainingPlan.ModelPlan.defaultHidden,
                width: m.arch.value == "cnn" ? try double(m.node, "width") : 1,
                weights: m.weights.map { URL(fileURLWithPath: $0.value) }, frozen: m.frozen)
        }
        let terms = try spec.loss.map { term -> LossTerm in
            let function = try lossFunction(term, spec: spec)
            var bindings: [String: String] = [:]
            for input in term.inputs where input.field != "target" {
                bindings[input.field] = valueName(input.reference.value, spec)
            }
            return LossTerm(
                name: term.name, function: function, bindings: bindings,
                weight: LossWeight(Float(term.weight), warmupEpochs: try double(term.node, "warmup_epochs")))
        }
        let optimizers = try spec.optimizers.map(optimizerPlan)
        let phases = spec.phases.map {
            TrainingPlan.Phase(
                name: $0.name, epochs: $0.epochs, loss: $0.loss.map { Set($0.map(\.value)) },
                optimizers: $0.optimizers.map { Set($0.map(\.value)) })
        }
        let trainable = spec.models.filter { !$0.frozen }.map(\.name)
        return TrainingPlan(
            name: spec.name, seed: UInt64(spec.seed), phases: phases, batchSize: spec.data.batch,
            evalBatchSize: spec.data.evalBatch, shuffle: spec.data.shuffle, dropLast: spec.data.dropLast,
            trainData: spec.data.train.map { URL(fileURLWithPath: $0.shards) },
            evalData: spec.data.eval.map { URL(fileURLWithPath: $0.shards) },
            streams: streams, forwards: forwards, ensembles: producersFirst(ensembles, name: \.name, reads: \.members),
            models: models,
            connectors: producersFirst(connectors, name: \.name, reads: { Array($0.inputs.values) }),
            loss: LossGraph(terms: terms), optimizers: optimizers,
            outputDirectory: URL(fileURLWithPath: spec.outputs.dir),
            exportModel: spec.outputs.export?.value ?? trainable.first ?? spec.models[0].name,
            checkpointEverySteps: spec.outputs.checkpointEvery, channelCapacity: spec.channelCapacity)
    }

    /// The value a reference names, `<stage>.<output>`; a whole forward or ensemble means its
    /// `logits`, a whole connector its `out`.
    static func valueName(_ reference: Reference, _ spec: PipelineSpec) -> String {
        if let output = reference.output { return "\(reference.node).\(output)" }
        if case .connector? = spec.stage(named: reference.node)?.kind { return "\(reference.node).out" }
        return "\(reference.node).logits"
    }

    /// Stages of one kind ordered so each comes after those of them it reads (validation rejected cycles).
    static func producersFirst<Stage>(_ stages: [Stage], name: (Stage) -> String, reads: (Stage) -> [String])
        -> [Stage]
    {
        var ordered: [Stage] = [], pending = stages
        while !pending.isEmpty {
            let names = Set(pending.map(name))
            let ready = pending.filter { s in !reads(s).contains { names.contains(TrainingPlan.stageName(of: $0)) } }
            ordered += ready.isEmpty ? pending : ready
            pending = ready.isEmpty ? [] : pending.filter { s in !ready.contains { name($0) == name(s) } }
        }
        return ordered
    }

    /// A `store:` entry as a plan; its directory defaults to `<outputs.dir>/store/<stage>`.
    static func storePlan(_ store: StoreSpec, stage: String, model: String, outputs: String) throws -> StorePlan {
        guard let codec = Codec(name: store.codec), let precision = StoredPrecision(name: store.precision),
            let mode = StorePlan.Mode(rawValue: store.mode), let onFull = DiskFullPolicy(rawValue: store.onFull)
        else {
            throw TrainingError.plan(store.location, "stages.\(stage).store: unknown codec, precision, mode or on_full")
        }
        let directory = URL(fileURLWithPath: store.dir ?? "\(outputs)/store/\(stage)")
        let options = StoreOptions(
            codec: codec, level: store.level, encoding: PayloadEncoding(precision: precision, topK: store.topK),
            onFull: onFull)
        return StorePlan(model: model, directory: directory, options: options, mode: mode, audit: store.audit)
    }

    static func augmentOp(_ op: AugmentationOp) throws -> AugmentOp {
        let args = op.arguments
        switch op.name.value {
        case "pad_crop": return .padCrop(size: try int(args, "size"), pad: try int(args, "pad"))
        case "hflip":
            guard let p = args.double else { throw TrainingError.plan(args.location, "hflip takes a probability") }
            return .hflip(probability: Float(p))
        case "normalize": return .normalize(mean: try floats(args, "mean"), std: try floats(args, "std"))
        case "cutout": return .cutout(size: try int(args, "size"), probability: Float(try double(args, "probability")))
        case "random_resized_crop":
            let scale = try floats(args, "scale"), ratio = try floats(args, "ratio")
            guard scale.count == 2, ratio.count == 2, scale[0] <= scale[1], ratio[0] <= ratio[1] else {
                throw TrainingError.plan(op.name.location, "random_resized_crop: scale and ratio take [low, high]")
            }
            return .randomResizedCrop(
                size: try int(args, "size"), scale: scale[0]...scale[1], ratio: ratio[0]...ratio[1])
        default: throw TrainingError.plan(op.name.location, "augmentation '\(op.name.value)' is not implemented")
        }
    }

    static func optimizerPlan(_ o: OptimizerSpec) throws -> TrainingPlan.OptimizerPlan {
        guard let kind = TrainingPlan.OptimizerPlan.Kind(rawValue: o.kind.value) else {
            throw TrainingError.plan(o.kind.location, "optimiser '\(o.kind.value)' is not implemented")
        }
        var decay = LearningRateSchedule.Decay.constant
        var warmup = 0.0  // no schedule: a constant rate from the first step
        if let (name, args) = o.schedule {
            warmup = try double(args, "warmup_epochs")
            switch name.value {
            case "cosine": decay = .cosine(minFactor: try double(args, "min_factor"))
            case "step": decay = .step(every: try int(args, "every"), gamma: try double(args, "gamma"))
            case "multistep":
                decay = .multiStep(milestones: try ints(args, "milestones"), gamma: try double(args, "gamma"))
            case "constant": decay = .constant
            default: throw TrainingError.plan(name.location, "schedule '\(name.value)' is not implemented")
            }
        }
        // Momentum and Nesterov are SGD's; Adam's moments are its own.
        let sgd = kind == .sgd
        return TrainingPlan.OptimizerPlan(
            name: o.name, kind: kind, learningRate: Float(o.lr),
            momentum: sgd ? Float(try double(o.node, "momentum")) : 0,
            nesterov: sgd ? try bool(o.node, "nesterov") : false,
            weightDecay: Float(try double(o.node, "weight_decay")),
            noDecayOnNormAndBias: try bool(o.node, "no_decay_norm_bias"), schedule: decay, warmupEpochs: warmup,
            parameters: o.params.map(\.value))
    }
}
