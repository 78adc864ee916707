import ArgumentParser
import Foundation
import KDNN
import KDTraining

/// A pipeline's model or composition with its trained weights loaded, as `eval` and `predict` use it.
struct TrainedModel {
    let interface: TrainingPlan.Interface
    let network: Classifier
    /// The weights file loaded.
    let weights: URL

    /// Model or composition `name` (default: the pipeline's export model) with `weights` (default:
    /// the model's `weights:`, else the run's best.safetensors).
    init(_ plan: TrainingPlan, name: String?, weights: String?, file: String) throws {
        let name = name ?? plan.exportModel
        guard let interface = plan.interface(of: name) else {
            throw ValidationError("no model or composition '\(name)' in \(file)")
        }
        self.interface = interface
        network = try ModelSet(plan: plan, loadingWeights: false).classifier(name)!
        self.weights =
            weights.map { URL(fileURLWithPath: $0) } ?? plan.model(named: name)?.weights
            ?? plan.outputDirectory.appendingPathComponent("best.safetensors")
        try Checkpoint.load(network, from: self.weights)
    }
}
