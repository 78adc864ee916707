import KDAutodiff
@testable import KDNN
import KDTensor
import Testing

/// Connector kinds: the shapes they accept and produce, and their modules on those shapes.
@Suite struct ConnectorTests {
    /// The 1×1-conv+BN connector on flat features is the same map as on N×C×1×1 maps.
    @Test func flatFeaturesPassAsOneByOneMaps() {
        let connector = Conv1x1BNConnector(6, 4, batchNorm: true, init: ParameterInitializer(seed: 3))
        let x = CounterRandom(seed: 5).normalTensor(Shape([8, 6]), std: 1)
        for training in [true, false] {
            let ctx = ForwardContext(tape: nil, training: training)
            let flat = connector(Variable(constant: x), ctx).value
            let maps = connector(Variable(constant: x).reshaped([8, 6, 1, 1]), ctx).value
            #expect(flat.shape == [8, 4])
            #expect(flat.scalars == maps.scalars)
        }
    }

    @Test func kindsCheckTheirShapes() throws {
        let conv = try #require(ConnectorCatalog.kind(named: "conv1x1_bn"))
        for (from, to, fits) in [
            ([1, 6], [1, 4], true), ([1, 6, 5, 5], [1, 4, 5, 5], true), ([1, 6], [1, 4, 1, 1], false),
            ([1, 6, 5, 5], [1, 4, 3, 3], false),
        ] {
            let result = conv.outputShapes(["from": Shape(from), "to": Shape(to)], options: [:])
            #expect(result.outputs == ["out": Shape(to)])
            #expect((result.problem == nil) == fits)
        }
        let paraphraser = try #require(ConnectorCatalog.kind(named: "paraphraser"))
        let factor = paraphraser.outputShapes(["from": Shape([1, 64, 7, 7])], options: ["rate": 0.5])
        #expect(factor.outputs == ["out": Shape([1, 32, 7, 7]), "reconstruction": Shape([1, 64, 7, 7])])
        #expect(factor.problem == nil)
        #expect(paraphraser.outputShapes(["from": Shape([1, 64])], options: ["rate": 0.5]).problem != nil)
    }

    /// Each kind's module produces exactly the shapes its declaration promised.
    @Test func modulesProduceTheDeclaredShapes() throws {
        let cases: [(String, [String: Shape], [String: Double])] = [
            ("conv1x1_bn", ["from": Shape([2, 6, 4, 4]), "to": Shape([2, 3, 4, 4])], [:]),
            ("conv1x1", ["from": Shape([2, 6]), "to": Shape([2, 3])], [:]),
            ("vid", ["from": Shape([2, 6, 4, 4]), "to": Shape([2, 3, 4, 4])], ["initial_variance": 5]),
            ("vid", ["from": Shape([2, 6]), "to": Shape([2, 3])], ["initial_variance": 5]),
            ("paraphraser", ["from": Shape([2, 6, 4, 4])], ["rate": 0.5]),
            ("translator", ["from": Shape([2, 5, 4, 4]), "to": Shape([2, 3, 4, 4])], [:]),
            ("abf", ["from": Shape([2, 6]), "to": Shape([2, 3])], ["mid_channels": 4]),
            (
                "abf", ["from": Shape([2, 6, 4, 4]), "to": Shape([2, 3, 5, 5]), "residual": Shape([2, 4, 1, 1])],
                ["mid_channels": 4]
            ),
            (
                "crd", ["from": Shape([2, 6, 2, 2]), "to": Shape([2, 5])],
                ["negatives": 4, "feat_dim": 3, "temperature": 0.07, "momentum": 0.5]
            ),
        ]
        for (name, shapes, options) in cases {
            let kind = try #require(ConnectorCatalog.kind(named: name))
            let expected = kind.outputShapes(shapes, options: options).outputs
            let module = kind.make(
                shapes, options: options, trainingLabels: (0..<10).map { $0 % 3 }, init: ParameterInitializer(seed: 1))
            let random = CounterRandom(seed: 9)
            let inputs = shapes.mapValues { Variable(constant: random.normalTensor($0, std: 1)) }
            let outputs = module.outputs(inputs, ForwardContext(tape: nil, training: true, samplePositions: [0, 1]))
            #expect(outputs.mapValues(\.shape) == expected, "\(name)")
            #expect(Set(outputs.keys) == Set(kind.outputs), "\(name)")
        }
    }

    /// VID's variance starts at its option's value.
    @Test func vidVarianceStartsAtItsOption() throws {
        let kind = try #require(ConnectorCatalog.kind(named: "vid"))
        let shapes = ["from": Shape([2, 4]), "to": Shape([2, 3])]
        let module = kind.make(
            shapes, options: ["initial_variance": 5], trainingLabels: (0..<10).map { $0 % 3 },
            init: ParameterInitializer(seed: 1))
        let x = Variable(constant: Tensor.zeros([2, 4]))
        let variance = module.outputs(["from": x, "to": x], ForwardContext(tape: nil, training: false))["variance"]!
        for v in variance.value.scalars { #expect(abs(v - 5) < 1e-5) }
    }
}
