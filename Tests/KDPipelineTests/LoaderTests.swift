import KDPipeline
import Testing

@Suite struct LoaderTests {
    @Test func validFileLoadsIntoTypedSpec() throws {
        let loaded = try Fixtures.loader.load(yaml: Fixtures.valid, file: "kd.yaml")
        let spec = loaded.spec
        #expect(loaded.warnings.isEmpty)
        #expect(spec.name == "fashion-kd" && spec.seed == 7 && spec.epochs == 30)
        #expect(spec.data.batch == 128 && spec.data.evalBatch == 128 && spec.data.dropLast && spec.data.shuffle)
        #expect(spec.data.train[0].importer?.kind.value == "idx")
        #expect(spec.models.map(\.name) == ["teacher", "student"])
        #expect(spec.model(named: "teacher")?.frozen == true)
        #expect(spec.model(named: "student")?.inChannels == 1)
        #expect(spec.stages.map(\.name) == ["augment", "teacher", "student", "align"])
        guard case .forward(let teacher)? = spec.stage(named: "teacher")?.kind else {
            Issue.record("teacher is not a forward stage")
            return
        }
        #expect(teacher.taps.map(\.value) == ["logits", "layer3.preact"])
        #expect(teacher.store?.precision == "fp16")
        #expect(teacher.from.location == SourceLocation(file: "kd.yaml", line: 15, column: 37))
        let kd = try #require(spec.loss.first { $0.name == "kd" })
        #expect(kd.inputs.map(\.field) == ["student", "teacher"])
        #expect(kd.inputs.map(\.reference.value.description) == ["student.logits", "teacher.logits"])
        #expect(kd.node["temperature"]?.double == 4)
        #expect(kd.weight == 0.9)
        let ce = try #require(spec.loss.first { $0.name == "ce" })
        #expect(ce.node["label_smoothing"]?.double == 0)
        let optimizer = try #require(spec.optimizers.first)
        #expect(optimizer.lr == 0.1 && optimizer.params.map(\.value) == ["student", "align"])
        #expect(optimizer.schedule?.name.value == "cosine")
        #expect(optimizer.schedule?.arguments["warmup_epochs"]?.int == 1)
        #expect(spec.phases.map(\.name) == ["warmup", "main"])
        #expect(spec.phases[0].loss?.map(\.value) == ["kd"])
        #expect(spec.phases[1].loss == nil)
        #expect(spec.channelCapacity == 2)
        #expect(spec.outputs.dir == "runs/fashion-kd" && spec.outputs.export?.value == "student")
    }

    @Test func defaultsFillOmittedSections() throws {
        let yaml = Fixtures.valid
            .replacingOccurrences(of: "channels: {capacity: 2}\n", with: "")
            .replacingOccurrences(of: "outputs: {dir: runs/fashion-kd, export: student}\n", with: "")
            .replacingOccurrences(
                of:
                    "phases:\n  - {name: warmup, epochs: 2, loss: [kd], optimisers: [student]}\n  - {name: main, epochs: 28}\n",
                with: "")
        let spec = try Fixtures.loader.load(yaml: yaml, file: "kd.yaml").spec
        #expect(spec.channelCapacity == 2)
        #expect(spec.outputs.dir == "runs/fashion-kd")
        #expect(spec.phases.count == 1 && spec.phases[0].epochs == 30 && spec.phases[0].name == "main")
    }

    @Test func diagnosticPrintsLikeACompiler() {
        let diagnostic = Diagnostic(
            at: SourceLocation(file: "file.yaml", line: 12, column: 5),
            keyPath: "loss.kd.temperatur", "unknown key; did you mean 'temperature'?")
        #expect(
            diagnostic.description
                == "file.yaml:12:5: error: loss.kd.temperatur: unknown key; did you mean 'temperature'?")
    }

    @Test func upperLayerChecksSeeTheSpecAndPointIntoIt() {
        let loader = PipelineLoader(
            registry: Fixtures.registry,
            checks: [
                { spec, _ in
                    spec.stages.compactMap { stage -> Diagnostic? in
                        guard case .forward(let forward) = stage.kind,
                            let tap = forward.taps.first(where: { $0.value == "layer3.preact" }),
                            spec.model(named: forward.model.value)?.arch.value == "resnet8"
                        else { return nil }
                        return Diagnostic(
                            at: tap.location, keyPath: "stages.\(stage.name).taps", "resnet8 has no tap 'layer3.preact'"
                        )
                    }
                }
            ])
        let problems = Fixtures.diagnostics(Fixtures.valid, loader: loader)
        #expect(
            problems.map(\.description) == [
                "kd.yaml:16:61: error: stages.student.taps: resnet8 has no tap 'layer3.preact'"
            ])
    }

    @Test func yamlSyntaxErrorIsLocated() {
        let problems = Fixtures.diagnostics("kdflow: 1\nname: [unclosed\n")
        #expect(problems.count == 1)
        #expect(problems.first?.location.file == "kd.yaml")
        #expect(problems.first?.message.hasPrefix("invalid YAML") == true)
    }
}
