import KDPipeline
import Testing

/// One test per class of mistake, each checking the exact printed diagnostics.
@Suite struct ValidationTests {
    private func expectDiagnostics(
        _ yaml: String, _ expected: [String], overrides: [String] = [],
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) {
        let printed = Fixtures.diagnostics(yaml, overrides: overrides).map(\.description)
        #expect(printed == expected, sourceLocation: sourceLocation)
    }

    @Test func unknownKeySuggestsTheNearestKnownKey() {
        expectDiagnostics(
            Fixtures.valid(
                replacing: "kd:",
                with:
                    "  kd:  {kind: kd, student: student.logits, teacher: teacher.logits, temperatur: 4, weight: 0.9}"),
            [
                "kd.yaml:20:8: error: loss.kd.temperature: missing required key 'temperature'",
                "kd.yaml:20:69: error: loss.kd.temperatur: unknown key; did you mean 'temperature'?",
            ])
    }

    @Test func wrongTypeNamesWhatWasExpectedAndFound() {
        expectDiagnostics(
            Fixtures.valid(
                replacing: "kd:",
                with:
                    "  kd:  {kind: kd, student: student.logits, teacher: teacher.logits, temperature: abc, weight: 0.9}"
            ),
            [
                "kd.yaml:20:82: error: loss.kd.temperature: expected a number, got string 'abc'"
            ])
        expectDiagnostics(
            Fixtures.valid(replacing: "epochs:", with: "epochs: 2.5"),
            [
                "kd.yaml:4:9: error: epochs: expected an integer ≥ 1, got number 2.5"
            ])
    }

    @Test func missingRequiredKeyPointsAtItsMapping() {
        expectDiagnostics(
            Fixtures.valid(replacing: "student: {arch", with: "  student: {arch: resnet8, in_channels: 1}"),
            [
                "kd.yaml:12:12: error: models.student.classes: missing required key 'classes'"
            ])
    }

    @Test func badEnumValueListsTheAllowedValues() {
        expectDiagnostics(
            Fixtures.valid(
                replacing: "teacher: {forward",
                with:
                    "  teacher: {forward: teacher, from: augment, taps: [logits, layer3.preact], store: {codec: zstd, level: 3, precision: fp17}}"
            ),
            [
                "kd.yaml:15:119: error: stages.teacher.store.precision: 'fp17' is not one of: fp32, fp16, bf16; did you mean 'fp16'?"
            ])
    }

    @Test func plainOffIsTheChoiceOffNotABoolean() {
        // YAML 1.1 reads a plain `off` as false; a choice list holding `off` takes it as that choice.
        let stored = "  teacher: {forward: teacher, from: augment, taps: [logits, layer3.preact], store: {mode: off}}"
        expectDiagnostics(Fixtures.valid(replacing: "teacher: {forward", with: stored), [])
        expectDiagnostics(Fixtures.valid, [], overrides: ["stages.teacher.store.mode=off"])
        // Where no choice is spelled like the boolean, it stays a type error.
        expectDiagnostics(
            Fixtures.valid(
                replacing: "teacher: {forward",
                with:
                    "  teacher: {forward: teacher, from: augment, taps: [logits, layer3.preact], store: {precision: off}}"
            ),
            [
                "kd.yaml:15:96: error: stages.teacher.store.precision: expected one of: fp32, fp16, bf16, got boolean false"
            ])
    }

    @Test func unknownKindListsTheRegisteredKinds() {
        expectDiagnostics(
            Fixtures.valid(
                replacing: "kd:",
                with:
                    "  kd:  {kind: kdd, student: student.logits, teacher: teacher.logits, temperature: 4, weight: 0.9}"),
            [
                "kd.yaml:20:15: error: loss.kd.kind: unknown loss kind 'kdd'; did you mean 'kd'? (known: cross_entropy, kd, overhaul)"
            ])
        expectDiagnostics(
            Fixtures.valid(
                replacing: "augment:",
                with:
                    "  augment: {from: data.train, ops: [{pad_crop: {size: 28, pad: 2}}, {hflp: 0.5}, {normalize: {mean: [0.286], std: [0.353]}}], views: 4}"
            ),
            [
                "kd.yaml:14:70: error: stages.augment.ops.1.hflp: unknown augmentation kind 'hflp'; did you mean 'hflip'? (known: hflip, normalize, pad_crop)"
            ])
    }

    @Test func missingReferenceSuggestsTheNearestStage() {
        expectDiagnostics(
            Fixtures.valid(
                replacing: "teacher: {forward",
                with:
                    "  teacher: {forward: teacher, from: augmnt, taps: [logits, layer3.preact], store: {codec: zstd, level: 3, precision: fp16}}"
            ),
            [
                "kd.yaml:15:37: error: stages.teacher.from: stage 'teacher' reads 'augmnt': no such stage; did you mean 'augment'?"
            ])
    }

    @Test func cycleIsNamed() {
        expectDiagnostics(
            Fixtures.valid(
                replacing: "augment:",
                with:
                    "  augment: {from: student, ops: [{pad_crop: {size: 28, pad: 2}}, {hflip: 0.5}, {normalize: {mean: [0.286], std: [0.353]}}], views: 4}"
            ),
            [
                "kd.yaml:14:19: error: stages.augment.from: augmentation stage 'augment' reads 'student'; an augmentation stage renders its own views of data.train (write from: data.train)",
                "kd.yaml:16:37: error: stages.student: cycle: augment -> student -> augment",
            ])
    }

    @Test func optimizerOverFrozenModel() {
        expectDiagnostics(
            Fixtures.valid(
                replacing: "schedule:",
                with:
                    "            schedule: {cosine: {warmup_epochs: 1}}, params: [student, align, teacher]}"),
            [
                "kd.yaml:24:78: error: optimisers.student.params: optimiser 'student' updates frozen model 'teacher'"
            ])
    }

    @Test func trainableModelThatNoLossReaches() {
        let yaml = """
            kdflow: 1
            name: t
            epochs: 1
            data: {train: {shards: s}, batch: 4}
            models:
              student: {arch: resnet8, classes: 10}
              spare: {arch: resnet8, classes: 10}
            stages:
              augment: {from: data.train, ops: []}
              student: {forward: student, from: augment}
              spare: {forward: spare, from: augment}
            loss:
              ce: {kind: cross_entropy, input: student.logits, target: augment.labels}
            optimisers:
              sgd: {kind: sgd, lr: 0.1, params: [student, spare]}
            """
        expectDiagnostics(
            yaml,
            [
                "kd.yaml:7:3: error: models.spare: model 'spare' is trainable but no loss term depends on it; set frozen: true or add a term that reads it"
            ])
    }

    @Test func storeBehindFreshViewsNeverHits() {
        expectDiagnostics(
            Fixtures.valid(
                replacing: "augment:",
                with:
                    "  augment: {from: data.train, ops: [{pad_crop: {size: 28, pad: 2}}, {hflip: 0.5}, {normalize: {mean: [0.286], std: [0.353]}}], views: 0}"
            ),
            [
                "kd.yaml:15:77: error: stages.teacher.store: stage 'teacher' stores outputs, but its input 'augment' draws a fresh view every epoch (views: 0), so the store would never hit; set views: N on 'augment' or remove store"
            ])
    }

    @Test func aViewBankNeedsRecordedViewsAndAProbability() {
        let ops = "ops: [{hflip: 0.5}, {normalize: {mean: [0.286], std: [0.353]}}]"
        expectDiagnostics(
            Fixtures.valid(replacing: "augment:", with: "  augment: {from: data.train, \(ops), views: 2, fresh: 0.25}"),
            [])
        expectDiagnostics(
            Fixtures.valid(replacing: "augment:", with: "  augment: {from: data.train, \(ops), views: 2, fresh: 1.5}"),
            [
                "kd.yaml:14:113: error: stages.augment.fresh: must be in [0, 1], got 1.5"
            ])
        expectDiagnostics(
            Fixtures.valid(replacing: "augment:", with: "  augment: {from: data.train, \(ops), views: 0, fresh: 0.25}"),
            [
                "kd.yaml:14:106: error: stages.augment.fresh: stage 'augment' mixes fresh views into a view bank, but records none (views: 0 draws every view fresh); set views: N",
                "kd.yaml:15:77: error: stages.teacher.store: stage 'teacher' stores outputs, but its input 'augment' draws a fresh view every epoch (views: 0), so the store would never hit; set views: N on 'augment' or remove store",
            ])
    }

    @Test func everyMistakeInOneFileIsReportedAtOnce() {
        var yaml = Fixtures.valid(replacing: "epochs:", with: "epochs: many")
        yaml = yaml.replacingOccurrences(of: "temperature: 4", with: "temperatur: 4")
        yaml = yaml.replacingOccurrences(
            of: "from: augment, taps: [logits, layer3.preact], store",
            with: "from: augmnt, taps: [logits, layer3.preact], store")
        yaml = yaml.replacingOccurrences(of: "precision: fp16", with: "precision: fp17")
        yaml = yaml.replacingOccurrences(of: "params: [student, align]", with: "params: [student, align, teacher]")
        expectDiagnostics(
            yaml,
            [
                "kd.yaml:4:9: error: epochs: expected an integer ≥ 1, got string 'many'",
                "kd.yaml:15:37: error: stages.teacher.from: stage 'teacher' reads 'augmnt': no such stage; did you mean 'augment'?",
                "kd.yaml:15:118: error: stages.teacher.store.precision: 'fp17' is not one of: fp32, fp16, bf16; did you mean 'fp16'?",
                "kd.yaml:20:8: error: loss.kd.temperature: missing required key 'temperature'",
                "kd.yaml:20:69: error: loss.kd.temperatur: unknown key; did you mean 'temperature'?",
                "kd.yaml:24:78: error: optimisers.student.params: optimiser 'student' updates frozen model 'teacher'",
            ])
    }

    @Test func anchorsAliasesAndMergeKeys() throws {
        let yaml = """
            kdflow: 1
            name: anchors
            epochs: 1
            data: {train: {shards: s}, batch: 4}
            models:
              teacher: &net {arch: resnet8, in_channels: 1, classes: 10, frozen: true}
              student: {<<: *net, frozen: false}
            stages:
              augment: {from: data.train, ops: []}
              teacher: {forward: teacher, from: augment, taps: &taps [logits, layer3.preact]}
              student: {forward: student, from: augment, taps: *taps}
            loss:
              kd: {kind: kd, student: student.logits, teacher: teacher.logits, temperature: 4}
            optimisers:
              sgd: {kind: sgd, lr: 0.1, params: [student]}
            """
        let spec = try Fixtures.loader.load(yaml: yaml, file: "kd.yaml").spec
        let student = try #require(spec.model(named: "student"))
        #expect(
            student.frozen == false && student.inChannels == 1 && student.classes == 10
                && student.arch.value == "resnet8")
        #expect(spec.model(named: "teacher")?.frozen == true)
        guard case .forward(let forward)? = spec.stage(named: "student")?.kind else {
            Issue.record("student is not a forward stage")
            return
        }
        #expect(forward.taps.map(\.value) == ["logits", "layer3.preact"])

        // A mistake inside the anchored mapping is reported for every use, at the anchor's location;
        // the merging mapping's own missing key is reported where it is written.
        let broken = yaml.replacingOccurrences(of: "classes: 10, frozen: true", with: "clases: 10, frozen: true")
        expectDiagnostics(
            broken,
            [
                "kd.yaml:6:12: error: models.teacher.classes: missing required key 'classes'",
                "kd.yaml:6:49: error: models.teacher.clases: unknown key; did you mean 'classes'?",
                "kd.yaml:6:49: error: models.student.clases: unknown key; did you mean 'classes'?",
                "kd.yaml:7:12: error: models.student.classes: missing required key 'classes'",
            ])
    }

    @Test func trainingSourcesAsAListAreCheckedOneByOne() throws {
        let two =
            "  train: [{shards: data/labeled}, {shards: data/unlabeled, import: {kind: idx, path: raw, split: train}}]"
        let spec = try Fixtures.loader.load(yaml: Fixtures.valid(replacing: "train:", with: two), file: "kd.yaml").spec
        #expect(spec.data.train.map(\.name) == ["data.train.0", "data.train.1"])
        #expect(spec.data.train.map(\.shards) == ["data/labeled", "data/unlabeled"])
        #expect(spec.data.train[1].importer?.kind.value == "idx")
        expectDiagnostics(
            Fixtures.valid(
                replacing: "train:",
                with:
                    "  train: [{shards: data/a}, {shard: data/b}, {shards: data/a}]"),
            [
                "kd.yaml:6:29: error: data.train.1.shards: missing required key 'shards'",
                "kd.yaml:6:30: error: data.train.1.shard: unknown key; did you mean 'shards'?",
                "kd.yaml:6:46: error: data.train.2.shards: shards 'data/a' are already read by data.train.0; list each source once",
            ])
        expectDiagnostics(
            Fixtures.valid(replacing: "train:", with: "  train: []"),
            [
                "kd.yaml:6:3: error: data.train: an empty list names no training source"
            ])
        expectDiagnostics(
            Fixtures.valid(replacing: "train:", with: "  train: data/fashion-mnist/train"),
            [
                "kd.yaml:6:10: error: data.train: expected a mapping or a list of them, got string 'data/fashion-mnist/train'"
            ])
    }
}
