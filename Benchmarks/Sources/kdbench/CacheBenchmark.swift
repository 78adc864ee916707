import Foundation
import KDAutodiff
import KDCache
import KDData
import KDLoss
import KDNN
import KDTensor
import KDTraining

/// The store benchmark's two setups: the issue's (a resnet20 teacher → resnet8 student on the
/// 60,000 training images, 8 epochs) and `--quick` (a cnn teacher → MLP 1200-1200 student on the
/// 10,000 test images, 6 epochs), both `views: 4` with fp16 + zstd 3 logits.
private struct CacheSetup {
    var teacher: String, student: String, hidden: [Int], epochs: Int, split: String

    static let full = CacheSetup(teacher: "resnet20", student: "resnet8", hidden: [], epochs: 8, split: "train")
    static let quick = CacheSetup(teacher: "cnn", student: "mlp", hidden: [1200, 1200], epochs: 6, split: "test")
}

/// `cache [--quick] [--warm-only] [--teacher-weights FILE]`: KD with the teacher store against the same
/// pipeline with no teacher at all. Reports cold and warm epoch times, the teacher's share of a
/// cold epoch, the store's bytes per sample·view, and per codec/precision/top-k: payload bytes,
/// compression ratio and decode throughput on the teacher's logits. The teacher's weights
/// (default `runs/fashion-teacher/best.safetensors` for resnet20, when present) only change how
/// well its logits compress; an untrained teacher is used otherwise, and said so.
func runCacheBenchmark(_ args: [String]) throws {
    let setup = args.contains("--quick") ? CacheSetup.quick : CacheSetup.full
    // --warm-only reuses the store a previous run filled and measures only the alternating epochs.
    let warmOnly = args.contains("--warm-only")
    let weightsArg = args.firstIndex(of: "--teacher-weights").map { URL(fileURLWithPath: args[$0 + 1]) }
    let defaultWeights = URL(fileURLWithPath: "runs/fashion-teacher/best.safetensors")
    let weights =
        weightsArg
        ?? (setup.teacher == "resnet20" && FileManager.default.fileExists(atPath: defaultWeights.path)
            ? defaultWeights : nil)
    let epochs = setup.epochs
    let root = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("kdflow-bench-data")
    try FashionMNIST.importMissing(root: root)
    let splits = FashionMNIST.shardDirectories(root: root)
    let data = setup.split == "train" ? splits.train : splits.test
    print(
        "setup: \(setup.teacher) teacher (\(weights?.path ?? "untrained")) → \(setup.student) student, Fashion-MNIST \(setup.split) split, views 4, \(epochs) epochs, batch 128"
    )
    let storeDir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("kdflow-bench-cache-store")
    if !warmOnly { try? FileManager.default.removeItem(at: storeDir) }
    let normalize = AugmentOp.normalize(mean: [0.286], std: [0.353])
    func plan(_ name: String, teacher: Bool, epochs: Int, views: Int = 4, fresh: Double = 0) -> TrainingPlan {
        var terms = [
            LossTerm(
                name: "ce", function: CrossEntropyLoss(labelSmoothing: 0), bindings: ["input": "student.logits"],
                weight: LossWeight(teacher ? 0.1 : 1))
        ]
        if teacher {
            terms.append(
                LossTerm(
                    name: "kd", function: KnowledgeDistillationLoss(temperature: 4, standardize: false),
                    bindings: ["student": "student.logits", "teacher": "teacher.logits"], weight: LossWeight(0.9)))
        }
        return TrainingPlan(
            name: name, seed: 3, phases: [.init(name: "main", epochs: epochs)], batchSize: 128, trainData: [data],
            evalData: nil,
            streams: [
                .init(
                    name: "augment", ops: [.padCrop(size: 28, pad: 2), .hflip(probability: 0.5), normalize],
                    views: views, fresh: fresh)
            ],
            forwards: (teacher
                ? [
                    TrainingPlan.ForwardPlan(
                        name: "teacher", model: "teacher", stream: "augment",
                        store: StorePlan(
                            model: "teacher", directory: storeDir,
                            options: StoreOptions(codec: .zstd, level: 3, encoding: PayloadEncoding(precision: .fp16))))
                ] : [])
                + [.init(name: "student", model: "student", stream: "augment")],
            models: (teacher
                ? [
                    TrainingPlan.ModelPlan(
                        name: "teacher", arch: setup.teacher, inChannels: 1, classes: 10, weights: weights, frozen: true
                    )
                ] : [])
                + [.init(name: "student", arch: setup.student, inChannels: 1, classes: 10, hidden: setup.hidden)],
            loss: LossGraph(terms: terms),
            optimizers: [.init(name: "student", learningRate: 0.05, momentum: 0.9, parameters: ["student"])],
            outputDirectory: URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent(
                "kdflow-bench-cache-\(name)"),
            exportModel: "student")
    }

    func mean(_ v: [Double]) -> Double { v.reduce(0, +) / Double(max(v.count, 1)) }
    func r3(_ x: Double) -> Double { (x * 1000).rounded() / 1000 }
    var json: [String: Any] = [:]
    if !warmOnly {
        let kdTrainer = try Trainer(plan: plan("kd-store", teacher: true, epochs: epochs), log: { _ in })
        _ = try kdTrainer.run()
        let kd = try epochRecords(kdTrainer.plan.outputDirectory)
        let seconds = kd.map { $0["train_seconds"] as! Double }
        let hitRates = kd.map {
            ((($0["store"] as? [String: Any])?["teacher"] as? [String: Any])?["hit_rate"] as? Double) ?? .nan
        }
        let cold = Array(seconds.prefix(4)), warm = Array(seconds.dropFirst(4))
        let teacherBusy =
            (kd[0]["stages"] as? [[String: Any]] ?? []).first { $0["name"] as? String == "teacher" }?["busy_s"]
            as? Double ?? .nan
        print("epoch  seconds  store hit rate")
        for (i, s) in seconds.enumerated() {
            print(
                String(
                    format: "%5d  %7.2f  %6.3f%@", i + 1, s, hitRates[i],
                    i < 4 ? "  (cold: view \(i) first seen)" : "  (warm)"))
        }
        print(
            String(
                format: "cold epoch %.2f s (teacher busy %.2f s = %.0f%% of it), warm epoch %.2f s",
                mean(cold), teacherBusy, 100 * teacherBusy / seconds[0], mean(warm)))
        json["cold_epoch_s"] = r3(mean(cold))
        json["warm_epoch_s"] = r3(mean(warm))
        json["teacher_share_of_cold"] = r3(teacherBusy / seconds[0])
    }
    // Warm epochs and student-only epochs alternate, so a change in the machine's load between
    // them cannot pass for a difference between them.
    var warmPaired: [Double] = [], studentPaired: [Double] = []
    for round in 0..<2 {
        for teacher in [true, false] {
            let trainer = try Trainer(
                plan: plan(teacher ? "kd-warm-\(round)" : "student-only-\(round)", teacher: teacher, epochs: 1),
                log: { _ in })
            _ = try trainer.run()
            let record = try epochRecords(trainer.plan.outputDirectory)[0]
            let hitRate =
                (((record["store"] as? [String: Any])?["teacher"] as? [String: Any])?["hit_rate"] as? Double) ?? .nan
            if teacher {
                warmPaired.append(record["train_seconds"] as! Double)
            } else {
                studentPaired.append(record["train_seconds"] as! Double)
            }
            print(
                String(
                    format: "round %d  %@  %7.2f s%@", round + 1, teacher ? "warm KD epoch     " : "student-only epoch",
                    record["train_seconds"] as! Double,
                    teacher ? String(format: "  (store hit rate %.3f)", hitRate) : ""))
        }
    }
    let inspection = try StoreInspection.inspect(storeDir, decode: false)
    let payloadPerSample =
        Double(inspection.byFingerprint.values.map(\.storedBytes).reduce(0, +))
        / Double(max(inspection.distinctKeys, 1))
    let diskPerSample = Double(inspection.bytes) / Double(max(inspection.distinctKeys, 1))
    print(
        String(
            format:
                "store (fp16, zstd 3, logits): %.1f stored bytes per sample·view (payload and sample/view identity), %.1f on disk with framing",
            payloadPerSample, diskPerSample))

    // The view bank against the warm store: one view (view 0, stored above) so the second epoch
    // already draws fresh views with probability p; that epoch is measured.
    print("view bank (warm store)  fresh p  epoch s  store hit rate")
    var bankRows: [[String: Any]] = []
    for p in [0, 0.25, 1.0] {
        let trainer = try Trainer(plan: plan("bank-\(p)", teacher: true, epochs: 2, views: 1, fresh: p), log: { _ in })
        _ = try trainer.run()
        let record = try epochRecords(trainer.plan.outputDirectory)[1]
        let hitRate =
            (((record["store"] as? [String: Any])?["teacher"] as? [String: Any])?["hit_rate"] as? Double) ?? .nan
        let seconds = record["train_seconds"] as! Double
        print(String(format: "%30.2f  %7.2f  %14.3f", p, seconds, hitRate))
        bankRows.append(["fresh": p, "epoch_s": r3(seconds), "hit_rate": r3(hitRate)])
    }
    json["view_bank"] = bankRows

    let codecRows = try codecTable(plan("codec-source", teacher: true, epochs: 1))
    let warmOverStudent = mean(warmPaired) / mean(studentPaired)
    print(String(format: "warm / student only %.3f (target ≤ 1.15; alternating epochs)", warmOverStudent))
    json["warm_over_student_only"] = r3(warmOverStudent)
    json["warm_paired_epoch_s"] = r3(mean(warmPaired))
    json["student_only_epoch_s"] = r3(mean(studentPaired))
    json["fp16_zstd_logits_stored_bytes_per_sample_view"] = r3(payloadPerSample)
    json["fp16_zstd_bytes_per_sample_view_on_disk"] = r3(diskPerSample)
    json["codecs"] = codecRows
    printJSONLine(json)
}

/// Stored bytes (logits and identities), ratio and decode throughput per codec × precision × top-k on the teacher's
/// logits of 2,048 sample·views, stored in batches of 128 as training does; decoding reads each
/// record from the segment (no decoded-record cache), as a cold lookup does.
private func codecTable(_ plan: TrainingPlan) throws -> [[String: Any]] {
    let data = try ShardedDataset(directory: plan.trainData[0])
    let augmenter = try plan.augmenter(plan.streams[0], input: data.layout)
    let loader = try DataLoader(dataset: data, batchSize: 128, shuffle: false, seed: plan.seed, augmenter: augmenter)
    let teacher = try ModelSet(plan: plan).model("teacher")!
    var batches: [(keys: [StoreKey], logits: Tensor)] = []
    let order = Array(0..<data.count)
    let probe = TeacherFingerprint(
        arch: "probe", options: [:], weights: [], taps: ["logits"], encoding: .init(precision: .fp32))
    for b in 0..<16 {
        let batch = loader.batch(b, epoch: 0, order: order)
        let logits = teacher.run(Variable(constant: batch.images), ForwardContext(tape: nil, training: false))[
            "logits"]!.value
        batches.append(
            (
                zip(batch.ids, batch.views).map {
                    StoreKey(fingerprint: probe, sample: $0.stableBytes, view: $1.stableBytes)
                }, logits
            ))
    }
    let samples = batches.count * 128
    let configs: [(String, Codec, Int)] = [
        ("zstd-1", .zstd, 1), ("zstd-3", .zstd, 3), ("zstd-9", .zstd, 9), ("lz4", .lz4, 0), ("none", .none, 0),
    ]
    var rows: [[String: Any]] = []
    print("codec    precision  logits   stored B/sample·view  ratio  read+decode k samples/s")
    for (label, codec, level) in configs {
        for precision in [StoredPrecision.fp32, .fp16] {
            for topK in [nil, 3] as [Int?] {
                let dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent(
                    "kdflow-bench-codec-\(label)-\(precision)-\(topK ?? 0)")
                try? FileManager.default.removeItem(at: dir)
                let store = try TeacherStore(
                    directory: dir,
                    options: StoreOptions(
                        codec: codec, level: level, encoding: .init(precision: precision, topK: topK),
                        decodedCacheBytes: 0),
                    fingerprint: probe)
                for b in batches { try store.append(b.keys, outputs: ["logits": b.logits]) }
                try store.flush()
                let payload =
                    Double(
                        try StoreInspection.inspect(dir, decode: false).byFingerprint.values.map(\.storedBytes).reduce(
                            0, +)) / Double(samples)
                let raw = Double(topK.map { 2 * $0 + precision.width * ($0 + 1) } ?? 10 * precision.width)
                _ = store.takeMetrics()
                let started = Date()
                let passes = 10
                for _ in 0..<passes { for b in batches { precondition(store.lookup(b.keys).isComplete) } }
                let decode = Date().timeIntervalSince(started) / Double(passes)
                let throughput = Double(samples) / decode / 1e3
                let shape = topK.map { "top-\($0)" } ?? "full"
                print(
                    String(
                        format: "%-8@ %-9@  %-7@  %20.1f  %5.2f  %10.1f", label, precision.description, shape, payload,
                        raw / payload, throughput))
                rows.append([
                    "codec": label, "precision": precision.description, "logits": shape,
                    "stored_bytes_per_sample_view": (payload * 10).rounded() / 10,
                    "ratio": ((raw / payload) * 100).rounded() / 100,
                    "decode_k_samples_per_s": throughput.rounded(),
                ])
                try? FileManager.default.removeItem(at: dir)
            }
        }
    }
    return rows
}
