import KDAutodiff
import KDCache
import KDData
import KDNN
import KDTensor

/// The teacher stage: frozen models in evaluation mode, no tape; emits their requested taps as
/// constants named `model.tap`. A teacher with a store serves stored outputs: on a full batch
/// hit it does not run, on a partial hit only the missing samples go through it.
struct TeacherForward {
    struct Teacher {
        let name: String
        let model: Classifier
        let taps: [String]
        let store: TeacherStore?
        let mode: StorePlan.Mode
    }

    let teachers: [Teacher]

    init(models: ModelSet, stores: [StorePlan] = []) throws {
        teachers = try models.models.filter(\.plan.frozen).map { m in
            let taps = Self.storedTaps(m.plan)
            guard let plan = stores.first(where: { $0.model == m.name }), plan.mode != .off else {
                return Teacher(name: m.name, model: m.model, taps: taps, store: nil, mode: .off)
            }
            let fingerprint = TeacherFingerprint(model: m.model, plan: m.plan, taps: taps, encoding: plan.options.encoding)
            let store = try TeacherStore(directory: plan.directory, options: plan.options, fingerprint: fingerprint)
            return Teacher(name: m.name, model: m.model, taps: taps, store: store, mode: plan.mode)
        }
    }

    var isEmpty: Bool { teachers.isEmpty }

    /// The taps a teacher emits (and stores): those the plan reads, and always `logits`.
    static func storedTaps(_ plan: TrainingPlan.ModelPlan) -> [String] { Array(Set(plan.taps + ["logits"])).sorted() }

    /// The teachers' outputs for `batch`, from their stores where they hold them. With
    /// `sharingThreads`, teacher forwards (not store reads) take their share of the thread budget
    /// (`ThreadBudget.sharing`), as a pipelined stage running beside the student.
    func callAsFunction(_ batch: Batch, sharingThreads: Bool = false) throws -> [String: Tensor] {
        var out: [String: Tensor] = [:]
        for t in teachers {
            for (tap, value) in try outputs(of: t, batch, sharingThreads: sharingThreads) {
                out["\(t.name).\(tap)"] = value
            }
        }
        return out
    }

    /// The store counters of each stored teacher since the last call, by model name.
    func takeStoreMetrics() -> [String: StoreMetrics] {
        var result: [String: StoreMetrics] = [:]
        for t in teachers { if let store = t.store { result[t.name] = store.takeMetrics() } }
        return result
    }

    /// Makes stored outputs durable and saves the indexes (at epoch ends).
    func flushStores() throws {
        for t in teachers { try t.store?.flush() }
    }

    private func outputs(of t: Teacher, _ batch: Batch, sharingThreads: Bool) throws -> [String: Tensor] {
        guard let store = t.store else { return forward(t, batch.images, sharingThreads: sharingThreads) }
        let keys = zip(batch.ids, batch.views).map {
            StoreKey(fingerprint: store.fingerprint, sample: $0.stableBytes, view: $1.stableBytes)
        }
        let hits = t.mode == .write ? StoreHits.none : store.lookup(keys)
        if hits.isComplete { return hits.outputs }
        let served = Set(hits.positions)
        let missing = (0..<batch.count).filter { !served.contains($0) }
        let computed = forward(t, hits.positions.isEmpty ? batch.images : batch.images.rows(missing),
                               sharingThreads: sharingThreads)
        if t.mode != .read { try store.append(missing.map { keys[$0] }, outputs: computed) }
        // Serve what a later hit would: the stored precision (and top-k), so results do not
        // depend on whether a sample was already in the store.
        let fresh = store.options.encoding.isLossless ? computed : store.roundTrip(computed, count: missing.count)
        if hits.positions.isEmpty { return fresh }
        var merged: [String: Tensor] = [:]
        for (tap, value) in fresh {
            guard let stored = hits.outputs[tap] else { throw StoreError.invalidOutputs("stored outputs of \(t.name) lack tap \(tap)") }
            merged[tap] = Tensor.interleaving(stored, at: hits.positions, value, at: missing)
        }
        return merged
    }

    private func forward(_ t: Teacher, _ images: Tensor, sharingThreads: Bool) -> [String: Tensor] {
        let run = { t.model.run(Variable(constant: images), ForwardContext(tape: nil, training: false)) }
        let taps = sharingThreads ? ThreadBudget.sharing(run) : run()
        var out: [String: Tensor] = [:]
        for name in t.taps { out[name] = taps[name]?.value }
        return out
    }
}
