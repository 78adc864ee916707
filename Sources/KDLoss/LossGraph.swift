import KDAutodiff
import KDTensor

/// One loss kind: maps the tensors bound to its roles (e.g. `student`, `teacher`) to a scalar.
public protocol LossFunction: Sendable {
    /// The roles the kind reads, in order (`["input"]`, `["student", "teacher"]`, …).
    var roles: [String] { get }
    /// Whether the kind needs the batch's hard labels.
    var needsLabels: Bool { get }
    /// The loss for one batch.
    func loss(_ inputs: [String: Variable], labels: [Int]?) -> Variable
    /// The roles whose tensors receive gradient when they are recorded (default: all but `teacher`).
    var trainableRoles: [String] { get }
}

extension LossFunction {
    public var trainableRoles: [String] { roles.filter { $0 != "teacher" } }
}

/// A weight that may ramp up linearly over the first epochs (as DKD's warm-up).
public struct LossWeight: Sendable, Equatable {
    /// The weight after warm-up.
    public var value: Float
    /// Epochs over which the weight grows linearly from 0 (0: constant).
    public var warmupEpochs: Double

    public init(_ value: Float, warmupEpochs: Double = 0) {
        self.value = value
        self.warmupEpochs = warmupEpochs
    }

    /// The weight at a fractional epoch.
    public func at(epoch: Double) -> Float {
        warmupEpochs > 0 ? value * Float(min(epoch / warmupEpochs, 1)) : value
    }
}

/// A named, weighted term of the loss graph with its inputs bound to tensor names.
public struct LossTerm: Sendable {
    /// The term's name (its key in the pipeline file and in the metrics).
    public var name: String
    /// The loss kind.
    public var function: any LossFunction
    /// Tensor name per role (`student` → `student.logits`).
    public var bindings: [String: String]
    /// The term's weight.
    public var weight: LossWeight

    public init(name: String, function: any LossFunction, bindings: [String: String], weight: LossWeight) {
        self.name = name
        self.function = function
        self.bindings = bindings
        self.weight = weight
    }
}

/// The total loss: the weighted sum of named terms, each term's value kept for the metrics.
public struct LossGraph: Sendable {
    /// The terms in file order.
    public var terms: [LossTerm]

    public init(terms: [LossTerm]) { self.terms = terms }

    /// A term's inputs could not be found.
    public struct MissingInput: Error, CustomStringConvertible {
        public let term: String, role: String, tensor: String
        public init(term: String, role: String, tensor: String) {
            self.term = term
            self.role = role
            self.tensor = tensor
        }
        public var description: String { "loss term '\(term)': input \(role) = '\(tensor)' was not produced" }
    }

    /// Evaluates every term (or only `active` ones) with tensors looked up by name.
    public func evaluate(
        tensor: (String) -> Variable?, labels: [Int]?, epoch: Double,
        active: Set<String>? = nil
    ) throws -> (total: Variable, terms: [String: Float]) {
        var total: Variable?
        var values: [String: Float] = [:]
        for term in terms where active?.contains(term.name) ?? true {
            var inputs: [String: Variable] = [:]
            for role in term.function.roles {
                let name = term.bindings[role] ?? ""
                guard let v = tensor(name) else { throw MissingInput(term: term.name, role: role, tensor: name) }
                inputs[role] = v
            }
            let value = term.function.loss(inputs, labels: labels)
            values[term.name] = value.value.scalar
            let weighted = value * term.weight.at(epoch: epoch)
            total = total.map { $0 + weighted } ?? weighted
        }
        return (total ?? Variable(constant: Tensor(scalar: 0)), values)
    }
}
