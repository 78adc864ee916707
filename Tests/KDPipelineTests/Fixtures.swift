import KDPipeline

/// Kinds a KDTraining-like upper layer would register; tests only.
enum Fixtures {
    static let registry: SchemaRegistry = {
        var registry = SchemaRegistry()
        let family = SchemaRegistry.Family.self
        registry.register("resnet8", in: family.architecture)
        registry.register("resnet20", in: family.architecture)
        registry.register(
            "mlp", in: family.architecture, fields: [Field("hidden", .list(.int(min: 1)), .defaultValue(.list([])))])
        registry.register(
            "idx", in: family.importer, fields: [Field("split", .enumeration(["train", "test"]), .required)])
        registry.register(
            "pad_crop", in: family.augmentation,
            value: .object(
                ObjectSchema([
                    Field("size", .int(min: 1), .required), Field("pad", .int(min: 0), .defaultValue(.int(0))),
                ])))
        registry.register("hflip", in: family.augmentation, value: .number(.probability))
        registry.register(
            "normalize", in: family.augmentation,
            value: .object(
                ObjectSchema([
                    Field("mean", .list(.number(.finite)), .required), Field("std", .list(.number(.finite)), .required),
                ])))
        registry.register("conv1x1_bn", in: family.connector, fields: [Field("to", .reference, .required)])
        registry.register(
            "cross_entropy", in: family.loss,
            fields: [
                Field("input", .reference, .required), Field("target", .reference, .required),
                Field("label_smoothing", .number(.finite), .defaultValue(.float(0))),
            ])
        registry.register(
            "kd", in: family.loss,
            fields: [
                Field("student", .reference, .required), Field("teacher", .reference, .required),
                Field("temperature", .number(.finite), .required),
            ])
        registry.register(
            "overhaul", in: family.loss,
            fields: [
                Field("student", .reference, .required), Field("teacher", .reference, .required),
            ])
        registry.register(
            "sgd", in: family.optimizer,
            fields: [
                Field("momentum", .number(.finite), .defaultValue(.float(0))),
                Field("nesterov", .bool, .defaultValue(.bool(false))),
                Field("weight_decay", .number(.finite), .defaultValue(.float(0))),
            ])
        registry.register(
            "cosine", in: family.schedule,
            value: .object(
                ObjectSchema([
                    Field("warmup_epochs", .int(min: 0), .defaultValue(.int(0)))
                ])))
        return registry
    }()

    static let loader = PipelineLoader(registry: registry)

    /// A valid pipeline; tests replace lines of it to introduce one mistake each.
    static let valid = """
        kdflow: 1
        name: fashion-kd
        seed: 7
        epochs: 30
        data:
          train: {shards: data/fashion-mnist/train, import: {kind: idx, path: /usr/share/datasets/fashion-mnist, split: train}}
          eval:  {shards: data/fashion-mnist/test}
          batch: 128
          drop_last: true
        models:
          teacher: {arch: resnet20, in_channels: 1, classes: 10, weights: runs/fashion-teacher/best.safetensors, frozen: true}
          student: {arch: resnet8, in_channels: 1, classes: 10}
        stages:
          augment: {from: data.train, ops: [{pad_crop: {size: 28, pad: 2}}, {hflip: 0.5}, {normalize: {mean: [0.286], std: [0.353]}}], views: 4}
          teacher: {forward: teacher, from: augment, taps: [logits, layer3.preact], store: {codec: zstd, level: 3, precision: fp16}}
          student: {forward: student, from: augment, taps: [logits, layer3.preact]}
          align:   {connector: conv1x1_bn, from: student.layer3.preact, to: teacher.layer3.preact}
        loss:
          ce:  {kind: cross_entropy, input: student.logits, target: augment.labels, weight: 1.0}
          kd:  {kind: kd, student: student.logits, teacher: teacher.logits, temperature: 4, weight: 0.9}
          ofd: {kind: overhaul, student: align.out, teacher: teacher.layer3.preact, weight: 0.001}
        optimisers:
          student: {kind: sgd, lr: 0.1, momentum: 0.9, nesterov: true, weight_decay: 5.0e-4,
                    schedule: {cosine: {warmup_epochs: 1}}, params: [student, align]}
        phases:
          - {name: warmup, epochs: 2, loss: [kd], optimisers: [student]}
          - {name: main, epochs: 28}
        channels: {capacity: 2}
        outputs: {dir: runs/fashion-kd, export: student}

        """

    /// `valid` with the line starting with `prefix` (after indentation) replaced by `line`.
    static func valid(replacing prefix: String, with line: String) -> String {
        var lines = valid.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let index = lines.firstIndex { $0.trimmingCharacters(in: .whitespaces).hasPrefix(prefix) }!
        lines[index] = line
        return lines.joined(separator: "\n")
    }

    /// The diagnostics loading `yaml` reports (empty when it loads).
    static func diagnostics(_ yaml: String, overrides: [String] = [], loader: PipelineLoader = loader) -> [Diagnostic] {
        do {
            return try loader.load(yaml: yaml, file: "kd.yaml", overrides: overrides).warnings
        } catch {
            return error.diagnostics
        }
    }
}
