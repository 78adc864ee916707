import Foundation
import KDData
import KDTensor

/// `kdbench data [--epochs N]`: Fashion-MNIST shard read + shuffle + pad-crop/flip/normalise
/// throughput on one core, beside the NumPy reference (Benchmarks/reference/data.py).
/// Last line: JSON with `samples_per_s` (shard open and verify + one epoch, best of N).
func runDataBenchmark(_ args: [String]) throws {
    ThreadBudget.threads = 1
    var epochs = 3
    if let i = args.firstIndex(of: "--epochs"), i + 1 < args.count, let n = Int(args[i + 1]) { epochs = max(1, n) }
    let source = FashionMNIST.source(train: true)
    let work = FileManager.default.temporaryDirectory.appendingPathComponent("kdbench-data-\(getpid())")
    defer { try? FileManager.default.removeItem(at: work) }

    let importStart = Date()
    try DatasetImport.run(
        source, name: "fashion-mnist-train", to: work.appendingPathComponent("train"),
        options: ImportOptions(classes: FashionMNIST.classes))
    let importSeconds = Date().timeIntervalSince(importStart)

    var best = (total: Double.infinity, open: 0.0, epoch: 0.0)
    var checksum: Float = 0
    for epoch in 0..<epochs {
        let t0 = Date()
        let dataset = try ShardedDataset(directory: work.appendingPathComponent("train"))
        let t1 = Date()
        let augmenter = try Augmenter(
            ops: [
                .padCrop(size: 28, pad: 2), .hflip(probability: 0.5),
                .normalize(mean: [FashionMNIST.mean], std: [FashionMNIST.std]),
            ],
            views: 4, seed: 7, input: dataset.layout)
        let loader = try DataLoader(dataset: dataset, batchSize: 128, seed: 7, augmenter: augmenter)
        var samples = 0
        for batch in loader.epoch(epoch) {
            samples += batch.count
            checksum += batch.images.scalars[0]
        }
        let t2 = Date()
        precondition(samples == dataset.count)
        let total = t2.timeIntervalSince(t0)
        if total < best.total { best = (total, t1.timeIntervalSince(t0), t2.timeIntervalSince(t1)) }
    }
    let n = 60_000.0
    let samplesPerSecond = n / best.total
    let epochSamplesPerSecond = n / best.epoch
    let reference = runReference()

    print(
        "data: Fashion-MNIST train (60000 × 1×28×28 uint8), pad_crop 28/2 + hflip 0.5 + normalize, batch 128, 1 thread")
    print(String(format: "  import (gunzip + parse + write shards): %.2f s", importSeconds))
    print(String(format: "  kdflow  open+verify shards %.3f s, epoch %.3f s", best.open, best.epoch))
    print(
        String(
            format: "  kdflow  %10.0f samples/s (open + epoch), %10.0f samples/s (epoch only)", samplesPerSecond,
            epochSamplesPerSecond))
    if let reference {
        print(String(format: "  numpy   %10.0f samples/s (np.load + epoch, reference)", reference))
    } else {
        print("  numpy   reference unavailable (python3 with numpy not found)")
    }
    print(String(format: "  (checksum %.4f)", checksum))
    var json = String(
        format: "{\"samples_per_s\": %.0f, \"epoch_samples_per_s\": %.0f, \"target_samples_per_s\": 50000",
        samplesPerSecond, epochSamplesPerSecond)
    if let reference {
        json += String(
            format: ", \"reference_samples_per_s\": %.0f, \"ratio\": %.2f", reference, samplesPerSecond / reference)
    }
    print(json + "}")
}

/// Runs Benchmarks/reference/data.py; its last stdout line is its samples/s.
private func runReference() -> Double? {
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../reference/data.py").standardized
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", script.path]
    process.environment = ProcessInfo.processInfo.environment.merging(
        ["OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"]) { $1 }
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    do { try process.run() } catch { return nil }
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0, let text = String(data: output, encoding: .utf8),
        let last = text.split(separator: "\n").last
    else { return nil }
    return Double(last.trimmingCharacters(in: .whitespaces))
}
