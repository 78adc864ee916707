import ArgumentParser
import Foundation
import KDNN
import KDTraining

/// A pipeline's model with its trained weights loaded, as `eval` and `predict` use it.
struct TrainedModel {
    let plan: TrainingPlan.ModelPlan
    let network: Classifier
    /// The weights file loaded.
    let weights: URL

    /// Model `name` (default: the pipeline's export model) with `weights` (default: the model's
    /// `weights:`, else the run's best.safetensors).
    init(_ plan: TrainingPlan, name: String?, weights: String?, file: String) throws {
        let name = name ?? plan.exportModel
        guard let modelPlan = plan.model(named: name) else { throw ValidationError("no model '\(name)' in \(file)") }
        self.plan = modelPlan
        network = try modelPlan.network(seed: plan.seed)
        self.weights =
            weights.map { URL(fileURLWithPath: $0) } ?? modelPlan.weights
            ?? plan.outputDirectory.appendingPathComponent("best.safetensors")
        try Checkpoint.load(network, from: self.weights)
    }
}
