import KDTensor

/// Records the operations of one forward pass so that `gradients(of:)` can run them backwards.
///
/// A tape belongs to one thread at a time (one training step); it is not Sendable.
public final class Tape {
    /// A backward rule: given the output gradient and which inputs need a gradient, returns one
    /// gradient (or nil) per input.
    typealias Backward = (_ gradOutput: Tensor, _ needs: [Bool]) -> [Tensor?]

    struct Node {
        let inputs: [Int]
        let backward: Backward?
    }

    private var nodes: [Node] = []
    private var recording = true

    /// A new empty tape.
    public init() {}

    /// Number of recorded variables.
    public var count: Int { nodes.count }

    /// A trainable leaf: gradients flow into it.
    public func variable(_ value: Tensor) -> Variable {
        nodes.append(Node(inputs: [], backward: nil))
        return Variable(value: value, id: nodes.count - 1, tape: self)
    }

    /// Runs `body` without recording: every variable made inside is a constant (frozen teachers,
    /// evaluation).
    func withoutRecording<R>(_ body: () throws -> R) rethrows -> R {
        let was = recording
        recording = false
        defer { recording = was }
        return try body()
    }

    /// Records an op's result; returns a constant when no input is on a recording tape.
    static func record(_ value: Tensor, _ inputs: [Variable], backward: @escaping Backward) -> Variable {
        guard let tape = inputs.lazy.compactMap(\.tape).first, tape.recording else {
            return Variable(constant: value)
        }
        let ids = inputs.map { $0.tape === tape ? $0.id : -1 }
        precondition(inputs.allSatisfy { $0.tape == nil || $0.tape === tape }, "variables from different tapes")
        tape.nodes.append(Node(inputs: ids, backward: backward))
        return Variable(value: value, id: tape.nodes.count - 1, tape: tape)
    }

    /// Reverse-mode gradients of `output` with respect to every variable it depends on.
    /// `seed` is the output's gradient (default: ones, i.e. d output / d output).
    public func gradients(of output: Variable, seed: Tensor? = nil) -> GradStore {
        precondition(output.tape === self, "gradients(of:) of a variable not recorded on this tape")
        var grads = [Tensor?](repeating: nil, count: output.id + 1)
        grads[output.id] = seed ?? Tensor.ones(output.value.shape)
        var needed = [Bool](repeating: false, count: output.id + 1)
        needed[output.id] = true
        for id in stride(from: output.id, through: 0, by: -1) where needed[id] {
            for input in nodes[id].inputs where input >= 0 { needed[input] = true }
        }
        var leaves: [Int: Tensor] = [:]
        for id in stride(from: output.id, through: 0, by: -1) {
            guard let g = grads[id] else { continue }
            let node = nodes[id]
            guard let backward = node.backward else {
                leaves[id] = g
                continue
            }
            grads[id] = nil
            let needs = node.inputs.map { $0 >= 0 && needed[$0] }
            let inputGrads = backward(g, needs)
            for (input, grad) in zip(node.inputs, inputGrads) where input >= 0 {
                guard let grad else { continue }
                if let existing = grads[input] { grads[input] = existing + grad } else { grads[input] = grad }
            }
        }
        return GradStore(byID: leaves)
    }
}

/// Gradients of trainable leaves, keyed by variable.
public struct GradStore {
    let byID: [Int: Tensor]

    /// The gradient of a leaf variable, or nil when the output does not depend on it.
    public subscript(_ variable: Variable) -> Tensor? { byID[variable.id] }

    /// Number of leaves that received a gradient.
    public var count: Int { byID.count }
}
