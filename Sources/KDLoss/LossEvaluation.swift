import KDAutodiff
import KDTensor

/// One loss kind evaluated on given tensors, with the gradient of each trainable input
/// (what `kdflow loss` prints and writes).
public struct LossEvaluation: Sendable {
    /// The loss value.
    public var value: Float
    /// d loss / d input per trainable input name (`student`, and `teacher` for dml and distance).
    public var gradients: [String: Tensor]

    /// Evaluates `kind` with `options` on `inputs` by role (a kind whose first role is not
    /// `student`, as cross_entropy's `input`, takes the `student` tensor there); labels for the
    /// kinds that need them.
    public static func evaluate(
        kind: String, options: LossOptions, inputs: [String: Tensor],
        labels: [Int]?
    ) throws -> LossEvaluation {
        try evaluate(try LossCatalog.make(kind, options), kind: kind, inputs: inputs, labels: labels)
    }

    /// Evaluates `function` (of kind `kind`, for messages) on `inputs` by role.
    public static func evaluate(
        _ function: any LossFunction, kind: String, inputs: [String: Tensor],
        labels: [Int]?
    ) throws -> LossEvaluation {
        if function.needsLabels && labels == nil { throw LossEvaluationError.missingLabels(kind: kind) }
        let tape = Tape()
        var variables: [String: Variable] = [:], inputName: [String: String] = [:]
        for role in function.roles {
            let name = inputs[role] == nil && role == function.roles.first ? "student" : role
            guard let value = inputs[name] else { throw LossEvaluationError.missingInput(kind: kind, role: role) }
            inputName[role] = name
            variables[role] = function.trainableRoles.contains(role) ? tape.variable(value) : Variable(constant: value)
        }
        let loss = function.loss(variables, labels: labels)
        let grads = tape.gradients(of: loss)
        var gradients: [String: Tensor] = [:]
        for role in function.trainableRoles {
            if let v = variables[role] { gradients[inputName[role]!] = grads[v] ?? Tensor.zeros(v.shape) }
        }
        return LossEvaluation(value: loss.value.scalar, gradients: gradients)
    }
}

/// `LossEvaluation` was asked for something the kind cannot do.
enum LossEvaluationError: Error, CustomStringConvertible {
    case missingLabels(kind: String)
    case missingInput(kind: String, role: String)

    public var description: String {
        switch self {
        case .missingLabels(let kind): "\(kind) needs labels (--labels)"
        case .missingInput(let kind, let role): "\(kind) needs its \(role) input (--\(role))"
        }
    }
}
