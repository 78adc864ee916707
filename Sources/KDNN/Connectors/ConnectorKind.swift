import KDTensor

/// One connector kind, declared once: the inputs it reads, its options, its outputs, the shapes it
/// accepts and how it is built. Pipeline validation, planning and the run all read this declaration.
public struct ConnectorKind: Sendable {
    /// The name pipeline files use (`connector: vid`).
    public let name: String
    /// One line: what it is.
    public let doc: String
    /// Reference fields besides `from:` (e.g. `to:`), each required or not.
    public let inputs: [ConnectorInput]
    /// Its numeric options.
    public let options: [ConnectorOption]
    /// Its outputs, `out` first where it has one.
    public let outputs: [String]
    /// Whether it keeps state per training sample (read from `ForwardContext.samplePositions`), which
    /// data-parallel ranks, each seeing only its rows, would let diverge.
    public var keyedBySample = false
    /// The output shapes (batch 1) for input shapes by field (`from`, `to`, …), and why they do not
    /// fit; `trainingSamples` is the training data's size where known.
    let shapes: @Sendable (_ inputs: [String: Shape], _ options: [String: Double], _ trainingSamples: Int?) -> Shapes
    let build:
        @Sendable (
            _ inputs: [String: Shape], _ options: [String: Double], _ trainingLabels: [Int], ParameterInitializer
        ) -> FeatureConnector

    /// Why a connector cannot take the shapes it was given, naming the input at fault.
    public struct ShapeProblem: Error, Sendable {
        public let input: String
        public let message: String
    }

    /// What a kind makes of its input shapes: the outputs it can tell (even past a problem, so
    /// what reads them is still checked), and the problem, if any.
    public struct Shapes: Sendable, Equatable {
        public var outputs: [String: Shape]
        public var problem: ShapeProblem?

        public static func == (a: Shapes, b: Shapes) -> Bool {
            a.outputs == b.outputs && a.problem?.message == b.problem?.message
        }
    }

    /// The output shapes for input shapes by field, and the problem, if any (with the training
    /// data's size, where known, checked too).
    public func outputShapes(_ inputs: [String: Shape], options: [String: Double], trainingSamples: Int? = nil)
        -> Shapes
    {
        shapes(inputs, options, trainingSamples)
    }

    /// A freshly initialised connector for input shapes by field (which `outputShapes` accepted)
    /// and training samples with `trainingLabels` (one per sample by position, negative where
    /// unlabelled; their count is the training data's size; only kinds `keyedBySample` read them).
    public func make(
        _ inputs: [String: Shape], options: [String: Double], trainingLabels: [Int] = [], init ini: ParameterInitializer
    ) -> FeatureConnector {
        build(inputs, options, trainingLabels, ini)
    }
}

/// A reference field of a connector kind.
public struct ConnectorInput: Sendable {
    public let name: String
    public let required: Bool
    public let doc: String

    /// `to:` the feature whose channel count (and size) the output matches.
    static let to = ConnectorInput(
        name: "to", required: true, doc: "the feature whose shape it must match (e.g. teacher.layer3.preact)")
}

/// A numeric option of a connector kind.
public struct ConnectorOption: Sendable {
    public let name: String
    public let defaultValue: Double
    /// Inclusive bounds.
    public let minimum: Double, maximum: Double
    /// Whether only whole numbers are accepted.
    public let integer: Bool
    public let doc: String
}

/// Every connector kind.
public enum ConnectorCatalog {
    /// The kinds, in the order documentation lists them.
    public static let kinds: [ConnectorKind] = [
        .conv1x1BN, .conv1x1, .vid, .paraphraser, .translator, .crd, .abf, .simkd,
    ]

    /// The kind called `name`.
    public static func kind(named name: String) -> ConnectorKind? { kinds.first { $0.name == name } }
}

extension ConnectorKind.ShapeProblem {
    /// `from` and `to` must be NCHW maps of equal height and width, or both [N, C] features.
    static func sameSpatialSize(_ inputs: [String: Shape]) -> Self? {
        let (from, to) = (inputs["from"]!, inputs["to"]!)
        if (from.rank == 2 && to.rank == 2) || (from.rank == 4 && to.rank == 4 && from[2] == to[2] && from[3] == to[3])
        {
            return nil
        }
        return Self(input: "from", message: "it needs NCHW maps of equal height and width, or [N, C] features")
    }
}
