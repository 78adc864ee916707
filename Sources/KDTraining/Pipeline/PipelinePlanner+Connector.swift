import KDNN
import KDPipeline

extension PipelinePlanner {
    /// A connector stage as a plan: the values it reads by field and its options (validation has
    /// filled their defaults and checked their ranges).
    static func connectorPlan(_ stage: StageSpec, _ c: ConnectorSpec, spec: PipelineSpec) throws
        -> TrainingPlan.ConnectorPlan
    {
        guard let kind = ConnectorCatalog.kind(named: c.connector.value) else {
            throw TrainingError.plan(
                c.connector.location, "stages.\(stage.name): unknown connector '\(c.connector.value)'")
        }
        var inputs = ["from": valueName(c.from.value, spec)]
        for (field, reference) in c.references { inputs[field] = valueName(reference.value, spec) }
        var options: [String: Double] = [:]
        for option in kind.options { options[option.name] = try double(stage.node, option.name) }
        return .init(name: stage.name, kind: kind.name, inputs: inputs, options: options)
    }

    /// An `outputs.compose` entry as a plan: the models whose forwards give its connector's `from:`
    /// (the body) and `to:` (the head), as validation checked them.
    static func compositionPlan(_ c: ComposeSpec, spec: PipelineSpec) throws -> TrainingPlan.CompositionPlan {
        guard let (body, head) = PipelineChecks.composedModels(c, spec: spec) else {
            throw TrainingError.plan(
                c.connector.location, "outputs.compose.\(c.name): '\(c.connector.value)' reads no forwards' taps")
        }
        return .init(name: c.name, body: body.model, connector: c.connector.value, head: head.model)
    }
}
