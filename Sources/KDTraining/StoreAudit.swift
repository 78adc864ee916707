import Foundation
import KDCache
import KDData
import KDTensor

/// `kdflow cache audit`: recomputes a seeded random fraction of a stored stage's records with
/// the live teacher and compares them with what the store serves, tap by tap, against the
/// stored precision's tolerance (`PayloadEncoding.driftTolerance`).
public enum StoreAudit {
    /// What auditing one stored stage found.
    public struct Report: Sendable {
        public var stage: String
        public var directory: URL
        public var encoding: PayloadEncoding
        /// Records of this teacher the index serves from, and how many were recomputed.
        public var records = 0, audited = 0
        /// Records of this teacher that fail their checks (never served).
        public var damaged = 0
        /// Audited records whose samples or views this pipeline does not draw (another dataset or
        /// augmentation): their samples are never looked up by this pipeline, so not recomputed.
        public var foreign: [String] = []
        public var drift: [String: OutputDrift] = [:]
        /// Records with a sample beyond tolerance, each with those samples (`dataset/shard/index view v`).
        public var drifted: [(record: String, samples: [String])] = []
    }

    /// Audits every stored stage of `plan`: `fraction` of each store's records, chosen by `seed`.
    public static func run(plan: TrainingPlan, fraction: Double, seed: UInt64) throws -> [Report] {
        let data = try DatasetUnion(directories: plan.trainData)
        let models = try ModelSet(plan: plan)
        var reports: [Report] = []
        for forwardPlan in plan.forwards where forwardPlan.store != nil {
            let forward = try FrozenForward(forwardPlan, models: models)
            guard let store = forward.store, let stream = plan.stream(named: forwardPlan.stream) else { continue }
            let augmenter = try plan.augmenter(stream, input: data.layout)
            let (records, damaged) = try store.records()
            var report = Report(stage: forwardPlan.name, directory: store.directory, encoding: store.options.encoding)
            report.records = records.count
            report.damaged = damaged
            let chosen =
                records.isEmpty
                ? []
                : EpochOrder.permutation(count: records.count, seed: seed, epoch: 0)
                    .prefix(max(1, Int((fraction * Double(records.count)).rounded(.up)))).sorted()
            for record in chosen.map({ records[$0] }) {
                guard let images = try render(record, data: data, augmenter: augmenter) else {
                    report.foreign.append(record.location)
                    continue
                }
                let live = store.roundTrip(forward.compute(images.pixels), count: record.keys.count)
                let (byTap, rows) = OutputDrift.measure(
                    stored: record.served, live: live, encoding: store.options.encoding)
                for (tap, drift) in byTap { report.drift[tap, default: OutputDrift()].merge(drift) }
                report.audited += 1
                if !rows.isEmpty { report.drifted.append((record.location, rows.sorted().map { images.names[$0] })) }
            }
            reports.append(report)
        }
        return reports
    }

    /// The record's samples rendered as this pipeline's stream draws them, or nil when one is
    /// not in the training data or its stored view is not the one the stream draws for it.
    private static func render(
        _ record: StoredRecord, data: DatasetUnion,
        augmenter: Augmenter
    ) throws -> (pixels: Tensor, names: [String])? {
        var rows: [(id: SampleID, index: Int, parameters: ViewParameters)] = []
        for key in record.keys {
            let id = try SampleID(stableBytes: key.sample, origin: record.location)
            let view = try ViewParameters.viewIndex(stableBytes: key.view, origin: record.location)
            let parameters = augmenter.parameters(for: id, view: view)
            guard let index = data.index(of: id), parameters.stableBytes == key.view else { return nil }
            rows.append((id, index, parameters))
        }
        let per = augmenter.outputCount
        let pixels = Tensor(shape: Shape([rows.count] + augmenter.outputDims)) { out in
            for (n, row) in rows.enumerated() {
                data.withPixels(at: row.index) {
                    augmenter.render(
                        $0, parameters: row.parameters,
                        into: UnsafeMutableBufferPointer(rebasing: out[(n * per)..<((n + 1) * per)]))
                }
            }
        }
        let names = rows.map { "\($0.id) view \($0.parameters.view)" }
        return (pixels, names)
    }
}
