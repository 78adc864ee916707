import KDAutodiff
import KDTensor

/// Neuron selectivity transfer (Huang & Wang 2017; RepDistiller `NST.py`, full loss): maps
/// [N, C, H, W] pooled to the smaller H (adaptive average), each channel's H·W vector
/// L2-normalised, then the polynomial-kernel MMD mean(k(t,t)) + mean(k(s,s)) − 2·mean(k(s,t)),
/// k(a, b) = (aᵢ·bⱼ)² over channel pairs. Channel counts may differ; the teacher carries no gradient.
func neuronSelectivityTransfer(student: Variable, teacher: Tensor) -> Variable {
    let size = min(student.shape[2], teacher.shape[2])
    func channels(_ f: Variable) -> Variable {
        let pooled = f.adaptiveAvgPooled(to: size)
        let (n, c) = (pooled.shape[0], pooled.shape[1])
        return pooled.reshaped([n * c, size * size]).l2NormalizedRows().reshaped([n, c, size * size])
    }
    let s = channels(student), t = channels(Variable(constant: teacher))
    func kernel(_ a: Variable, _ b: Variable) -> Variable { b.batchedMatmul(a.permuted([0, 2, 1])).squared().mean() }
    return kernel(t, t) + kernel(s, s) - kernel(s, t) * 2
}

extension LossKind {
    static let neuronSelectivity = LossKind(
        name: "nst",
        doc:
            "neuron selectivity transfer: polynomial-kernel MMD of normalised channel maps (pooled to the smaller map)",
        inputs: [.student, .teacher], shapes: .squareMaps
    ) { _ throws(LossOptionError) in
        TeacherPairLoss { KDLoss.neuronSelectivityTransfer(student: $0, teacher: $1) }
    }
}
