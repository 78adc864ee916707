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

    /// An idx import splits by at most one rule, and writes a part that rule has: `unlabeled` is
    /// labeled_fraction's rest, `held_out` is hold_out_per_class's.
    static func checkImportParts(_ spec: PipelineSpec) -> [Diagnostic] {
        (spec.data.train + [spec.data.eval].compactMap { $0 }).compactMap { source in
            guard let node = source.importer?.node, source.importer?.kind.value == "idx" else { return nil }
            let part = node.entry("part")
            let (fraction, heldOut) = (node["labeled_fraction"] != nil, node["hold_out_per_class"] != nil)
            let path = "\(source.name).import"
            if fraction && heldOut {
                return Diagnostic(
                    at: node.location, keyPath: path, "labeled_fraction and hold_out_per_class: choose one split")
            }
            switch part?.value.string {
            case "unlabeled" where !fraction:
                return Diagnostic(
                    at: part!.value.location, keyPath: path + ".part", "part: unlabeled needs labeled_fraction")
            case "held_out" where !heldOut:
                return Diagnostic(
                    at: part!.value.location, keyPath: path + ".part", "part: held_out needs hold_out_per_class")
            default:
                return nil
            }
        }
    }

    /// Unlabeled per the source's manifest once imported, before that per its import entry.
    static func isUnlabeled(_ source: DataSourceSpec, _ manifests: SourceManifests) -> Bool {
        if let manifest = manifests[source] { return !manifest.labeled }
        return source.importer?.node["part"]?.string == "unlabeled" || source.importer?.node["unlabeled"]?.bool == true
    }
}
