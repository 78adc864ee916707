extension PipelineSpec {
    /// Builds the typed spec from a validated tree. Lenient: parts the validator already rejected are
    /// skipped or take neutral values, so structural checks can still run and report alongside schema errors.
    init(decoding root: YAMLValue, file: String, registry: SchemaRegistry) {
        self.file = file
        self.root = root
        formatVersion = root["kdflow"]?.int ?? PipelineSchema.formatVersion
        name = root["name"]?.string ?? ""
        seed = root["seed"]?.int ?? 0
        epochs = root["epochs"]?.int ?? 1
        data = Self.decodeData(root["data"])
        models = (root["models"]?.entries ?? []).map(Self.decodeModel)
        var stages: [StageSpec] = []
        for entry in root["stages"]?.entries ?? [] {
            if let stage = Self.decodeStage(entry, registry: registry) {
                stages.append(stage)
            } else {
                undecodedStages.insert(entry.key)
            }
        }
        self.stages = stages
        loss = (root["loss"]?.entries ?? []).map { Self.decodeLossTerm($0, registry: registry) }
        optimizers = (root["optimisers"]?.entries ?? []).map(Self.decodeOptimizer)
        let phases = (root["phases"]?.list ?? []).map(Self.decodePhase)
        self.phases =
            phases.isEmpty
            ? [PhaseSpec(name: "main", location: root.location, epochs: epochs, loss: nil, optimizers: nil)]
            : Self.scaled(phases, toEpochs: epochs)
        channelCapacity = root.value(at: ["channels", "capacity"])?.int ?? 2
        outputs = OutputsSpec(
            dir: root.value(at: ["outputs", "dir"])?.string ?? "runs/\(name)",
            export: Self.located(root.value(at: ["outputs", "export"])),
            compositions: (root.value(at: ["outputs", "compose"])?.entries ?? []).compactMap { entry in
                Self.located(entry.value).map {
                    ComposeSpec(name: entry.key, location: entry.keyLocation, connector: $0)
                }
            },
            checkpointEvery: root.value(at: ["outputs", "checkpoint_every"])?.int ?? 0)
    }

    private static func located(_ value: YAMLValue?) -> Located<String>? {
        guard let value, let text = value.string else { return nil }
        return Located(text, at: value.location)
    }

    private static func reference(_ value: YAMLValue?) -> Located<Reference>? {
        located(value).map { Located(Reference(parsing: $0.value), at: $0.location) }
    }

    private static func names(_ value: YAMLValue?) -> [Located<String>]? {
        value?.list.map { $0.compactMap { located($0) } }
    }

    private static func decodeData(_ node: YAMLValue?) -> DataSpec {
        func source(_ name: String, _ value: YAMLValue, at location: SourceLocation) -> DataSourceSpec {
            let importer = value["import"].flatMap { value in
                located(value["kind"]).map { ImporterSpec(kind: $0, path: value["path"]?.string ?? "", node: value) }
            }
            return DataSourceSpec(
                name: name, location: location, shards: value["shards"]?.string ?? "", importer: importer)
        }
        let unknown = SourceLocation(file: node?.location.file ?? "", line: 1, column: 1)
        let batch = node?["batch"]?.int ?? 1
        var train = [DataSourceSpec(name: "data.train", location: unknown, shards: "")]
        if let entry = node?.entry("train") {
            let listed = entry.value.list?.enumerated().map { source("data.train.\($0)", $1, at: $1.location) }
            // An empty list keeps a placeholder at its key, so later checks have a location (the check reports it).
            train =
                listed.map {
                    $0.isEmpty ? [DataSourceSpec(name: "data.train", location: entry.keyLocation, shards: "")] : $0
                }
                ?? [source("data.train", entry.value, at: entry.keyLocation)]
        }
        return DataSpec(
            train: train,
            eval: node?.entry("eval").map { source("data.eval", $0.value, at: $0.keyLocation) }, batch: batch,
            evalBatch: node?["eval_batch"]?.int ?? batch,
            shuffle: node?["shuffle"]?.bool ?? true, dropLast: node?["drop_last"]?.bool ?? false)
    }

    private static func decodeModel(_ entry: YAMLValue.Entry) -> ModelSpec {
        let node = entry.value
        return ModelSpec(
            name: entry.key, location: entry.keyLocation,
            arch: located(node["arch"]) ?? Located("", at: node.location),
            inChannels: node["in_channels"]?.int ?? 3, classes: node["classes"]?.int ?? 0,
            weights: located(node["weights"]), frozen: node["frozen"]?.bool ?? false, node: node)
    }

    private static func decodeStage(_ entry: YAMLValue.Entry, registry: SchemaRegistry) -> StageSpec? {
        let node = entry.value
        let kinds = ["ops", "forward", "connector", "ensemble"].filter { node[$0] != nil }
        guard kinds.count == 1 else { return nil }
        if kinds[0] == "ensemble" {
            guard let members = node["ensemble"]?.list else { return nil }
            let weights = node["weights"].flatMap { value in
                value.list.map { Located($0.compactMap(\.double), at: value.location) }
            }
            let ensemble = EnsembleSpec(
                inputs: members.compactMap(reference), weights: weights,
                over: EnsembleSpec.Combination(rawValue: node["over"]?.string ?? "") ?? .logits)
            return StageSpec(name: entry.key, location: entry.keyLocation, kind: .ensemble(ensemble), node: node)
        }
        guard let from = reference(node["from"]) else { return nil }
        let kind: StageSpec.Kind
        switch kinds[0] {
        case "ops":
            let ops = (node["ops"]?.list ?? []).compactMap { op -> AugmentationOp? in
                guard let only = op.entries?.first, op.entries?.count == 1 else { return nil }
                return AugmentationOp(name: Located(only.key, at: only.keyLocation), arguments: only.value)
            }
            kind = .augmentation(
                AugmentationSpec(
                    from: from, ops: ops, views: node["views"]?.int ?? 0, fresh: node["fresh"]?.double ?? 0))
        case "forward":
            guard let model = located(node["forward"]) else { return nil }
            let store = node.entry("store").map { entry in
                StoreSpec(
                    location: entry.keyLocation, codec: entry.value["codec"]?.string ?? "zstd",
                    level: entry.value["level"]?.int ?? 3, precision: entry.value["precision"]?.string ?? "fp16",
                    topK: entry.value["top_k"]?.int, dir: entry.value["dir"]?.string,
                    mode: entry.value["mode"]?.string ?? "readwrite", onFull: entry.value["on_full"]?.string ?? "stop",
                    audit: entry.value["audit"]?.double ?? 0)
            }
            kind = .forward(
                ForwardSpec(
                    model: model, from: from,
                    taps: names(node["taps"]) ?? [Located("logits", at: node.location)], store: store))
        default:
            guard let connector = located(node["connector"]) else { return nil }
            let registered = registry.kind(connector.value, in: SchemaRegistry.Family.connector)
            let fields = referenceFields(of: registered)
            let references = (node.entries ?? []).filter { fields.contains($0.key) }.compactMap { field in
                reference(field.value).map { (field: field.key, reference: $0) }
            }
            kind = .connector(
                ConnectorSpec(
                    connector: connector, from: from, references: references, outputs: registered?.outputs ?? ["out"]))
        }
        return StageSpec(name: entry.key, location: entry.keyLocation, kind: kind, node: node)
    }

    private static func decodeLossTerm(_ entry: YAMLValue.Entry, registry: SchemaRegistry) -> LossTermSpec {
        let node = entry.value
        let kind = located(node["kind"]) ?? Located("", at: node.location)
        let fields = referenceFields(of: registry.kind(kind.value, in: SchemaRegistry.Family.loss))
        let inputs = (node.entries ?? []).filter { fields.contains($0.key) }.compactMap { field in
            reference(field.value).map { (field: field.key, reference: $0) }
        }
        return LossTermSpec(
            name: entry.key, location: entry.keyLocation, kind: kind,
            weight: node["weight"]?.double ?? 1, inputs: inputs, node: node)
    }

    private static func decodeOptimizer(_ entry: YAMLValue.Entry) -> OptimizerSpec {
        let node = entry.value
        let schedule = node["schedule"]?.entries?.first.map { only in
            (name: Located(only.key, at: only.keyLocation), arguments: only.value)
        }
        return OptimizerSpec(
            name: entry.key, location: entry.keyLocation,
            kind: located(node["kind"]) ?? Located("", at: node.location),
            lr: node["lr"]?.double ?? 0, params: names(node["params"]) ?? [],
            schedule: schedule, node: node)
    }

    /// `phases` scaled to `epochs` in total when they add up to another number (an `epochs=N`
    /// override of a phased file): each in proportion, at least one epoch each, remainders to the
    /// largest fractions. Unchanged when they already add up, or cannot (fewer epochs than phases,
    /// which validation reports).
    static func scaled(_ phases: [PhaseSpec], toEpochs epochs: Int) -> [PhaseSpec] {
        let total = phases.reduce(0) { $0 + $1.epochs }
        guard total > 0, epochs != total, epochs >= phases.count, phases.allSatisfy({ $0.epochs > 0 }) else {
            return phases
        }
        let shares = phases.map { Double($0.epochs) * Double(epochs) / Double(total) }
        var counts = shares.map { max(1, Int($0.rounded(.down))) }
        // Hand out what flooring left, largest fractions first; take back what the minimum of one
        // added, from the phases with the most epochs.
        for i in shares.indices.sorted(by: {
            shares[$0] - shares[$0].rounded(.down) > shares[$1] - shares[$1].rounded(.down)
        })
        where counts.reduce(0, +) < epochs {
            counts[i] += 1
        }
        while counts.reduce(0, +) > epochs, let i = counts.indices.max(by: { counts[$0] < counts[$1] }) {
            counts[i] -= 1
        }
        return zip(phases, counts).map { phase, count in
            var p = phase
            p.epochs = count
            return p
        }
    }

    private static func decodePhase(_ node: YAMLValue) -> PhaseSpec {
        PhaseSpec(
            name: node["name"]?.string ?? "", location: node.location, epochs: node["epochs"]?.int ?? 0,
            loss: names(node["loss"]), optimizers: names(node["optimisers"]))
    }

    /// The names of a registered kind's own fields that hold references.
    private static func referenceFields(of kind: SchemaRegistry.Kind?) -> Set<String> {
        guard case .object(let own)? = kind?.schema else { return [] }
        return Set(own.fields.filter { if case .reference = $0.schema { true } else { false } }.map(\.name))
    }
}
