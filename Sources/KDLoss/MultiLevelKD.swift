import KDAutodiff
import KDTensor

/// Multi-level logit distillation (Jin et al., CVPR 2023) as its anchor code computes it
/// (Multi-Level-Logit-Distillation / logit-standardization-KD `MLKD.py`, the terms it returns):
/// over the temperatures T₀, 3, 5, 2, 6, instance-level KD on the weak views scaled by the share of
/// samples whose teacher confidence is at most the median, plus KD on the strong views at T₀, 3, 5
/// and on the weak views at 2, 6 unscaled; class-level consistency of the Cᵀ·C prediction Gram
/// matrices on the weak views scaled by the share of classes whose summed teacher probability is at
/// most the median; batch-level consistency of the N×N Gram matrices on the weak views scaled like
/// the instance term (class level ‖PₜᵀPₜ − PₛᵀPₛ‖²/C, batch level ‖PₜPₜᵀ − PₛPₛᵀ‖²/N, P = softmax(z/T)).
/// Medians are NumPy's (linear interpolation). The teachers carry no gradient.
func multiLevelDistillation(
    studentWeak: Variable, teacherWeak: Tensor, studentStrong: Variable, teacherStrong: Tensor,
    temperature: Float, standardize: Bool
) -> Variable {
    let confidence = teacherWeak.softmax()
    let (n, c) = (confidence.shape[0], confidence.shape[1])
    let rows = (0..<n).map { i in (0..<c).map { confidence.scalars[i * c + $0] }.max()! }
    let columns = (0..<c).map { j in (0..<n).reduce(Float(0)) { $0 + confidence.scalars[$1 * c + j] } }
    let sampleShare = share(atMostMedian: rows), classShare = share(atMostMedian: columns)
    // Logit standardisation applies to the KD terms only, as in the anchor.
    let sw = standardize ? studentWeak.standardizedRows() : studentWeak
    let ss = standardize ? studentStrong.standardizedRows() : studentStrong
    let teacherW = standardize ? Variable(constant: teacherWeak).standardizedRows().value : teacherWeak
    let teacherS = standardize ? Variable(constant: teacherStrong).standardizedRows().value : teacherStrong
    func kd(_ s: Variable, _ t: Tensor, _ temperature: Float) -> Variable {
        knowledgeDistillation(student: s, teacher: t, temperature: temperature)
    }
    var total = Variable(constant: Tensor(scalar: 0))
    for (index, temperature) in [temperature, 3, 5, 2, 6].enumerated() {
        // The anchor adds the weak-view KD of its last two temperatures (2, 6) a second time, unscaled.
        let weakKD = kd(sw, teacherW, temperature) * (sampleShare + (index >= 3 ? 1 : 0))
        let ps = (studentWeak * (1 / temperature)).softmax()
        let pt = Variable(constant: (teacherWeak * (1 / temperature)).softmax())
        let classLevel =
            (pt.matmul(pt, transposeSelf: true) - ps.matmul(ps, transposeSelf: true)).squared().sum() * (1 / Float(c))
        let batchLevel =
            (pt.matmul(pt, transposeOther: true) - ps.matmul(ps, transposeOther: true)).squared().sum() * (1 / Float(n))
        total = total + weakKD + classLevel * classShare + batchLevel * sampleShare
    }
    for temperature in [temperature, 3, 5] { total = total + kd(ss, teacherS, temperature) }
    return total
}

/// The fraction of `values` at most their median (NumPy's 50th percentile, linear interpolation).
private func share(atMostMedian values: [Float]) -> Float {
    let sorted = values.sorted()
    let position = Float(sorted.count - 1) * 0.5
    let low = Int(position.rounded(.down)), high = Int(position.rounded(.up))
    let median = sorted[low] + (sorted[high] - sorted[low]) * (position - Float(low))
    return Float(values.filter { $0 <= median }.count) / Float(values.count)
}

/// The `mlkd` kind: the student's and the teacher's logits on a weak and on a strong view of the
/// same samples (two streams of the pipeline).
struct MultiLevelKDLoss: LossFunction {
    public var temperature: Float
    public var standardize: Bool
    public init(temperature: Float, standardize: Bool) {
        self.temperature = temperature
        self.standardize = standardize
    }
    public var roles: [String] { ["student", "teacher", "student_strong", "teacher_strong"] }
    public var trainableRoles: [String] { ["student", "student_strong"] }
    public var needsLabels: Bool { false }
    public func loss(_ inputs: [String: Variable], labels: [Int]?) -> Variable {
        multiLevelDistillation(
            studentWeak: inputs["student"]!, teacherWeak: inputs["teacher"]!.value,
            studentStrong: inputs["student_strong"]!, teacherStrong: inputs["teacher_strong"]!.value,
            temperature: temperature, standardize: standardize)
    }
}

extension LossKind {
    static let multiLevel = LossKind(
        name: "mlkd",
        doc:
            "multi-level logit distillation: instance, class and batch alignment over temperatures T, 3, 5, 2, 6 on weak and strong views",
        inputs: [
            LossInput(name: "student", required: true, doc: "the student's logits on the weak view"),
            LossInput(name: "teacher", required: true, doc: "the teacher's logits on the weak view"),
            LossInput(name: "student_strong", required: true, doc: "the student's logits on the strong view"),
            LossInput(name: "teacher_strong", required: true, doc: "the teacher's logits on the strong view"),
        ],
        options: [.temperature(4), .standardize],
        shapes: .logits
    ) { o throws(LossOptionError) in
        MultiLevelKDLoss(temperature: try o.number("temperature"), standardize: try o.flag("standardize"))
    }
}
