import KDNN
import KDPipeline

/// Every kind a pipeline file may name, with its options: architectures, importers, augmentation
/// ops, connectors, loss kinds, optimisers and schedules.
public enum PipelineKinds {
    /// Architectures a file may name; `wrn_<depth>_<width>` for the usual wide ResNets.
    public static let architectures =
        ModelZoo.architectures + ["wrn_16_1", "wrn_16_2", "wrn_40_1", "wrn_40_2", "wrn_28_2", "wrn_28_10"]

    /// A default value written by kdflow rather than by the file.
    static func builtIn(_ content: YAMLValue.Content) -> YAMLValue {
        YAMLValue(content, at: SourceLocation(file: "<default>", line: 0, column: 0))
    }

    /// The registry the loader validates against.
    public static let registry: SchemaRegistry = {
        var r = SchemaRegistry()
        let f = SchemaRegistry.Family.self
        let imageSize = Field(
            "image_size", .int(min: 4, max: 1024), .defaultValue(.int(28)), doc: "input height = width")
        for arch in architectures where arch != "mlp" && arch != "cnn" {
            r.register(arch, in: f.architecture, fields: [imageSize], doc: "model zoo: \(arch)")
        }
        r.register(
            "cnn", in: f.architecture,
            fields: [
                imageSize,
                Field(
                    "width", .number(NumberRange(lower: 0, lowerInclusive: false, upper: 8, upperInclusive: true)),
                    .defaultValue(.float(1)), doc: "layer-width factor: channels 32·w and 64·w, fc1 128·w"),
            ], doc: "PyTorch's MNIST-example CNN (two 3×3 convs, max-pool, two linear layers)")
        r.register(
            "mlp", in: f.architecture,
            fields: [
                imageSize,
                Field(
                    "hidden", .list(.int(min: 1, max: 65_536)),
                    .defaultValue(.list(TrainingPlan.ModelPlan.defaultHidden.map { builtIn(.int($0)) })),
                    doc: "hidden layer sizes"),
            ], doc: "multilayer perceptron over flattened pixels")

        r.register(
            "idx", in: f.importer,
            fields: [
                Field("split", .enumeration(["train", "test"]), .required),
                Field(
                    "labeled_fraction", .number(.unitOpen), .optional,
                    doc: "keep this fraction of each class (seeded, as kdflow import --labeled-fraction); see part"),
                Field(
                    "hold_out_per_class", .int(min: 1), .optional,
                    doc:
                        "hold out this many samples of each class (seeded, as kdflow import --hold-out-per-class); see part"
                ),
                Field(
                    "part", .enumeration(["labeled", "unlabeled", "held_out"]), .defaultValue(.string("labeled")),
                    doc:
                        "which part of a split to write: labeled (the labelled fraction, or what is not held out), unlabeled (the rest of labeled_fraction, without labels), held_out"
                ),
            ], doc: "MNIST-family IDX files (raw or gzip) in `path`, e.g. Fashion-MNIST")
        r.register(
            "folder", in: f.importer,
            fields: [
                Field(
                    "size", .oneOrList(.int(min: 1, max: 16_384)), .optional,
                    doc:
                        "resize every image to size × size, or [height, width] (PIL's bilinear); default: all images must share one size"
                ),
                Field(
                    "channels", .int(min: 1, max: 3), .optional,
                    doc: "1 (grey, PIL's convert('L')) or 3 (RGB); default: all images must share one"),
                Field(
                    "unlabeled", .bool, .defaultValue(.bool(false)),
                    doc: "the images lie directly in `path`, without class subfolders"),
            ],
            doc:
                "PNG and JPEG images in class subfolders of `path` (sorted names are the classes), as kdflow import folder"
        )

        r.register(
            "pad_crop", in: f.augmentation,
            value: .object(
                ObjectSchema([
                    Field("size", .int(min: 1, max: 4096), .required),
                    Field("pad", .int(min: 0, max: 4096), .defaultValue(.int(0))),
                ])), doc: "zero-pad then random crop")
        r.register(
            "random_resized_crop", in: f.augmentation,
            value: .object(
                ObjectSchema([
                    Field("size", .int(min: 1, max: 4096), .required),
                    Field(
                        "scale", .list(.number(.above(0))),
                        .defaultValue(.list([builtIn(.float(0.08)), builtIn(.float(1))])),
                        doc: "area fraction [low, high]"),
                    Field(
                        "ratio", .list(.number(.above(0))),
                        .defaultValue(.list([builtIn(.float(3.0 / 4.0)), builtIn(.float(4.0 / 3.0))])),
                        doc: "aspect ratio [low, high]"),
                ])), doc: "random area/aspect crop resized to size")
        r.register(
            "hflip", in: f.augmentation, value: .number(.probability), doc: "horizontal flip with this probability")
        r.register(
            "normalize", in: f.augmentation,
            value: .object(
                ObjectSchema([
                    Field("mean", .list(.number(.finite)), .required),
                    Field("std", .list(.number(.above(0))), .required),
                ])), doc: "per-channel (x − mean) / std of [0, 1] pixels")
        r.register(
            "cutout", in: f.augmentation,
            value: .object(
                ObjectSchema([
                    Field("size", .int(min: 1, max: 4096), .required),
                    Field("probability", .number(.probability), .defaultValue(.float(1))),
                ])), doc: "zero a random square")

        registerConnectorKinds(&r)

        registerLossKinds(&r)

        let decay = Field("weight_decay", .number(.atLeast(0)), .defaultValue(.float(5e-4)))
        let noDecay = Field(
            "no_decay_norm_bias", .bool, .defaultValue(.bool(false)), doc: "no weight decay on BN and biases")
        r.register(
            "sgd", in: f.optimizer,
            fields: [
                Field("momentum", .number(.unitHalfOpen), .defaultValue(.float(0.9))),
                Field("nesterov", .bool, .defaultValue(.bool(false))),
                decay, noDecay,
            ])
        r.register(
            "adam", in: f.optimizer,
            fields: [Field("weight_decay", .number(.atLeast(0)), .defaultValue(.float(0))), noDecay])
        r.register(
            "adamw", in: f.optimizer,
            fields: [Field("weight_decay", .number(.atLeast(0)), .defaultValue(.float(0.01))), noDecay])

        let warmup = Field(
            "warmup_epochs", .number(.atLeast(0)), .defaultValue(.float(0)), doc: "linear warm-up epochs")
        r.register("constant", in: f.schedule, value: .object(ObjectSchema([warmup])))
        r.register(
            "cosine", in: f.schedule,
            value: .object(
                ObjectSchema([
                    warmup, Field("min_factor", .number(.probability), .defaultValue(.float(0))),
                ])))
        r.register(
            "step", in: f.schedule,
            value: .object(
                ObjectSchema([
                    warmup, Field("every", .int(min: 1), .required),
                    Field("gamma", .number(.above(0)), .defaultValue(.float(0.1))),
                ])))
        r.register(
            "multistep", in: f.schedule,
            value: .object(
                ObjectSchema([
                    warmup, Field("milestones", .list(.int(min: 0)), .required),
                    Field("gamma", .number(.above(0)), .defaultValue(.float(0.1))),
                ])))
        return r
    }()
}
