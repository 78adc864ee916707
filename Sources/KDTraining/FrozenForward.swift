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
    /// The planned forward, for architectures that have one (else the eval-mode `run`).
    let inference: InferencePlan?
    let store: TeacherStore?
    let mode: StorePlan.Mode
    /// The fraction of hits recomputed and compared with what was served.
    let audit: Double

    /// The forward `plan` of a model of `models`, its store opened.
    init(_ plan: TrainingPlan.ForwardPlan, models: ModelSet) throws {
        guard let m = models.models.first(where: { $0.name == plan.model }) else {
            throw TrainingError.setup("stage '\(plan.name)' forwards '\(plan.model)': no such model")
        }
        name = plan.name
        model = m.model
        taps = plan.taps
        inference = InferencePlan(model: m.model, taps: plan.taps)
        guard let storePlan = plan.store, storePlan.mode != .off else {
            store = nil
            mode = .off
            audit = 0
            return
        }
        let fingerprint = TeacherFingerprint(
            model: m.model, plan: m.plan, taps: taps, encoding: storePlan.options.encoding)
        store = try TeacherStore(directory: storePlan.directory, options: storePlan.options, fingerprint: fingerprint)
        mode = storePlan.mode
        audit = storePlan.audit
    }

    /// The outputs for `batch` by tap, from the store where it holds them. With `sharingThreads`, a
    /// forward (not a store read) takes its share of the thread budget (`ThreadBudget.sharing`), as a
    /// pipelined stage running beside others.
    func callAsFunction(_ batch: Batch, sharingThreads: Bool = false) throws -> [String: Tensor] {
        guard let store else { return compute(batch.images, sharingThreads: sharingThreads) }
        let keys = zip(batch.ids, batch.views).map {
            StoreKey(fingerprint: store.fingerprint, sample: $0.stableBytes, view: $1.stableBytes)
        }
        let recorded = (0..<batch.count).filter { !batch.isFresh[$0] }
        var hits = mode == .write ? StoreHits.none : store.lookup(recorded.map { keys[$0] })
        if recorded.count < batch.count {
            // A view bank's fresh draws are never stored: misses, without reading the store.
            hits.positions = hits.positions.map { recorded[$0] }
            hits.isComplete = false
            if mode != .write { store.countFreshDraws(batch.count - recorded.count) }
        }
        if audit > 0 { check(hits, of: batch, keys: keys, store: store, sharingThreads: sharingThreads) }
        if hits.isComplete { return hits.outputs }
        let served = Set(hits.positions)
        let missing = (0..<batch.count).filter { !served.contains($0) }
        let computed = compute(
            hits.positions.isEmpty ? batch.images : batch.images.rows(missing), sharingThreads: sharingThreads)
        if mode != .read {
            let storable = missing.indices.filter { !batch.isFresh[missing[$0]] }
            try store.append(
                storable.map { keys[missing[$0]] },
                outputs: storable.count == missing.count ? computed : computed.mapValues { $0.rows(storable) })
        }
        // Serve what a later hit would: the stored precision (and top-k), so results do not
        // depend on whether a sample was already in the store.
        let fresh = store.options.encoding.isLossless ? computed : store.roundTrip(computed, count: missing.count)
        if hits.positions.isEmpty { return fresh }
        var merged: [String: Tensor] = [:]
        for (tap, value) in fresh {
            guard let stored = hits.outputs[tap] else {
                throw StoreError.invalidOutputs("stored outputs of \(name) lack tap \(tap)")
            }
            merged[tap] = Tensor.interleaving(stored, at: hits.positions, value, at: missing)
        }
        return merged
    }

    /// Recomputes the audited share of `hits` and records their drift in the store's metrics. A
    /// hit is audited when a hash of its key and the epoch falls below `audit`: a pure function,
    /// so the pipelined and inline executors audit the same samples.
    private func check(_ hits: StoreHits, of batch: Batch, keys: [StoreKey], store: TeacherStore, sharingThreads: Bool)
    {
        let rows = hits.positions.indices.filter { i in
            let key = keys[hits.positions[i]].digest
            return Double(CounterRandom(seed: key.high, stream: key.low).uniform(UInt64(batch.epoch))) < audit
        }
        guard !rows.isEmpty else { return }
        let live = store.roundTrip(
            compute(batch.images.rows(rows.map { hits.positions[$0] }), sharingThreads: sharingThreads),
            count: rows.count)
        let served = hits.outputs.mapValues { $0.rows(rows) }
        store.recordAudit(OutputDrift.measure(stored: served, live: live, encoding: store.options.encoding).byTap)
    }

    /// The model's taps on `images`, computed (never from the store).
    func compute(_ images: Tensor, sharingThreads: Bool = false) -> [String: Tensor] {
        let run = {
            inference.map { $0(images) }
                ?? model.run(Variable(constant: images), ForwardContext(tape: nil, training: false)).mapValues(\.value)
        }
        let taps = sharingThreads ? ThreadBudget.sharing(run) : run()
        var out: [String: Tensor] = [:]
        for name in self.taps { out[name] = taps[name] }
        return out
    }
}
