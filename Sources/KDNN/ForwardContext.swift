import KDAutodiff
import KDTensor

/// Everything one forward pass needs besides the input: the tape (nil: no gradients), the mode,
/// the dropout randomness, the batch's training-data positions, and the named taps it collects.
public final class ForwardContext {
    /// The tape gradients are recorded on; nil for evaluation and frozen teachers.
    public let tape: Tape?
    /// Training mode: batch statistics in BatchNorm (and running-stat updates), active dropout.
    public let training: Bool
    /// Randomness for dropout, a pure function of (seed, step).
    public let random: CounterRandom
    /// Each batch sample's dense position in the training data (0..<N), for connectors that keep
    /// per-sample state (crd's memory bank); nil where the pass has no training samples.
    public let samplePositions: [Int]?
    /// Tensors recorded by name during the pass (`logits`, `layer3.preact`, …).
    public private(set) var taps: [String: Variable] = [:]
    private var leaves: [ObjectIdentifier: Variable] = [:]
    private var dropoutCalls: UInt64 = 0

    /// A context for one pass.
    public init(
        tape: Tape?, training: Bool, random: CounterRandom = CounterRandom(seed: 0), samplePositions: [Int]? = nil
    ) {
        self.tape = tape
        self.training = training
        self.random = random
        self.samplePositions = samplePositions
    }

    /// The variable for a parameter in this pass: a tape leaf when trainable and recording, a
    /// constant otherwise. Each parameter gets one leaf per pass.
    public func variable(_ p: Parameter) -> Variable {
        guard let tape, p.requiresGrad else { return Variable(constant: p.value) }
        let key = ObjectIdentifier(p)
        if let v = leaves[key] { return v }
        let v = tape.variable(p.value)
        leaves[key] = v
        return v
    }

    /// The leaf made for `p` in this pass, if any (to read its gradient).
    public func leaf(for p: Parameter) -> Variable? { leaves[ObjectIdentifier(p)] }

    /// Records a named tap.
    public func tap(_ name: String, _ v: Variable) { taps[name] = v }

    /// A fresh random stream for one dropout call.
    func nextDropoutStream() -> CounterRandom {
        dropoutCalls += 1
        return random.substream(dropoutCalls)
    }
}
