import Foundation
import KDData
import KDLoss
import KDNN

/// Everything a run needs, typed: what a pipeline file decodes into.
public struct TrainingPlan: Sendable {
    /// One model of the run.
    public struct ModelPlan: Sendable {
        public var name: String
        public var arch: String
        public var inChannels: Int
        public var classes: Int
        public var imageSize: Int
        public var hidden: [Int]
        /// The `cnn`'s layer-width factor (1: 32, 64, 128).
        public var width: Double
        /// Weights to start from (safetensors, PyTorch names).
        public var weights: URL?
        /// Frozen models run in evaluation mode without gradients (teachers).
        public var frozen: Bool

        /// The `mlp`'s hidden sizes when a file gives none (the other architectures ignore `hidden`).
        public static let defaultHidden = [1200, 1200]

        public init(
            name: String, arch: String, inChannels: Int, classes: Int, imageSize: Int = 28,
            hidden: [Int] = defaultHidden, width: Double = 1, weights: URL? = nil, frozen: Bool = false
        ) {
            self.name = name
            self.arch = arch
            self.inChannels = inChannels
            self.classes = classes
            self.imageSize = imageSize
            self.hidden = hidden
            self.width = width
            self.weights = weights
            self.frozen = frozen
        }
    }

    /// An augmentation stage: its own ops and recorded views of the training samples.
    public struct StreamPlan: Sendable {
        public var name: String
        public var ops: [AugmentOp]
        /// 0: a fresh view every epoch; K: each sample cycles through K fixed views.
        public var views: Int
        /// With K views: the probability of a fresh view per sample and epoch from epoch K on.
        public var fresh: Double
        public init(name: String, ops: [AugmentOp], views: Int, fresh: Double = 0) {
            self.name = name
            self.ops = ops
            self.views = views
            self.fresh = fresh
        }
    }

    /// A forward stage: one model on one stream. Its values are named `<stage>.<tap>`.
    public struct ForwardPlan: Sendable {
        public var name: String
        public var model: String
        /// The stream whose images it reads.
        public var stream: String
        /// The taps other stages read (`logits` is always among them).
        public var taps: [String]
        /// The teacher-output store of a frozen model's forward.
        public var store: StorePlan?
        public init(name: String, model: String, stream: String, taps: [String] = ["logits"], store: StorePlan? = nil) {
            self.name = name
            self.model = model
            self.stream = stream
            self.taps = Array(Set(taps + ["logits"])).sorted()
            self.store = store
        }
    }

    /// An ensemble stage: one `logits` value from frozen forwards' logits.
    public struct EnsemblePlan: Sendable {
        /// What is averaged.
        public enum Combination: String, Sendable {
            /// Σ wᵢ·zᵢ.
            case logits
            /// log Σ wᵢ·softmax(zᵢ): logits whose softmax is the mean probability.
            case probabilities
        }
        public var name: String
        /// The members' values (`stage.logits`), in order.
        public var members: [String]
        /// One weight per member, summing to 1.
        public var weights: [Float]
        public var over: Combination
        public init(name: String, members: [String], weights: [Float]? = nil, over: Combination = .logits) {
            let raw = weights ?? Array(repeating: 1, count: members.count)
            let total = raw.reduce(0, +)
            self.name = name
            self.members = members
            self.weights = raw.map { $0 / total }
            self.over = over
        }
    }

    /// A connector stage: a trainable module of a declared kind between features.
    public struct ConnectorPlan: Sendable {
        public var name: String
        /// Its kind (`ConnectorCatalog`).
        public var kind: String
        /// The values it reads by field: `from` and the kind's reference fields (`to`, …).
        public var inputs: [String: String]
        /// The kind's options, defaults filled in.
        public var options: [String: Double]
        public init(
            name: String, kind: String = "conv1x1_bn", inputs: [String: String], options: [String: Double] = [:]
        ) {
            self.name = name
            self.kind = kind
            self.inputs = inputs
            self.options = options
        }
    }

    /// A deployable model made of parts of others (`outputs.compose`; SimKD's student): the body
    /// model up to the map its head reads, the connector projecting it, the head model's classifier.
    public struct CompositionPlan: Sendable {
        public var name: String
        /// The trainable model whose head-input map the connector reads.
        public var body: String
        /// The connector stage.
        public var connector: String
        /// The frozen model whose final linear layer reads the pooled projection.
        public var head: String
        public init(name: String, body: String, connector: String, head: String) {
            self.name = name
            self.body = body
            self.connector = connector
            self.head = head
        }
    }

    /// What a model or composition takes and gives, as evaluation, prediction and export feed it.
    public struct Interface: Sendable {
        public var name: String
        public var inChannels: Int
        public var imageSize: Int
        public var classes: Int
    }

    /// One optimiser over some models and connectors.
    public struct OptimizerPlan: Sendable {
        public enum Kind: String, Sendable { case sgd, adam, adamw }
        public var name: String
        public var kind: Kind
        public var learningRate: Float
        public var momentum: Float
        public var nesterov: Bool
        public var weightDecay: Float
        /// Exclude BN parameters and biases from weight decay.
        public var noDecayOnNormAndBias: Bool
        public var schedule: LearningRateSchedule.Decay
        public var warmupEpochs: Double
        /// Names of the models and connectors it updates.
        public var parameters: [String]

        public init(
            name: String, kind: Kind = .sgd, learningRate: Float, momentum: Float = 0.9, nesterov: Bool = false,
            weightDecay: Float = 5e-4, noDecayOnNormAndBias: Bool = false,
            schedule: LearningRateSchedule.Decay = .constant, warmupEpochs: Double = 0, parameters: [String]
        ) {
            self.name = name
            self.kind = kind
            self.learningRate = learningRate
            self.momentum = momentum
            self.nesterov = nesterov
            self.weightDecay = weightDecay
            self.noDecayOnNormAndBias = noDecayOnNormAndBias
            self.schedule = schedule
            self.warmupEpochs = warmupEpochs
            self.parameters = parameters
        }
    }

    /// A span of epochs training a subset of the loss terms with a subset of the optimisers.
    public struct Phase: Sendable {
        public var name: String
        public var epochs: Int
        /// Active loss terms (nil: all).
        public var loss: Set<String>?
        /// Active optimisers (nil: all).
        public var optimizers: Set<String>?
        public init(name: String, epochs: Int, loss: Set<String>? = nil, optimizers: Set<String>? = nil) {
            self.name = name
            self.epochs = epochs
            self.loss = loss
            self.optimizers = optimizers
        }
    }

    public var name: String
    public var seed: UInt64
    public var phases: [Phase]
    public var batchSize: Int
    public var evalBatchSize: Int
    public var shuffle: Bool
    public var dropLast: Bool
    /// The training sources, in the file's order; batches draw from their union.
    public var trainData: [URL]
    public var evalData: URL?
    /// The augmentation stages, in the file's order.
    public var streams: [StreamPlan]
    /// The forward stages, in the file's order: frozen models' forwards run as stages of their own,
    /// trainable models' forwards inside the step.
    public var forwards: [ForwardPlan]
    /// The ensemble stages, in the file's order.
    public var ensembles: [EnsemblePlan] = []
    public var models: [ModelPlan]
    public var connectors: [ConnectorPlan]
    /// Deployable models made of parts of the others.
    public var compositions: [CompositionPlan]
    public var loss: LossGraph
    public var optimizers: [OptimizerPlan]
    public var outputDirectory: URL
    /// The model exported as the run's result (and whose accuracy picks the best checkpoint).
    public var exportModel: String
    /// Steps between mid-epoch checkpoints (0: only at epoch ends).
    public var checkpointEverySteps: Int
    /// Bounded-channel capacity between pipelined stages.
    public var channelCapacity: Int

    /// Teacher-output stores, one per stored forward stage.
    var stores: [StorePlan] { forwards.compactMap(\.store) }

    /// Total epochs over all phases.
    public var epochs: Int { phases.reduce(0) { $0 + $1.epochs } }

    /// A plan of the given stages; `streams`, `forwards` and `ensembles` name one another as a file's stages do.
    public init(
        name: String, seed: UInt64, phases: [Phase], batchSize: Int, evalBatchSize: Int? = nil,
        shuffle: Bool = true, dropLast: Bool = true, trainData: [URL], evalData: URL?,
        streams: [StreamPlan], forwards: [ForwardPlan], ensembles: [EnsemblePlan] = [],
        models: [ModelPlan], connectors: [ConnectorPlan] = [], compositions: [CompositionPlan] = [], loss: LossGraph,
        optimizers: [OptimizerPlan],
        outputDirectory: URL, exportModel: String, checkpointEverySteps: Int = 0, channelCapacity: Int = 2
    ) {
        self.name = name
        self.seed = seed
        self.phases = phases
        self.batchSize = batchSize
        self.evalBatchSize = evalBatchSize ?? batchSize
        self.shuffle = shuffle
        self.dropLast = dropLast
        self.trainData = trainData
        self.evalData = evalData
        self.streams = streams
        self.forwards = forwards
        self.ensembles = ensembles
        self.models = models
        self.connectors = connectors
        self.compositions = compositions
        self.loss = loss
        self.optimizers = optimizers
        self.outputDirectory = outputDirectory
        self.exportModel = exportModel
        self.checkpointEverySteps = checkpointEverySteps
        self.channelCapacity = channelCapacity
    }

    /// The model called `name`.
    public func model(named name: String) -> ModelPlan? { models.first { $0.name == name } }

    /// The input and classes of the model or composition called `name`.
    public func interface(of name: String) -> Interface? {
        if let m = model(named: name) {
            return Interface(name: name, inChannels: m.inChannels, imageSize: m.imageSize, classes: m.classes)
        }
        guard let c = compositions.first(where: { $0.name == name }), let body = model(named: c.body),
            let head = model(named: c.head)
        else { return nil }
        return Interface(name: name, inChannels: body.inChannels, imageSize: body.imageSize, classes: head.classes)
    }

    /// The stream called `name`.
    public func stream(named name: String) -> StreamPlan? { streams.first { $0.name == name } }

    /// Evaluation-time preprocessing of `model`: the normalisation of the stream its first forward reads
    /// (a composition's: its body's; no random ops).
    public func evalOps(model: String) -> [AugmentOp] {
        let model = compositions.first { $0.name == model }?.body ?? model
        let fed = forwards.first { $0.model == model }.flatMap { stream(named: $0.stream) }
        return (fed?.ops ?? []).filter { if case .normalize = $0 { true } else { false } }
    }

    /// The augmenter of `stream`: its ops and views, seeded by the run seed and the stream's name, so
    /// two streams draw independent views of the same samples.
    public func augmenter(_ stream: StreamPlan, input: SampleLayout) throws -> Augmenter {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325  // FNV-1a of the name
        for byte in stream.name.utf8 { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return try Augmenter(ops: stream.ops, views: stream.views, fresh: stream.fresh, seed: seed ^ h, input: input)
    }

    /// The index in `phases` of the phase an epoch belongs to.
    func phaseIndex(ofEpoch epoch: Int) -> Int {
        var start = 0
        for (i, phase) in phases.enumerated() {
            if epoch < start + phase.epochs { return i }
            start += phase.epochs
        }
        return phases.count - 1
    }

    /// The epochs in which the optimiser called `name` steps: those of the phases that list it. Its
    /// schedule runs over these alone, as RepDistiller's init stage and main stage each have a
    /// schedule of their own.
    func steppingEpochs(of name: String) -> [Int] {
        var epochs: [Int] = []
        var start = 0
        for phase in phases {
            if phase.optimizers?.contains(name) ?? true { epochs += start..<start + phase.epochs }
            start += phase.epochs
        }
        return epochs
    }
}

extension TrainingPlan.ModelPlan {
    /// A freshly initialised network of this architecture and options.
    public func network(seed: UInt64) throws -> Classifier {
        try ModelZoo.make(
            arch, inChannels: inChannels, classes: classes, imageSize: imageSize, hidden: hidden, width: width,
            seed: seed)
    }
}
