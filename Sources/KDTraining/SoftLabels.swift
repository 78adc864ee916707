import Foundation
import KDCache
import KDData

/// `kdflow cache export` / `import` for a pipeline: the stored stage's store, opened with the
/// fingerprint the trainer keys it by, to or from a soft-label directory (`SoftLabelExport`).
public enum SoftLabels {
    /// Integer columns added to every export beside the key bytes.
    static let columnDocs = [
        "sample.shard": "I64 [n]: the sample's shard in its dataset (decoded from key.sample)",
        "sample.index": "I64 [n]: the sample's index in that shard",
        "view.index": "I64 [n]: the view index (epoch mod K for K recorded views)",
    ]

    /// Exports stored stage `stage` of `plan` (nil: its only stored stage) into `directory`.
    public static func export(plan: TrainingPlan, stage: String?, to directory: URL) throws -> SoftLabelManifest {
        let store = try open(plan: plan, stage: stage)
        return try SoftLabelExport.write(store, to: directory, columnDocs: columnDocs) { key in
            let id = try SampleID(stableBytes: key.sample, origin: store.directory.path)
            let view = try ViewParameters.viewIndex(stableBytes: key.view, origin: store.directory.path)
            return [("sample.shard", Int64(id.shard)), ("sample.index", Int64(id.index)), ("view.index", Int64(view))]
        }
    }

    /// Imports `directory` into stored stage `stage` of `plan` (nil: its only stored stage).
    public static func importing(plan: TrainingPlan, stage: String?, from directory: URL) throws
        -> SoftLabelExport.ImportReport
    {
        try SoftLabelExport.read(directory, into: try open(plan: plan, stage: stage))
    }

    private static func open(plan: TrainingPlan, stage: String?) throws -> TeacherStore {
        let stored = plan.forwards.filter { $0.store != nil }
        guard
            let forward = stage.map({ name in stored.first { $0.name == name } })
                ?? (stored.count == 1 ? stored.first : nil),
            let storePlan = forward.store
        else {
            throw TrainingError.setup(
                "\(plan.name): " + (stage.map { "no stored stage '\($0)'" } ?? "name the stage (--stage)")
                    + "; stored stages: \(stored.map(\.name).joined(separator: ", "))")
        }
        guard let fingerprint = try plan.storeFingerprints()[forward.name] else {
            throw TrainingError.setup("\(plan.name): stage '\(forward.name)' forwards no model")
        }
        return try TeacherStore(directory: storePlan.directory, options: storePlan.options, fingerprint: fingerprint)
    }
}
