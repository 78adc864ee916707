import Foundation
import KDCache
import KDLoss
import KDTensor
import KDTraining
import Testing

/// The store at the trainer level: fp32 serves the teacher's exact outputs, so the student ends
/// bit-identical with and without the store, and from epoch `views` on no teacher forward runs.
@Suite(.serialized) struct TeacherStoreTrainingTests {
    func kdPlan(_ name: String, store: StorePlan?) -> TrainingPlan {
        var plan = mlpPlan(name, epochs: 3)
        plan.models.insert(
            .init(name: "teacher", arch: "mlp", inChannels: 1, classes: 10, hidden: [32], frozen: true), at: 0)
        plan.forwards.insert(.init(name: "teacher", model: "teacher", stream: "augment", store: store), at: 0)
        plan.loss = LossGraph(terms: [
            LossTerm(
                name: "ce", function: CrossEntropyLoss(labelSmoothing: 0), bindings: ["input": "student.logits"],
                weight: LossWeight(0.1)),
            LossTerm(
                name: "kd", function: KnowledgeDistillationLoss(temperature: 4, standardize: false),
                bindings: ["student": "student.logits", "teacher": "teacher.logits"], weight: LossWeight(0.9)),
        ])
        return plan
    }

    @Test func fp32StoreGivesIdenticalStudentAndHitsFromEpochViews() throws {
        let plain = try Trainer(plan: kdPlan("store-plain", store: nil), log: { _ in })
        let plainSummary = try plain.run(executor: .inline)
        let dir = runDirectory("store-dir")
        let storePlan = StorePlan(
            model: "teacher", directory: dir, options: StoreOptions(codec: .zstd, encoding: .init(precision: .fp32)))
        let stored = try Trainer(plan: kdPlan("store-on", store: storePlan), log: { _ in })
        let storedSummary = try stored.run(executor: .pipelined)
        #expect(try Data(contentsOf: plainSummary.exported) == Data(contentsOf: storedSummary.exported))
        let epochs = try epochRecords(stored.plan.outputDirectory)
        let rates = epochs.map {
            (($0["store"] as? [String: Any])?["teacher"] as? [String: Any])?["hit_rate"] as? Double
        }
        #expect(rates == [0, 0, 1])
        // A second run starts warm: every epoch hits, and the student is still the same.
        let warm = try Trainer(plan: kdPlan("store-warm", store: storePlan), log: { _ in })
        let warmSummary = try warm.run(executor: .inline)
        #expect(try Data(contentsOf: plainSummary.exported) == Data(contentsOf: warmSummary.exported))
        let warmRates = try epochRecords(warm.plan.outputDirectory)
            .map { (($0["store"] as? [String: Any])?["teacher"] as? [String: Any])?["hit_rate"] as? Double }
        #expect(warmRates == [1, 1, 1])
    }

    @Test func fp16AndTopKStoresTrainToTheSameAccuracyWithinNoise() throws {
        let plain = try Trainer(plan: kdPlan("lossy-plain", store: nil), log: { _ in }).run(executor: .inline)
        for encoding in [PayloadEncoding(precision: .fp16), PayloadEncoding(precision: .fp16, topK: 5)] {
            let storePlan = StorePlan(
                model: "teacher", directory: runDirectory("lossy-dir-\(encoding.topK ?? 0)"),
                options: StoreOptions(encoding: encoding))
            let summary = try Trainer(plan: kdPlan("lossy-\(encoding.topK ?? 0)", store: storePlan), log: { _ in }).run(
                executor: .inline)
            #expect(abs(summary.final["student"]!.top1 - plain.final["student"]!.top1) < 0.02)
        }
    }

    @Test func fillCoversEveryTrainingSource() throws {
        // SSLD reads a labelled and an unlabeled source; a fill must store both.
        var plan = kdPlan(
            "fill-sources",
            store: StorePlan(
                model: "teacher", directory: runDirectory("fill-sources-store"),
                options: StoreOptions(encoding: .init(precision: .fp16))))
        plan.streams[0].views = 1
        plan.trainData.append(fashionTrain)
        let report = try StoreFill.run(plan: plan)
        #expect(report.samples == 70_000)
        #expect(report.metrics["teacher"]?.written == 70_000)
    }
}
