import KDAutodiff
import KDTensor

/// Parameters that share optimiser settings (e.g. no weight decay on BN and biases, another
/// learning rate for connectors).
public struct ParameterGroup {
    /// Parameters by their state-dict names.
    public var parameters: [(String, Parameter)]
    /// Learning rate before the schedule's factor.
    public var learningRate: Float
    /// L2 penalty (SGD, Adam) or decoupled decay (AdamW).
    public var weightDecay: Float

    public init(parameters: [(String, Parameter)], learningRate: Float, weightDecay: Float = 0) {
        self.parameters = parameters
        self.learningRate = learningRate
        self.weightDecay = weightDecay
    }
}

/// The optimiser base: walks the groups, keeps per-parameter state and the step count, and asks
/// a subclass only for one parameter's update.
open class Optimizer {
    /// The parameter groups.
    public var groups: [ParameterGroup]
    /// Multiplies every group's learning rate (set by a schedule before each step).
    public var scheduleFactor: Float = 1
    /// Steps taken.
    private(set) var stepCount: Int = 0
    /// Per-parameter state tensors by parameter name, then by state key (`momentum_buffer`, …).
    public internal(set) var state: [String: [String: Tensor]] = [:]

    public init(groups: [ParameterGroup]) { self.groups = groups }

    /// Applies one update to every parameter that has a gradient.
    public func step(gradient: (Parameter) -> Tensor?) {
        stepCount += 1
        for group in groups {
            let lr = group.learningRate * scheduleFactor
            for (name, p) in group.parameters where p.requiresGrad {
                guard let g = gradient(p) else { continue }
                precondition(g.shape == p.value.shape, "gradient \(g.shape) for parameter \(name) \(p.value.shape)")
                // Taken out (not copied) so the state tensors stay uniquely referenced and the
                // optimiser can update them in place.
                var s = state.removeValue(forKey: name) ?? [:]
                p.value = update(p.value, gradient: g, state: &s, learningRate: lr, weightDecay: group.weightDecay)
                state[name] = s
            }
        }
    }

    /// The new value of one parameter; `state` persists between steps. Subclasses implement it.
    open func update(
        _ value: Tensor, gradient: Tensor, state: inout [String: Tensor],
        learningRate: Float, weightDecay: Float
    ) -> Tensor {
        fatalError("\(type(of: self)) does not implement update")
    }

    /// Restores the step count and state (from `OptimizerState`).
    func restore(stepCount: Int, state: [String: [String: Tensor]]) {
        self.stepCount = stepCount
        self.state = state
    }
}

extension Optimizer {
    /// Applies one update with the gradients a tape computed for the leaves made in `context`.
    public func step(gradients: GradStore, context: ForwardContext) {
        step { p in context.leaf(for: p).flatMap { gradients[$0] } }
    }
}
