import Foundation
import KDData
import KDPipeline

extension PipelineChecks {
    /// Samples of an unlabeled training source carry `Batch.noLabel`; only cross_entropy skips
    /// them, so any other kind reading the labels (dkd) is an error while such a source is listed.
    static func checkLabelReaders(_ spec: PipelineSpec, _ manifests: SourceManifests) -> [Diagnostic] {
        guard let source = spec.data.train.first(where: { isUnlabeled($0, manifests) }) else { return [] }
        return spec.loss.compactMap { term in
            guard term.kind.value != "cross_entropy", let target = term.inputs.first(where: { $0.field == "target" })
            else { return nil }
            return Diagnostic(
                at: target.reference.location, keyPath: "loss.\(term.name).target",
                "\(term.kind.value) needs a label for every sample, but \(source.name) (\(source.shards)) is unlabeled; only cross_entropy skips unlabeled samples"
            )
        }
    }

    /// Unlabeled per the source's manifest once imported, before that per its import entry.
    static func isUnlabeled(_ source: DataSourceSpec, _ manifests: SourceManifests) -> Bool {
        if let manifest = manifests[source] { return !manifest.labeled }
        return source.importer?.node["part"]?.string == "unlabeled" || source.importer?.node["unlabeled"]?.bool == true
    }
}
