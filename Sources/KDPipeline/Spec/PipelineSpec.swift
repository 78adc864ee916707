/// A validated pipeline file as typed values; every name and reference keeps where it was written.
///
/// Entries of free-form mappings (models, stages, loss terms, optimisers) keep file order.
/// `root` is the validated tree with defaults filled in, for options only the upper layer understands
/// (e.g. `spec.model(named: "student")?.node["hidden"]`).
public struct PipelineSpec: Sendable {
    /// The file path as given to the loader.
    public var file: String
    /// The validated YAML tree, defaults inserted.
    public var root: YAMLValue
    /// `kdflow:` format version.
    public var formatVersion: Int
    /// `name:` run name.
    public var name: String
    /// `seed:` run seed (default 0).
    public var seed: Int
    /// `epochs:` total epochs.
    public var epochs: Int
    /// `data:`
    public var data: DataSpec
    /// `models:` in file order.
    public var models: [ModelSpec]
    /// `stages:` in file order.
    public var stages: [StageSpec]
    /// `loss:` terms in file order.
    public var loss: [LossTermSpec]
    /// `optimisers:` in file order.
    public var optimizers: [OptimizerSpec]
    /// `phases:`; one phase named `main` of `epochs` with every term and optimiser when the file has none.
    public var phases: [PhaseSpec]
    /// `channels.capacity:` batches each executor channel holds (default 2).
    public var channelCapacity: Int
    /// `outputs:`
    public var outputs: OutputsSpec

    /// Names that exist in the file but could not be decoded (already reported); references to them are not
    /// reported again as missing.
    var undecodedStages: Set<String> = []

    /// The model called `name`.
    public func model(named name: String) -> ModelSpec? { models.first { $0.name == name } }
    /// The stage called `name`.
    public func stage(named name: String) -> StageSpec? { stages.first { $0.name == name } }
}

/// `data:` the training and evaluation splits and batching.
public struct DataSpec: Sendable {
    /// `data.train`: one source, or each entry of its list (batches draw from their union).
    public var train: [DataSourceSpec]
    /// `data.eval`, if given.
    public var eval: DataSourceSpec?
    /// `batch:` training batch size.
    public var batch: Int
    /// `eval_batch:` evaluation batch size (default `batch`).
    public var evalBatch: Int
    /// `shuffle:` shuffle training samples every epoch (default true).
    public var shuffle: Bool
    /// `drop_last:` drop the last incomplete training batch (default false).
    public var dropLast: Bool
}

/// One data split: `{shards: dir, import: {kind: idx, path: …, …}}`.
public struct DataSourceSpec: Sendable {
    /// Its key path: `data.train`, `data.train.1` (an entry of a list) or `data.eval`.
    public var name: String
    /// Where the split's key was written.
    public var location: SourceLocation
    /// `shards:` directory of shards.
    public var shards: String
    /// `import:` how to build missing shards (kind, path and the kind's own options in `node`).
    public var importer: ImporterSpec?
}

/// `import: {kind: idx, path: /usr/share/datasets/fashion-mnist, split: train}`.
public struct ImporterSpec: Sendable {
    /// `kind:` registered importer.
    public var kind: Located<String>
    /// `path:` raw dataset location.
    public var path: String
    /// The whole mapping, for the kind's own options.
    public var node: YAMLValue
}

/// One entry of `models:`.
public struct ModelSpec: Sendable {
    /// The key under `models:`.
    public var name: String
    /// Where the key was written.
    public var location: SourceLocation
    /// `arch:` registered architecture.
    public var arch: Located<String>
    /// `in_channels:` (default 3).
    public var inChannels: Int
    /// `classes:`
    public var classes: Int
    /// `weights:` checkpoint to load, if any.
    public var weights: Located<String>?
    /// `frozen:` never updated (default false).
    public var frozen: Bool
    /// The whole mapping, for the architecture's own options.
    public var node: YAMLValue
}

/// One entry of `stages:`.
public struct StageSpec: Sendable {
    /// What a stage does, told apart by its distinguishing key.
    public enum Kind: Sendable {
        /// `ops:` — augmentation.
        case augmentation(AugmentationSpec)
        /// `forward:` — a model forward.
        case forward(ForwardSpec)
        /// `connector:` — a trainable alignment of one feature to another's shape.
        case connector(ConnectorSpec)
        /// `ensemble:` — a weighted combination of frozen forwards' logits.
        case ensemble(EnsembleSpec)
    }

    /// The key under `stages:`.
    public var name: String
    /// Where the key was written.
    public var location: SourceLocation
    /// The stage's kind and settings.
    public var kind: Kind
    /// The whole mapping.
    public var node: YAMLValue

    /// The references this stage reads, in the order written.
    public var inputs: [Located<Reference>] {
        switch kind {
        case .augmentation(let augmentation): [augmentation.from]
        case .forward(let forward): [forward.from]
        case .connector(let connector): [connector.from] + connector.references.map(\.reference)
        case .ensemble(let ensemble): ensemble.inputs
        }
    }

    /// The named outputs other nodes may reference as `<stage>.<output>`.
    public var outputs: [String] {
        switch kind {
        case .augmentation: ["images", "labels"]
        case .forward(let forward): forward.taps.map(\.value)
        case .connector(let connector): connector.outputs
        case .ensemble: ["logits"]
        }
    }
}

/// `{from: data.train, ops: [{pad_crop: {…}}, …], views: 4}`.
public struct AugmentationSpec: Sendable {
    /// `from:` the input.
    public var from: Located<Reference>
    /// `ops:` in order.
    public var ops: [AugmentationOp]
    /// `views:` 0 = a fresh random view every epoch; N = each sample cycles through N fixed views.
    public var views: Int
    /// `fresh:` with N views, the probability that a sample takes a fresh view in an epoch ≥ N.
    public var fresh: Double
}

/// One augmentation op, `{name: arguments}`.
public struct AugmentationOp: Sendable {
    /// The op's registered name.
    public var name: Located<String>
    /// Its arguments as written (a number, a mapping, …).
    public var arguments: YAMLValue
}

/// `{forward: teacher, from: augment, taps: [logits, layer3.preact], store: {…}}`.
public struct ForwardSpec: Sendable {
    /// `forward:` the model.
    public var model: Located<String>
    /// `from:` the input batch.
    public var from: Located<Reference>
    /// `taps:` exposed outputs (default `[logits]`).
    public var taps: [Located<String>]
    /// `store:` teacher-output store settings, if outputs are stored.
    public var store: StoreSpec?
}

/// `store: {codec: zstd, level: 3, precision: fp16, top_k: 10, dir: …, mode: readwrite, on_full: stop, audit: 0}`.
public struct StoreSpec: Sendable {
    /// Where `store:` was written.
    public var location: SourceLocation
    /// `codec:` zstd | lz4 | none (default zstd).
    public var codec: String
    /// `level:` compression level (default 3).
    public var level: Int
    /// `precision:` fp32 | fp16 | bf16 (default fp16).
    public var precision: String
    /// `top_k:` keep only the top-k logits.
    public var topK: Int?
    /// `dir:` store directory.
    public var dir: String?
    /// `mode:` readwrite | read | write | off (default readwrite).
    public var mode: String = "readwrite"
    /// `on_full:` stop | skip (default stop).
    public var onFull: String = "stop"
    /// `audit:` fraction of hits recomputed live (default 0).
    public var audit: Double = 0
}

/// `{connector: conv1x1_bn, from: student.layer3.preact, to: teacher.layer3.preact}`.
public struct ConnectorSpec: Sendable {
    /// `connector:` registered connector kind.
    public var connector: Located<String>
    /// `from:` the feature transformed.
    public var from: Located<Reference>
    /// The kind's other reference fields as written (`to:`, …), in file order.
    public var references: [(field: String, reference: Located<Reference>)]
    /// The outputs the kind declares (`out` first).
    public var outputs: [String]

    /// The reference written under `field`.
    public func reference(_ field: String) -> Located<Reference>? {
        references.first { $0.field == field }?.reference
    }
}

/// `{ensemble: [t1.logits, t2.logits], weights: [0.5, 0.5], over: logits}`.
public struct EnsembleSpec: Sendable {
    /// How members are combined.
    public enum Combination: String, Sendable {
        /// The weighted mean of the logits.
        case logits
        /// The log of the weighted mean of the members' softmax probabilities.
        case probabilities
    }

    /// `ensemble:` the members, in the order written.
    public var inputs: [Located<Reference>]
    /// `weights:` one per member, as written (nil: equal weights).
    public var weights: Located<[Double]>?
    /// `over:` what is averaged.
    public var over: Combination
}

/// One entry of `loss:`.
public struct LossTermSpec: Sendable {
    /// The key under `loss:`.
    public var name: String
    /// Where the key was written.
    public var location: SourceLocation
    /// `kind:` registered loss kind.
    public var kind: Located<String>
    /// `weight:` (default 1).
    public var weight: Double
    /// The kind's reference-typed fields (e.g. `student`, `teacher`, `input`, `target`), in file order.
    public var inputs: [(field: String, reference: Located<Reference>)]
    /// The whole mapping, for the kind's own options (e.g. `node["temperature"]?.double`).
    public var node: YAMLValue
}

/// One entry of `optimisers:`.
public struct OptimizerSpec: Sendable {
    /// The key under `optimisers:`.
    public var name: String
    /// Where the key was written.
    public var location: SourceLocation
    /// `kind:` registered optimiser.
    public var kind: Located<String>
    /// `lr:` base learning rate.
    public var lr: Double
    /// `params:` models and connector stages it updates.
    public var params: [Located<String>]
    /// `schedule:` `{name: arguments}`, nil for a constant rate.
    public var schedule: (name: Located<String>, arguments: YAMLValue)?
    /// The whole mapping, for the kind's own options (`momentum`, `weight_decay`, …).
    public var node: YAMLValue
}

/// One entry of `phases:`.
public struct PhaseSpec: Sendable {
    /// `name:`
    public var name: String
    /// Where the phase was written.
    public var location: SourceLocation
    /// `epochs:`
    public var epochs: Int
    /// `loss:` active terms; nil = all.
    public var loss: [Located<String>]?
    /// `optimisers:` stepping optimisers; nil = all.
    public var optimizers: [Located<String>]?
}

/// `outputs: {dir: runs/x, export: student}`.
public struct OutputsSpec: Sendable {
    /// `dir:` (default `runs/<name>`).
    public var dir: String
    /// `export:` model (or composition) whose weights are exported.
    public var export: Located<String>?
    /// `compose:` deployable models made of parts of others.
    public var compositions: [ComposeSpec]
    /// `checkpoint_every:` steps between mid-epoch checkpoints (0: epoch ends only).
    public var checkpointEvery: Int
}

/// One entry of `outputs.compose`: a deployable model named `name`, built around a connector stage
/// (the `from:` model up to its tap, the connector, the classifier of the `to:` model).
public struct ComposeSpec: Sendable {
    public var name: String
    /// Where the name was written.
    public var location: SourceLocation
    /// The connector stage.
    public var connector: Located<String>
}
