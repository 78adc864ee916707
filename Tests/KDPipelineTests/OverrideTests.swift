import KDPipeline
import Testing

@Suite struct OverrideTests {
    @Test func overridesChangeValuesBeforeValidation() throws {
        let spec = try Fixtures.loader.load(
            yaml: Fixtures.valid, file: "kd.yaml",
            overrides: [
                "epochs=3", "phases.1.epochs=1", "optimisers.student.lr=0.05", "data.batch=64", "data.eval_batch=256",
                "name='007'",
            ]
        ).spec
        #expect(spec.epochs == 3)
        #expect(spec.phases.map(\.epochs) == [2, 1])
        #expect(spec.optimizers.first?.lr == 0.05)
        #expect(spec.data.batch == 64 && spec.data.evalBatch == 256)
        #expect(spec.name == "007")
        #expect(
            spec.optimizers.first?.node["lr"]?.location
                == SourceLocation(file: "override 'optimisers.student.lr=0.05'", line: 1, column: 23))
    }

    @Test func anEpochsOverrideScalesThePhases() throws {
        // The fixture's phases are warmup 2 + main 28 of 30 epochs.
        for (epochs, phases) in [(3, [1, 2]), (2, [1, 1]), (60, [4, 56]), (30, [2, 28])] {
            let spec = try Fixtures.loader.load(yaml: Fixtures.valid, file: "kd.yaml", overrides: ["epochs=\(epochs)"])
                .spec
            #expect(spec.phases.map(\.epochs) == phases, "epochs=\(epochs)")
        }
        #expect(
            Fixtures.diagnostics(Fixtures.valid, overrides: ["epochs=1"]).map(\.description).contains {
                $0.contains("phases: 2 phases need at least as many epochs; epochs is 1")
            })
    }

    @Test func unknownOverridePathIsADiagnosticNamingTheOverride() {
        let printed = Fixtures.diagnostics(
            Fixtures.valid,
            overrides: [
                "optimisers.student.lrr=0.05", "models.tutor.frozen=true", "epochs=abc", "seed",
            ]
        ).map(\.description)
        #expect(
            printed == [
                "override 'optimisers.student.lrr=0.05':1:20: error: optimisers.student.lrr: unknown key; did you mean 'lr'?",
                "override 'models.tutor.frozen=true':1:8: error: models.tutor: no entry 'tutor'; an override cannot add entries",
                "override 'seed':1:1: error: expected key.path=value",
                "override 'epochs=abc':1:8: error: epochs: expected an integer ≥ 1, got string 'abc'",
            ])
    }
}
