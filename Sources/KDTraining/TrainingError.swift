import Foundation
import KDPipeline

/// KDTraining's one error type: what could not be done, and where. (`TrainingStopped` is not one
/// of them: it reports a requested stop, with the progress to resume from.)
public enum TrainingError: Error, CustomStringConvertible {
    /// A value of a pipeline file that the planner cannot honour, at its location.
    case plan(SourceLocation, String)
    /// Models, connectors, stores, data or ranks that cannot be set up as the plan says.
    case setup(String)
    /// A checkpoint file that is damaged or does not fit the pipeline.
    case damagedCheckpoint(file: URL, reason: String)
    /// A run directory's files that cannot be read or compared.
    case report(String)
    /// Stage values not wired as the plan compiled them (a defect, never a user's input).
    case wiring(stage: String, input: String, expected: String)
    /// A loss term became NaN or infinite; the step was not applied.
    case nonFiniteLoss(term: String, epoch: Int, batch: Int, value: Float)
    /// Ranks hold different weights at a check (each rank's fingerprint, by rank).
    case weightsDiverged(step: Int, fingerprints: [UInt64])

    public var description: String {
        switch self {
        case let .plan(location, message): "\(location): error: \(message)"
        case let .setup(message), let .report(message): message
        case let .damagedCheckpoint(file, reason): "\(file.path): \(reason)"
        case let .wiring(stage, input, expected): "stage '\(stage)' expected \(expected) from '\(input)'"
        case let .nonFiniteLoss(term, epoch, batch, value):
            "loss term '\(term)' is \(value) at epoch \(epoch + 1), batch \(batch); stopped before applying the step (the last checkpoint is intact)"
        case let .weightsDiverged(step, fingerprints):
            "weights differ across ranks at step \(step): "
                + fingerprints.enumerated().map { "rank \($0.offset) \(String($0.element, radix: 16))" }.joined(
                    separator: ", ")
        }
    }
}
