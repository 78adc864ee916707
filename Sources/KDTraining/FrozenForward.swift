import KDAutodiff
import KDCache
import KDData
import KDNN
import KDTensor

/// A frozen forward stage: one frozen model on one stream, in evaluation mode with no tape; emits
/// its taps by name. With a store it serves stored outputs: on a full batch hit it does not run, on
/// a partial hit only the missing samples go through it.
struct FrozenForward {
    let name: String
    let model: Classifier
    let taps: [String]
    let store: TeacherStore?
    let mode: StorePlan.Mode

    /// The forward `plan` of a model of `models`, its store opened.
    init(_ plan: TrainingPlan.ForwardPlan, models: ModelSet) throws {
        guard let m = models.models.first(where: { $0.name == plan.model }) else {
            throw ModelSet.BuildError(message: "stage '\(plan.name)' forwards '\(plan.model)': no such model")
        }
        name = plan.name
        model = m.model
        taps = plan.taps
        guard let storePlan = plan.store, storePlan.mode != .off else {
            store = nil
            mode = .off
            return
        }
        let fingerprint = TeacherFingerprint(model: m.model, plan: m.plan, taps: taps, encoding: storePlan.options.encoding)
        store = try TeacherStore(directory: storePlan.directory, options: storePlan.options, fingerprint: fingerprint)
        mode = storePlan.mode
    }

    /// The outputs for `batch` by tap, from the store where it holds them. With `sharingThreads`, a
    /// forward (not a store read) takes its share of the thread budget (`ThreadBudget.sharing`), as a
    /// pipelined stage running beside others.
    func callAsFunction(_ batch: Batch, sharingThreads: Bool = false) throws -> [String: Tensor] {
        guard let store else { return forward(batch.images, sharingThreads: sharingThreads) }
        let keys = zip(batch.ids, batch.views).map {
            StoreKey(fingerprint: store.fingerprint, sample: $0.stableBytes, view: $1.stableBytes)
        }
        let hits = mode == .write ? StoreHits.none : store.lookup(keys)
        if hits.isComplete { return hits.outputs }
        let served = Set(hits.positions)
        let missing = (0..<batch.count).filter { !served.contains($0) }
        let computed = forward(hits.positions.isEmpty ? batch.images : batch.images.rows(missing), sharingThreads: sharingThreads)
        if mode != .read { try store.append(missing.map { keys[$0] }, outputs: computed) }
        // Serve what a later hit would: the stored precision (and top-k), so results do not
        // depend on whether a sample was already in the store.
        let fresh = store.options.encoding.isLossless ? computed : store.roundTrip(computed, count: missing.count)
        if hits.positions.isEmpty { return fresh }
        var merged: [String: Tensor] = [:]
        for (tap, value) in fresh {
            guard let stored = hits.outputs[tap] else { throw StoreError.invalidOutputs("stored outputs of \(name) lack tap \(tap)") }
            merged[tap] = Tensor.interleaving(stored, at: hits.positions, value, at: missing)
        }
        return merged
    }

    private func forward(_ images: Tensor, sharingThreads: Bool) -> [String: Tensor] {
        let run = { model.run(Variable(constant: images), ForwardContext(tape: nil, training: false)) }
        let taps = sharingThreads ? ThreadBudget.sharing(run) : run()
        var out: [String: Tensor] = [:]
        for name in self.taps { out[name] = taps[name]?.value }
        return out
    }
}
