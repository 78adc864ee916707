import KDAutodiff
import KDTensor

/// Contrastive representation distillation's heads and memory (Tian et al. 2020; RepDistiller
/// `CRDLoss` before its criterion): each side's features pass an embedding head to unit vectors in
/// a D-dimensional space; each sample's embedding is scored against K + 1 rows of the other side's
/// memory bank — its own row (the positive) first, then K negatives from the other classes (as
/// RepDistiller's loader draws them; `ContrastSampler`) — as exp(m·v/T)/Z; then, in training, its own
/// row of its side's bank moves toward it. Outputs `student_scores` and `teacher_scores` [B, K + 1]
/// and `noise`, the noise distribution's probability of one sample, 1/N, which the `crd` loss reads.
final class ContrastiveRepresentation: FeatureConnector {
    let studentEmbedding: ContrastEmbedding, teacherEmbedding: ContrastEmbedding
    let memory: ContrastMemory

    init(
        studentFeatures: Int, teacherFeatures: Int, dimension: Int, labels: [Int], negatives: Int, temperature: Double,
        momentum: Double, init ini: ParameterInitializer
    ) {
        studentEmbedding = ContrastEmbedding(studentFeatures, dimension, init: ini)
        teacherEmbedding = ContrastEmbedding(teacherFeatures, dimension, init: ini)
        memory = ContrastMemory(
            labels: labels, dimension: dimension, negatives: negatives, temperature: Float(temperature),
            momentum: Float(momentum), random: ini.stream())
    }

    public override var children: [(String, Module)] {
        [("embed_s", studentEmbedding), ("embed_t", teacherEmbedding), ("contrast", memory)]
    }

    public override func outputs(_ inputs: [String: Variable], _ ctx: ForwardContext) -> [String: Variable] {
        guard let positions = ctx.samplePositions else {
            preconditionFailure("crd scores samples against its memory bank: the pass must name their positions")
        }
        let student = studentEmbedding(inputs["from"]!, ctx), teacher = teacherEmbedding(inputs["to"]!, ctx)
        let scores = memory.scores(
            student: student, teacher: teacher, rows: memory.contrastRows(positions, random: ctx.random),
            positions: positions, training: ctx.training)
        return [
            "student_scores": scores.student, "teacher_scores": scores.teacher,
            "noise": Variable(constant: Tensor(shape: [1], scalars: [1 / Float(memory.samples)])),
        ]
    }
}

/// RepDistiller's `Embed`: a linear map of the flattened features, each row scaled to unit length.
final class ContrastEmbedding: Module {
    let linear: Linear

    init(_ inFeatures: Int, _ outFeatures: Int, init ini: ParameterInitializer) {
        linear = Linear(inFeatures, outFeatures, init: ini)
    }

    public override var children: [(String, Module)] { [("linear", linear)] }

    public override func forward(_ x: Variable, _ ctx: ForwardContext) -> Variable {
        linear(x.flattened(), ctx).l2NormalizedRows()
    }
}

extension ConnectorKind {
    static let crd = ConnectorKind(
        name: "crd",
        doc:
            "CRD: student (from) and teacher (to) embedding heads, a momentum memory bank per side over the training samples, and each sample's scores against its positive and K drawn negatives",
        inputs: [
            ConnectorInput(name: "to", required: true, doc: "the teacher's features (e.g. teacher.features)")
        ],
        options: [
            ConnectorOption(
                name: "negatives", defaultValue: 4096, minimum: 1, maximum: 1_000_000, integer: true,
                doc: "K, negatives per sample, fewer than the training samples (RepDistiller's nce_k)"),
            ConnectorOption(
                name: "feat_dim", defaultValue: 128, minimum: 1, maximum: 4096, integer: true,
                doc: "D, the embedding dimension (RepDistiller's feat_dim)"),
            ConnectorOption(
                name: "temperature", defaultValue: 0.07, minimum: 1e-3, maximum: 10, integer: false,
                doc: "T in exp(m·v/T) (RepDistiller's nce_t)"),
            ConnectorOption(
                name: "momentum", defaultValue: 0.5, minimum: 0, maximum: 0.999, integer: false,
                doc: "the bank row's share kept at each update (RepDistiller's nce_m)"),
        ],
        outputs: ["student_scores", "teacher_scores", "noise"],
        keyedBySample: true,
        shapes: { inputs, options, trainingSamples in
            let (from, to) = (inputs["from"]!, inputs["to"]!)
            let k = Int(options["negatives"]!)
            let scores = Shape([from[0], k + 1])
            let outputs = ["student_scores": scores, "teacher_scores": scores, "noise": Shape([1])]
            if from.rank < 2 || to.rank < 2 {
                return Shapes(
                    outputs: outputs, problem: .init(input: "from", message: "it needs features [N, …] on both sides"))
            }
            if let n = trainingSamples, k >= n {
                return Shapes(
                    outputs: outputs,
                    problem: .init(
                        input: "negatives",
                        message: "negatives \(k) must be fewer than the \(n) training samples"))
            }
            return Shapes(outputs: outputs, problem: nil)
        },
        build: { inputs, options, trainingLabels, ini in
            let (from, to) = (inputs["from"]!, inputs["to"]!)
            return ContrastiveRepresentation(
                studentFeatures: from.count / from[0], teacherFeatures: to.count / to[0],
                dimension: Int(options["feat_dim"]!), labels: trainingLabels, negatives: Int(options["negatives"]!),
                temperature: options["temperature"]!, momentum: options["momentum"]!, init: ini)
        })
}
