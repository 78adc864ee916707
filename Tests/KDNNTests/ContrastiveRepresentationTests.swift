import Foundation
import KDAutodiff
import KDGradCheck
import KDLoss
@testable import KDNN
import KDTensor
import Testing

/// The crd connector against RepDistiller's ContrastMemory and CRDLoss in float64
/// (Fixtures/make_crd_fixture.py): scores, the normalisers fixed by the first batch, the banks
/// after two momentum updates, and the heads' gradients of the loss.
@Suite struct ContrastiveRepresentationTests {
    static let reference: Safetensors = {
        let url = Bundle.module.url(forResource: "crd", withExtension: "safetensors", subdirectory: "Fixtures")!
        return try! Safetensors(contentsOf: url)
    }()

    /// The fixture's 12 samples in three classes.
    static let labels = (0..<12).map { $0 % 3 }

    static func tensor(_ name: String) -> Tensor { try! reference.tensor(name) }
    static func indices(_ name: String) -> [Int] { tensor(name).scalars.map { Int($0) } }

    /// The connector built for the fixture's shapes, holding its initial state.
    static func connector() throws -> ContrastiveRepresentation {
        let kind = try #require(ConnectorCatalog.kind(named: "crd"))
        let options = ["negatives": 5.0, "feat_dim": 4, "temperature": 0.07, "momentum": 0.5]
        let module = kind.make(
            ["from": Shape([1, 2, 3, 1]), "to": Shape([1, 5])], options: options, trainingLabels: Self.labels,
            init: ParameterInitializer(seed: 1))
        var initial = Safetensors()
        for (name, entry) in reference.entries where name.hasPrefix("initial.") {
            initial.entries[String(name.dropFirst(8))] = entry
        }
        try Checkpoint.load(module, from: initial)
        return try #require(module as? ContrastiveRepresentation)
    }

    @Test func scoresBanksAndGradientsMatchRepDistiller() throws {
        let crd = try Self.connector()
        let loss = try LossCatalog.make("crd", LossOptions(parsing: []))
        for batch in ["batch0", "batch1"] {
            let tape = Tape()
            let ctx = ForwardContext(tape: tape, training: true)
            let student = crd.studentEmbedding(Variable(constant: Self.tensor("\(batch).from")), ctx)
            let teacher = crd.teacherEmbedding(Variable(constant: Self.tensor("\(batch).to")), ctx)
            let scores = crd.memory.scores(
                student: student, teacher: teacher, rows: Self.indices("\(batch).rows"),
                positions: Self.indices("\(batch).positions"), training: true)
            expectClose(scores.student.value, Self.tensor("\(batch).student_scores"), "\(batch) student scores")
            expectClose(scores.teacher.value, Self.tensor("\(batch).teacher_scores"), "\(batch) teacher scores")
            guard batch == "batch1" else { continue }
            let noise = Variable(constant: Tensor(shape: [1], scalars: [1 / 12]))
            let total = loss.loss(["student": scores.student, "teacher": scores.teacher, "noise": noise], labels: nil)
            let grads = tape.gradients(of: total)
            for (name, p) in crd.namedParameters() {
                let g = try #require(ctx.leaf(for: p).flatMap { grads[$0] })
                expectClose(g, Self.tensor("grad.\(name)"), rtol: 1e-3, "gradient of \(name)")
            }
        }
        var state = Safetensors()
        Checkpoint.stateDict(of: crd, into: &state)
        for name in ["contrast.memory_v1", "contrast.memory_v2", "contrast.params"] {
            expectClose(try state.tensor(name), Self.tensor("final.\(name)"), rtol: 1e-5, name)
        }
    }

    /// Evaluation scores without moving the banks; the normalisers, once fixed, stay.
    @Test func evaluationLeavesTheBanks() throws {
        let crd = try Self.connector()
        let before = crd.memory.studentBank.value
        let ctx = ForwardContext(
            tape: nil, training: false, random: CounterRandom(seed: 3), samplePositions: [3, 7, 0])
        let inputs = ["from": Self.tensor("batch0.from"), "to": Self.tensor("batch0.to")].mapValues {
            Variable(constant: $0)
        }
        let outputs = crd.outputs(inputs, ctx)
        #expect(outputs["student_scores"]!.shape == [3, 6])
        #expect(outputs["noise"]!.value.scalars == [1 / 12])
        #expect(crd.memory.studentBank.value.scalars == before.scalars)
        let z = crd.memory.params.value.scalars
        #expect(z[2] > 0 && z[3] > 0)
        _ = crd.outputs(
            inputs,
            ForwardContext(tape: nil, training: true, random: CounterRandom(seed: 4), samplePositions: [1, 2, 4]))
        #expect(crd.memory.params.value.scalars == z)
        #expect(crd.memory.studentBank.value.scalars != before.scalars)
    }

    /// Each sample's own row first, then K distinct samples of the other classes; the same step
    /// draws the same.
    @Test func contrastRowsArePositiveFirstThenOtherClasses() throws {
        let crd = try Self.connector()
        let random = CounterRandom(seed: 7).substream(42)
        let rows = crd.memory.contrastRows([9, 2], random: random)
        #expect(rows.count == 12 && rows[0] == 9 && rows[6] == 2)
        for sample in [rows[0..<6], rows[6..<12]] {
            let negatives = sample.dropFirst()
            #expect(Set(negatives).count == 5, "\(sample)")
            #expect(negatives.allSatisfy { Self.labels[$0] != Self.labels[sample.first!] }, "\(sample)")
        }
        #expect(rows == crd.memory.contrastRows([9, 2], random: random))
        #expect(rows != crd.memory.contrastRows([9, 2], random: CounterRandom(seed: 7).substream(43)))
    }

    /// Fewer other-class samples than K: drawn with replacement; unlabelled: uniform over all.
    @Test func samplerFallsBackAsRepDistillerDoes() {
        let sampler = ContrastSampler(labels: [0, 1, 1, 1, -1, 2, 2])
        var taken = [Bool](repeating: false, count: 7)
        var rows: [Int] = []
        sampler.draw(40, for: 1, random: CounterRandom(seed: 1), first: 0, into: &rows, taken: &taken)
        #expect(Set(rows) == [0, 4, 5, 6])
        rows = []
        sampler.draw(200, for: 4, random: CounterRandom(seed: 1), first: 0, into: &rows, taken: &taken)
        #expect(Set(rows) == Set(0..<7))
        #expect(!taken.contains(true))
        rows = []
        sampler.draw(3, for: 0, random: CounterRandom(seed: 2), first: 0, into: &rows, taken: &taken)
        #expect(Set(rows).count == 3 && !rows.contains(0) && !taken.contains(true))
    }

    /// K must stay below the training samples; the kind says so, naming the option.
    @Test func negativesMustBeFewerThanTheSamples() throws {
        let kind = try #require(ConnectorCatalog.kind(named: "crd"))
        let inputs = ["from": Shape([1, 8]), "to": Shape([1, 6])]
        let options = ["negatives": 100.0, "feat_dim": 4, "temperature": 0.07, "momentum": 0.5]
        #expect(kind.outputShapes(inputs, options: options, trainingSamples: 100).problem?.input == "negatives")
        #expect(kind.outputShapes(inputs, options: options, trainingSamples: 101).problem == nil)
        #expect(kind.outputShapes(inputs, options: options).outputs["student_scores"] == Shape([1, 101]))
    }
}
