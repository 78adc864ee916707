import KDAutodiff
import KDTensor

/// Similarity-preserving KD (Tung & Mori, ICCV 2019; RepDistiller `SP.py` `similarity_loss`): the
/// batch's Gram matrices G = F·Fᵀ of flattened features, each row L2-normalised (F.normalize,
/// max(‖row‖, 1e-12)); the loss is ‖G_t − G_s‖² summed, ÷ N². Feature sizes may differ; the
/// teacher carries no gradient.
func similarityPreserving(student: Variable, teacher: Tensor) -> Variable {
    let n = Float(student.shape[0])
    func gram(_ f: Variable) -> Variable {
        let rows = f.rowsFlattened()
        return rows.matmul(rows, transposeOther: true).l2NormalizedRows()
    }
    return (gram(Variable(constant: teacher)) - gram(student)).squared().sum() * (1 / (n * n))
}

extension LossKind {
    static let similarity = LossKind(
        name: "sp", doc: "similarity-preserving: row-normalised batch Gram matrices, squared difference ÷ N²",
        inputs: [.student, .teacher], shapes: .sameRows
    ) { _ throws(LossOptionError) in
        TeacherPairLoss { KDLoss.similarityPreserving(student: $0, teacher: $1) }
    }
}
