import KDAutodiff
import KDTensor

/// Factor transfer's paraphraser (Kim et al. 2018; RepDistiller `Paraphraser`, no BN): an
/// encoder of three 3×3 convolutions with LeakyReLU(0.1) from the teacher's C channels to
/// ⌊C·rate⌋ (the factor, `out`) and a decoder of three back to C (`reconstruction`), trained
/// alone on the teacher's map first. The decoder's layers are 3×3 convolutions, which compute what
/// RepDistiller's stride-1 ConvTranspose2d do with the kernel stored flipped and transposed.
final class FactorParaphraser: FeatureConnector {
    let encoder: [Conv2d], decoder: [Conv2d]

    init(channels: Int, factorChannels: Int, init ini: ParameterInitializer) {
        let (c, k) = (channels, factorChannels)
        encoder = [(c, c), (c, k), (k, k)].map { Conv2d($0.0, $0.1, kernel: 3, padding: 1, init: ini) }
        decoder = [(k, k), (k, c), (c, c)].map { Conv2d($0.0, $0.1, kernel: 3, padding: 1, init: ini) }
    }

    public override var children: [(String, Module)] {
        encoder.enumerated().map { ("encoder.\($0.offset * 2)", $0.element) }
            + decoder.enumerated().map { ("decoder.\($0.offset * 2)", $0.element) }
    }

    public override func outputs(_ inputs: [String: Variable], _ ctx: ForwardContext) -> [String: Variable] {
        let factor = encoder.reduce(inputs["from"]!) { $1($0, ctx).leakyRelu(slope: 0.1) }
        return ["out": factor, "reconstruction": decoder.reduce(factor) { $1($0, ctx).leakyRelu(slope: 0.1) }]
    }
}

/// Factor transfer's translator (RepDistiller `Translator`, with BN): three 3×3 convolutions +
/// BN + LeakyReLU(0.1) from the student's map to the paraphraser's factor channels (`out`).
final class FactorTranslator: FeatureConnector {
    let layers: [(Conv2d, BatchNorm)]

    init(channels: Int, factorChannels: Int, init ini: ParameterInitializer) {
        let (c, k) = (channels, factorChannels)
        layers = [(c, c), (c, k), (k, k)].map {
            (Conv2d($0.0, $0.1, kernel: 3, padding: 1, init: ini), BatchNorm($0.1))
        }
    }

    public override var children: [(String, Module)] {
        layers.enumerated().flatMap { i, layer -> [(String, Module)] in
            [("encoder.\(i * 3)", layer.0), ("encoder.\(i * 3 + 1)", layer.1)]
        }
    }

    public override func forward(_ x: Variable, _ ctx: ForwardContext) -> Variable {
        layers.reduce(x) { $1.1($1.0($0, ctx), ctx).leakyRelu(slope: 0.1) }
    }
}

extension ConnectorKind {
    static let paraphraser = ConnectorKind(
        name: "paraphraser",
        doc: "FT paraphraser on the teacher's map: 3×3-conv encoder to the factor (out) and decoder (reconstruction)",
        inputs: [],
        options: [
            ConnectorOption(
                name: "rate", defaultValue: 0.5, minimum: 0.01, maximum: 4, integer: false,
                doc: "factor channels per input channel (RepDistiller's k)")
        ],
        outputs: ["out", "reconstruction"],
        shapes: { inputs, options, _ in
            let from = inputs["from"]!
            guard from.rank == 4 else {
                return Shapes(outputs: [:], problem: .init(input: "from", message: "it needs NCHW maps"))
            }
            let k = Int(Double(from[1]) * options["rate"]!)
            guard k >= 1 else {
                return Shapes(
                    outputs: [:],
                    problem: .init(input: "rate", message: "rate × \(from[1]) channels leaves no factor channel"))
            }
            return Shapes(
                outputs: ["out": Shape([from[0], k, from[2], from[3]]), "reconstruction": from], problem: nil)
        },
        build: { inputs, options, _, ini in
            let c = inputs["from"]![1]
            return FactorParaphraser(channels: c, factorChannels: Int(Double(c) * options["rate"]!), init: ini)
        })

    static let translator = ConnectorKind(
        name: "translator",
        doc: "FT translator on the student's map: 3×3 conv + BN + LeakyReLU ×3 to the paraphraser's factor (to)",
        inputs: [ConnectorInput(name: "to", required: true, doc: "the paraphraser's factor (e.g. paraphraser.out)")],
        options: [], outputs: ["out"],
        shapes: { inputs, _, _ in
            let (from, to) = (inputs["from"]!, inputs["to"]!)
            let fits = from.rank == 4 && to.rank == 4 && from[2] == to[2] && from[3] == to[3]
            return Shapes(
                outputs: ["out": to],
                problem: fits ? nil : .init(input: "from", message: "it needs NCHW maps of equal height and width"))
        },
        build: { inputs, _, _, ini in
            FactorTranslator(channels: inputs["from"]![1], factorChannels: inputs["to"]![1], init: ini)
        })
}
