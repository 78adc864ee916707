import Foundation
import KDCache
import KDLoss
import KDTensor
import KDTraining
import Testing

/// KD from a small MLP teacher whose logits go through an fp16 store.
func storedKDPlan(_ name: String, epochs: Int) -> TrainingPlan {
    var plan = mlpPlan(name, epochs: epochs)
    plan.models.insert(
        .init(name: "teacher", arch: "mlp", inChannels: 1, classes: 10, hidden: [32], frozen: true), at: 0)
    plan.forwards.insert(
        .init(
            name: "teacher", model: "teacher", stream: "augment",
            store: StorePlan(
                model: "teacher", directory: runDirectory(name + "-store"),
                options: StoreOptions(encoding: .init(precision: .fp16)))), at: 0)
    plan.loss = LossGraph(terms: [
        LossTerm(
            name: "kd", function: KnowledgeDistillationLoss(temperature: 4, standardize: false),
            bindings: ["student": "student.logits", "teacher": "teacher.logits"], weight: LossWeight(1))
    ])
    return plan
}

/// `kdflow cache audit` and `store: {audit: F}`: stored outputs against the live teacher.
@Suite(.serialized) struct StoreAuditTests {
    func filledPlan(_ name: String) throws -> TrainingPlan {
        let plan = storedKDPlan(name, epochs: 2)
        _ = try StoreFill.run(plan: plan)
        return plan
    }

    @Test func passesOnAFilledStoreAndNamesAForgedRecord() throws {
        let plan = try filledPlan("audit-forged")
        let clean = try StoreAudit.run(plan: plan, fraction: 0.2, seed: 1)
        #expect(clean.count == 1 && clean[0].records == 100 && clean[0].audited == 20)
        #expect(clean[0].drifted.isEmpty && clean[0].foreign.isEmpty)
        #expect(clean[0].drift["logits"]?.argmaxAgreement == 1)
        #expect(clean[0].drift["logits"]!.maxAbsDifference <= 0.01)

        // Forge: the same keys stored again (valid checksums, newer record served) with one logit moved.
        let store = try TeacherStore(
            directory: plan.forwards[0].store!.directory, options: plan.forwards[0].store!.options,
            fingerprint: try plan.storeFingerprints()["teacher"]!)
        let victim = try store.records().records[7]
        var logits = victim.served["logits"]!
        logits.withUnsafeMutableBufferPointer { $0[3 * 10 + 2] += 1 }
        try store.append(victim.keys, outputs: ["logits": logits])
        try store.flush()
        let forged = try StoreAudit.run(plan: plan, fraction: 1, seed: 1)[0]
        #expect(forged.audited == 100)
        #expect(forged.drifted.count == 1)
        #expect(forged.drifted.first?.samples.count == 1)
        #expect(forged.drift["logits"]?.exceeding == 1)
    }

    @Test func trainingAuditsTheConfiguredShareOfHits() throws {
        var plan = try filledPlan("audit-training")
        plan.forwards[0].store?.audit = 0.25
        let trainer = try Trainer(plan: plan, log: { _ in })
        _ = try trainer.run(executor: .inline)
        for record in try epochRecords(trainer.plan.outputDirectory) {
            let store = (record["store"] as? [String: Any])?["teacher"] as? [String: Any]
            let audit = (store?["audit"] as? [String: Any])?["logits"] as? [String: Any]
            let samples = try #require(audit?["samples"] as? Int)
            #expect(abs(Double(samples) / 10_000 - 0.25) < 0.02)
            #expect(audit?["exceeding"] as? Int == 0)
            #expect(audit?["argmax_agreement"] as? Double == 1)
        }
    }
}

/// A view bank (`views: 2, fresh: 0.25`): from epoch 2 on a quarter of the samples take a fresh
/// view the store neither serves nor keeps.
@Suite(.serialized) struct ViewBankTrainingTests {
    func bankPlan(_ name: String) -> TrainingPlan {
        var plan = storedKDPlan(name, epochs: 4)
        plan.streams[0].fresh = 0.25
        return plan
    }

    @Test func hitsThreeQuartersAfterTheBankIsRecordedAndPipelinedEqualsInline() throws {
        let pipelined = try Trainer(plan: bankPlan("bank-pipelined"), log: { _ in })
        let a = try pipelined.run(executor: .pipelined)
        let inline = try Trainer(plan: bankPlan("bank-inline"), log: { _ in })
        let b = try inline.run(executor: .inline)
        #expect(try Data(contentsOf: a.exported) == Data(contentsOf: b.exported))
        let stores = try epochRecords(pipelined.plan.outputDirectory).map {
            ($0["store"] as? [String: Any])?["teacher"] as? [String: Any]
        }
        let rates = stores.map { $0?["hit_rate"] as? Double ?? -1 }
        #expect(rates[0] == 0 && rates[1] == 0)
        for rate in rates[2...] { #expect(abs(rate - 0.75) < 0.05) }
        // Fresh draws are never stored: the store holds exactly the two recorded views.
        #expect(stores.compactMap { $0?["written"] as? Int }.reduce(0, +) == 20_000)
        #expect(stores.map { $0?["fresh"] as? Int ?? -1 }[2...].allSatisfy { abs(Double($0) / 10_000 - 0.25) < 0.05 })
    }
}
