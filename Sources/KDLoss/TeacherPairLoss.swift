import KDAutodiff
import KDTensor

/// A kind without options that compares the student's tensor with a constant teacher tensor
/// (rkd_angle, sp, nst, cc, hcl): the function is the whole kind.
struct TeacherPairLoss: LossFunction {
    let compute: @Sendable (_ student: Variable, _ teacher: Tensor) -> Variable

    /// The kind computing `compute(student, teacher)`.
    public init(_ compute: @escaping @Sendable (_ student: Variable, _ teacher: Tensor) -> Variable) {
        self.compute = compute
    }

    public var roles: [String] { ["student", "teacher"] }
    public var needsLabels: Bool { false }
    public func loss(_ inputs: [String: Variable], labels: [Int]?) -> Variable {
        compute(inputs["student"]!, inputs["teacher"]!.value)
    }
}
