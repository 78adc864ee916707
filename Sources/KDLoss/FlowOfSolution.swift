import KDAutodiff
import KDTensor

/// The flow-of-solution-procedure matrix of two maps of one network (Yim et al. 2017; RepDistiller
/// `FSP.py` `compute_fsp`): the larger map adaptive-average-pooled to the smaller's square size,
/// then G[n, i, j] = mean over positions of bottom[n, i] · top[n, j], shape [N, C_bottom, C_top].
func flowOfSolutionMatrix(bottom: Variable, top: Variable) -> Variable {
    let size = min(bottom.shape[2], top.shape[2])
    let b = bottom.adaptiveAvgPooled(to: size), t = top.adaptiveAvgPooled(to: size)
    let (n, area) = (b.shape[0], size * size)
    let rows = b.reshaped([n, b.shape[1], area]), columns = t.reshaped([n, t.shape[1], area]).permuted([0, 2, 1])
    return rows.batchedMatmul(columns) * (1 / Float(area))
}

/// FSP distillation on one pair of stages: the mean squared difference of the student's and the
/// teacher's FSP matrices (RepDistiller: `(s - t).pow(2).mean()` per pair). Both networks must
/// have equal channel counts at each stage; the teacher's maps carry no gradient.
struct FlowOfSolutionLoss: LossFunction {
    public var roles: [String] { ["student", "student_top", "teacher", "teacher_top"] }
    public var trainableRoles: [String] { ["student", "student_top"] }
    public var needsLabels: Bool { false }
    public func loss(_ inputs: [String: Variable], labels: [Int]?) -> Variable {
        let student = flowOfSolutionMatrix(bottom: inputs["student"]!, top: inputs["student_top"]!)
        let teacher = flowOfSolutionMatrix(
            bottom: Variable(constant: inputs["teacher"]!.value),
            top: Variable(constant: inputs["teacher_top"]!.value))
        return (student - teacher).squared().mean()
    }
}

extension LossKind {
    static let flowOfSolution = LossKind(
        name: "fsp",
        doc:
            "flow of solution procedure: the Gram matrix of two stages' maps (pooled to one size), student against teacher, mean squared",
        inputs: [
            LossInput(name: "student", required: true, doc: "the student's lower stage map"),
            LossInput(name: "student_top", required: true, doc: "the student's upper stage map"),
            LossInput(name: "teacher", required: true, doc: "the teacher's lower stage map (as many channels)"),
            LossInput(name: "teacher_top", required: true, doc: "the teacher's upper stage map (as many channels)"),
        ],
        shapes: .stagePairs
    ) { _ throws(LossOptionError) in FlowOfSolutionLoss() }
}
