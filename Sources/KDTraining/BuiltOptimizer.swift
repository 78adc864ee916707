import KDNN

/// One of the plan's optimisers, built over the model set's parameters.
struct BuiltOptimizer {
    let name: String
    let optimizer: Optimizer
    let plan: TrainingPlan.OptimizerPlan

    init(_ plan: TrainingPlan.OptimizerPlan, models: ModelSet) throws {
        name = plan.name
        self.plan = plan
        optimizer = try Self.make(plan, models: models)
    }

    private static func make(_ plan: TrainingPlan.OptimizerPlan, models: ModelSet) throws -> Optimizer {
        let params = try models.parameters(of: plan.parameters)
        var groups: [ParameterGroup]
        if plan.noDecayOnNormAndBias {
            // BN weights/biases and every bias are 1-D: PyTorch recipes exclude them from decay.
            let decayed = params.filter { $0.1.value.rank > 1 }, plain = params.filter { $0.1.value.rank <= 1 }
            groups = [
                ParameterGroup(parameters: decayed, learningRate: plan.learningRate, weightDecay: plan.weightDecay),
                ParameterGroup(parameters: plain, learningRate: plan.learningRate, weightDecay: 0),
            ]
        } else {
            groups = [
                ParameterGroup(parameters: params, learningRate: plan.learningRate, weightDecay: plan.weightDecay)
            ]
        }
        switch plan.kind {
        case .sgd: return SGD(groups: groups, momentum: plan.momentum, nesterov: plan.nesterov && plan.momentum > 0)
        case .adam: return Adam(groups: groups)
        case .adamw: return Adam(groups: groups, decoupled: true)
        }
    }
}
