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
        /// Weights to start from (safetensors, PyTorch names).
        public var weights: URL?
        /// Frozen models run in evaluation mode without gradients (teachers).
        public var frozen: Bool
        /// The taps other stages read (`logits` is always available).
        public var taps: [String]

        public init(name: String, arch: String, inChannels: Int, classes: Int, imageSize: Int = 28,
                    hidden: [Int] = [1200, 1200], weights: URL? = nil, frozen: Bool = false, taps: [String] = ["logits"]) {
            self.name = name; self.arch = arch; self.inChannels = inChannels; self.classes = classes
            self.imageSize = imageSize; self.hidden = hidden; self.weights = weights; self.frozen = frozen; self.taps = taps
        }
    }

    /// A 1×1-conv+BN connector from a student tap to a teacher tap's channel count.
    public struct ConnectorPlan: Sendable {
        public var name: String
        /// `model.tap` read by the connector.
        public var from: String
        /// `model.tap` whose channels it maps to.
        public var to: String
        public init(name: String, from: String, to: String) { self.name = name; self.from = from; self.to = to }
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

        public init(name: String, kind: Kind = .sgd, learningRate: Float, momentum: Float = 0.9, nesterov: Bool = false,
                    weightDecay: Float = 5e-4, noDecayOnNormAndBias: Bool = false,
                    schedule: LearningRateSchedule.Decay = .constant, warmupEpochs: Double = 0, parameters: [String]) {
            self.name = name; self.kind = kind; self.learningRate = learningRate; self.momentum = momentum
            self.nesterov = nesterov; self.weightDecay = weightDecay; self.noDecayOnNormAndBias = noDecayOnNormAndBias
            self.schedule = schedule; self.warmupEpochs = warmupEpochs; self.parameters = parameters
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
            self.name = name; self.epochs = epochs; self.loss = loss; self.optimizers = optimizers
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
    public var augmentation: [AugmentOp]
    public var views: Int
    /// Evaluation-time preprocessing (normalisation only, no random ops).
    public var evalAugmentation: [AugmentOp]
    public var models: [ModelPlan]
    public var connectors: [ConnectorPlan]
    public var loss: LossGraph
    public var optimizers: [OptimizerPlan]
    public var outputDirectory: URL
    /// The model exported as the run's result (and whose accuracy picks the best checkpoint).
    public var exportModel: String
    /// Steps between mid-epoch checkpoints (0: only at epoch ends).
    public var checkpointEverySteps: Int
    /// Bounded-channel capacity between pipelined stages.
    public var channelCapacity: Int
    /// The augmentation stage's name (its `labels` are the batch's labels).
    public var augmentStage: String
    /// Teacher-output stores, one per stored forward stage.
    public var stores: [StorePlan] = []

    /// Total epochs over all phases.
    public var epochs: Int { phases.reduce(0) { $0 + $1.epochs } }

    public init(name: String, seed: UInt64, phases: [Phase], batchSize: Int, evalBatchSize: Int? = nil,
                shuffle: Bool = true, dropLast: Bool = true,
                trainData: [URL], evalData: URL?, augmentation: [AugmentOp], views: Int, evalAugmentation: [AugmentOp],
                models: [ModelPlan], connectors: [ConnectorPlan] = [], loss: LossGraph, optimizers: [OptimizerPlan],
                outputDirectory: URL, exportModel: String, checkpointEverySteps: Int = 0, channelCapacity: Int = 2,
                augmentStage: String = "augment") {
        self.name = name; self.seed = seed; self.phases = phases; self.batchSize = batchSize
        self.evalBatchSize = evalBatchSize ?? batchSize; self.shuffle = shuffle; self.dropLast = dropLast
        self.trainData = trainData; self.evalData = evalData; self.augmentation = augmentation; self.views = views
        self.evalAugmentation = evalAugmentation; self.models = models; self.connectors = connectors; self.loss = loss
        self.optimizers = optimizers; self.outputDirectory = outputDirectory; self.exportModel = exportModel
        self.checkpointEverySteps = checkpointEverySteps; self.channelCapacity = channelCapacity
        self.augmentStage = augmentStage
    }

    /// The phase an epoch belongs to.
    public func phase(ofEpoch epoch: Int) -> Phase {
        var start = 0
        for phase in phases {
            if epoch < start + phase.epochs { return phase }
            start += phase.epochs
        }
        return phases[phases.count - 1]
    }
}
