/// The schema of a pipeline file; kinds (losses, optimisers, architectures, augmentations, connectors,
/// schedules, importers) come from the registry the upper layer fills.
enum PipelineSchema {
    /// The format version this build reads (`kdflow: 1`).
    public static let formatVersion = 1

    /// The whole file.
    public static let file: Schema = .object(
        ObjectSchema(
            [
                Field("kdflow", .int(min: 1), .required, doc: "pipeline-file format version; this build reads 1"),
                Field("name", .string, .required, doc: "run name; outputs default to runs/<name>"),
                Field(
                    "seed", .int(min: 0), .defaultValue(.int(0)),
                    doc: "seed for initialisation, shuffling and augmentation"),
                Field(
                    "epochs", .int(min: 1), .required,
                    doc:
                        "total epochs; with phases, each is scaled in proportion to add up to it (at least one epoch each)"
                ),
                Field("data", data, .required, doc: "training and evaluation data"),
                Field("models", .map(model), .required, doc: "models by name"),
                Field(
                    "stages", .map(stage), .required,
                    doc: "dataflow stages by name; the key that is present picks the kind"),
                Field("loss", .map(lossTerm), .required, doc: "the loss graph: named terms, summed with their weights"),
                Field("optimisers", .map(optimizer), .required, doc: "optimisers by name"),
                Field(
                    "phases", .list(phase), .optional,
                    doc: "training in sequence; default one phase of `epochs` with every term and optimiser"),
                Field("channels", channels, .defaultValue(.map([])), doc: "executor settings"),
                Field("outputs", outputs, .defaultValue(.map([])), doc: "where results go"),
            ], doc: "a kdflow pipeline file"))

    static let dataSource: Schema = .object(
        ObjectSchema(
            [
                Field("shards", .string, .required, doc: "directory of shards"),
                Field(
                    "import",
                    .kinded(
                        KindedSchema(
                            family: SchemaRegistry.Family.importer,
                            commonFields: [
                                Field("path", .string, .required, doc: "where the raw dataset lives")
                            ])), .optional, doc: "build the shards from a raw dataset first when they are missing"),
            ], doc: "a dataset split"))

    static let data: Schema = .object(
        ObjectSchema([
            Field(
                "train", .oneOrList(dataSource), .required,
                doc:
                    "training split, or a list of sources read as one (e.g. labelled + unlabeled); referenced as data.train"
            ),
            Field("eval", dataSource, .optional, doc: "evaluation split; referenced as data.eval"),
            Field("batch", .int(min: 1), .required, doc: "training batch size"),
            Field("eval_batch", .int(min: 1), .optional, doc: "evaluation batch size (default: batch)"),
            Field("shuffle", .bool, .defaultValue(.bool(true)), doc: "shuffle the training split every epoch"),
            Field("drop_last", .bool, .defaultValue(.bool(false)), doc: "drop the last incomplete training batch"),
        ]))

    static let model: Schema = .kinded(
        KindedSchema(
            family: SchemaRegistry.Family.architecture, discriminator: "arch",
            commonFields: [
                Field("in_channels", .int(min: 1), .defaultValue(.int(3)), doc: "input image channels"),
                Field("classes", .int(min: 1), .required, doc: "output classes"),
                Field("weights", .string, .optional, doc: "safetensors checkpoint to load"),
                Field(
                    "trained_by", .string, .optional,
                    doc: "pipeline file that produces `weights`; run first when the weights file is missing"),
                Field(
                    "frozen", .bool, .defaultValue(.bool(false)),
                    doc: "never updated (a teacher); forwarded in eval mode"),
            ]))

    static let store: Schema = .object(
        ObjectSchema(
            [
                Field(
                    "codec", .enumeration(["zstd", "lz4", "none"]), .defaultValue(.string("zstd")),
                    doc: "record compression"),
                Field("level", .int(min: 0), .defaultValue(.int(3)), doc: "compression level"),
                Field(
                    "precision", .enumeration(["fp32", "fp16", "bf16"]), .defaultValue(.string("fp16")),
                    doc: "stored float precision"),
                Field("top_k", .int(min: 1), .optional, doc: "keep only the top-k logits (plus the leftover mass)"),
                Field("dir", .string, .optional, doc: "store directory (default: <outputs.dir>/store/<stage>)"),
                Field(
                    "mode", .enumeration(["readwrite", "read", "write", "off"]), .defaultValue(.string("readwrite")),
                    doc:
                        "readwrite: serve hits, store misses; read: serve only; write: recompute and store all; off: no store"
                ),
                Field(
                    "on_full", .enumeration(["stop", "skip"]), .defaultValue(.string("stop")),
                    doc: "when the disk is full: stop the run with an error, or skip storing and train on"),
                Field(
                    "audit", .number(.probability), .defaultValue(.float(0)),
                    doc:
                        "fraction of hits also recomputed live and compared with what was served (drift in metrics.jsonl)"
                ),
            ], doc: "teacher-output store: outputs are recorded per sample and view and served instead of a forward"))

    static let stage: Schema = .variants([
        Variant(
            key: "ops",
            schema: ObjectSchema(
                [
                    Field("from", .reference, .required, doc: "input: a data split (data.train) or a stage"),
                    Field(
                        "ops", .list(.oneOf(family: SchemaRegistry.Family.augmentation)), .required,
                        doc: "augmentation ops in order, each a single-key mapping {op: arguments}"),
                    Field(
                        "views", .int(min: 0), .defaultValue(.int(0)),
                        doc: "0: a fresh random view every epoch; N: each sample cycles through N fixed views"),
                    Field(
                        "fresh", .number(.probability), .defaultValue(.float(0)),
                        doc:
                            "view bank (needs views: N): from epoch N on, each sample takes a fresh view with this probability; a store neither serves nor keeps it"
                    ),
                ], doc: "augmentation stage; outputs: images, labels")),
        Variant(
            key: "forward",
            schema: ObjectSchema(
                [
                    Field("forward", .string, .required, doc: "the model to run"),
                    Field("from", .reference, .required, doc: "input batch"),
                    Field(
                        "taps", .list(.string), .defaultValue(.list([YAMLValue(.string("logits"), at: builtIn)])),
                        doc: "named model outputs to expose (logits, layer3.preact, …)"),
                    Field("store", store, .optional, doc: "serve outputs from the teacher-output store when present"),
                ], doc: "model forward stage; outputs: its taps")),
        Variant(
            key: "connector",
            schema: ObjectSchema(
                [
                    Field(
                        "connector", .registeredName(family: SchemaRegistry.Family.connector), .required,
                        doc: "connector kind"),
                    Field("from", .reference, .required, doc: "the feature to transform (e.g. student.layer3.preact)"),
                ], doc: "stage with trainable parameters between features; its kind adds fields and names its outputs")),
        Variant(
            key: "ensemble",
            schema: ObjectSchema(
                [
                    Field(
                        "ensemble", .list(.reference), .required,
                        doc: "frozen forwards' logits to combine (e.g. [t1.logits, t2.logits])"),
                    Field(
                        "weights", .list(.number(.atLeast(0))), .optional,
                        doc: "one weight ≥ 0 per input (default: equal); normalised to sum 1"),
                    Field(
                        "over", .enumeration(["logits", "probabilities"]), .defaultValue(.string("logits")),
                        doc:
                            "logits: the weighted mean of the logits; probabilities: the log of the weighted mean of the softmaxes"
                    ),
                ], doc: "combines teachers' logits into one; output: logits")),
    ])

    static let lossTerm: Schema = .kinded(
        KindedSchema(
            family: SchemaRegistry.Family.loss,
            commonFields: [
                Field(
                    "weight", .number(.atLeast(0)), .defaultValue(.float(1)), doc: "the term's weight in the sum (≥ 0)")
            ]))

    static let optimizer: Schema = .kinded(
        KindedSchema(
            family: SchemaRegistry.Family.optimizer,
            commonFields: [
                Field("lr", .number(.above(0)), .required, doc: "base learning rate (> 0)"),
                Field(
                    "params", .list(.string), .required, doc: "models and connector stages whose parameters it updates"),
                Field(
                    "schedule", .oneOf(family: SchemaRegistry.Family.schedule), .optional,
                    doc: "learning-rate schedule, a single-key mapping {name: arguments}; default constant"),
            ]))

    static let phase: Schema = .object(
        ObjectSchema([
            Field("name", .string, .required, doc: "phase name, for logs and checkpoints"),
            Field("epochs", .int(min: 1), .required, doc: "epochs in this phase"),
            Field("loss", .list(.string), .optional, doc: "loss terms active in this phase (default: all)"),
            Field("optimisers", .list(.string), .optional, doc: "optimisers stepping in this phase (default: all)"),
        ]))

    static let channels: Schema = .object(
        ObjectSchema([
            Field(
                "capacity", .int(min: 1, max: 64), .defaultValue(.int(2)),
                doc: "batches each channel between stages holds")
        ]))

    static let outputs: Schema = .object(
        ObjectSchema([
            Field("dir", .string, .optional, doc: "output directory (default: runs/<name>)"),
            Field("export", .string, .optional, doc: "model (or composition) whose weights are exported at the end"),
            Field(
                "compose", .map(.string), .optional,
                doc:
                    "deployable models by name, each a connector stage: its `from:` model up to that tap, the connector, the classifier of its `to:` model"
            ),
            Field(
                "checkpoint_every", .int(min: 0), .defaultValue(.int(0)),
                doc: "steps between mid-epoch checkpoints (0: at epoch ends only)"),
        ]))

    /// The location defaults without a better place use.
    static let builtIn = SourceLocation(file: "<default>", line: 1, column: 1)
}
