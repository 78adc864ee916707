import Foundation

/// `store-accuracy`: the README's KD pipeline (`pipelines/quickstart.yaml`: the small CNN teacher →
/// MLP 784-256-10, 3 epochs, `views: 2`) trained with the same seed without the teacher store and
/// with it in fp32, fp16 and fp16 top-3. fp32 must give a bit-identical student; the lossy
/// encodings must land within noise of the run without the store.
func runStoreAccuracyBenchmark(_ args: [String]) throws {
    let root = referenceDirectory.deletingLastPathComponent().deletingLastPathComponent()
    let kdflow = root.appendingPathComponent(".build/release/kdflow").path
    try runChecked(
        "/usr/bin/env", ["swift", "build", "-c", "release", "--product", "kdflow", "--package-path", root.path])
    let out = root.appendingPathComponent("runs/store-accuracy")
    try? FileManager.default.removeItem(at: out)
    let configs: [(name: String, store: [String])] = [
        ("no store", ["stages.teacher.store.mode=off"]),
        ("fp32", ["stages.teacher.store.precision=fp32"]),
        ("fp16", ["stages.teacher.store.precision=fp16"]),
        ("fp16 top-3", ["stages.teacher.store.precision=fp16", "stages.teacher.store.top_k=3"]),
    ]
    var rows: [(name: String, top1: Double, bytes: Data)] = []
    for (i, config) in configs.enumerated() {
        let dir = out.appendingPathComponent("run\(i)")
        try runChecked(
            kdflow,
            [
                "run", "pipelines/quickstart.yaml", "outputs.dir=\(dir.path)",
                "stages.teacher.store.dir=\(dir.appendingPathComponent("store").path)",
            ] + config.store, in: root)
        let epochs = try epochRecords(dir)
        let top1 = ((epochs.last?["eval"] as? [String: Any])?["student"] as? [String: Any])?["top1"] as? Double ?? .nan
        rows.append((config.name, top1, try Data(contentsOf: dir.appendingPathComponent("student.safetensors"))))
    }
    print("store        student top-1   student weights vs no store")
    for row in rows {
        let same = row.bytes == rows[0].bytes ? "bit-identical" : "differ"
        print(String(format: "%-11@  %13.2f%%   %@", row.name, 100 * row.top1, row.name == "no store" ? "—" : same))
    }
    printJSONLine([
        "no_store_top1": rows[0].top1, "fp32_top1": rows[1].top1, "fp16_top1": rows[2].top1,
        "fp16_top3_top1": rows[3].top1,
        "fp32_bit_identical": rows[1].bytes == rows[0].bytes,
    ])
}
