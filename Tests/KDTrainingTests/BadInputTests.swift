import Foundation
import Testing

/// Bad files, arrays, options and checkpoints through the real binary: each ends in a clear error
/// (exit status 1, never a signal or a hang) or a correct result, and no file kdflow did not write
/// is deleted.
@Suite(.serialized) struct BadInputTests {
    /// A small valid pipeline on Fashion-MNIST's test split; `RUN` is replaced by its run directory.
    static let base = """
        kdflow: 1
        name: bad-input
        seed: 3
        epochs: 1
        data:
          train: {shards: \(fashionTest.path)}
          eval: {shards: \(fashionTest.path)}
          batch: 1000
        models:
          teacher: {arch: mlp, in_channels: 1, classes: 10, hidden: [8], frozen: true}
          student: {arch: mlp, in_channels: 1, classes: 10, hidden: [16]}
        stages:
          augment: {from: data.train, ops: [{hflip: 0.5}, {normalize: {mean: [0.286], std: [0.353]}}], views: 1}
          teacher: {forward: teacher, from: augment, store: {precision: fp32}}
          student: {forward: student, from: augment}
        loss:
          ce: {kind: cross_entropy, input: student.logits, target: augment.labels}
          kd: {kind: kd, student: student.logits, teacher: teacher.logits}
        optimisers:
          student: {kind: sgd, lr: 0.05, params: [student]}
        outputs: {dir: RUN}

        """

    /// A scratch directory of its own for one case.
    func scratch(_ name: String) throws -> URL {
        let dir = runDirectory("bad-\(name)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Writes the base pipeline (with `replacing` applied) into `dir`, its run directory beside it.
    func pipeline(in dir: URL, _ replacing: [String: String] = [:]) throws -> String {
        var text = Self.base.replacingOccurrences(of: "RUN", with: dir.appendingPathComponent("run").path)
        for (old, new) in replacing { text = text.replacingOccurrences(of: old, with: new) }
        let file = dir.appendingPathComponent("pipeline.yaml").path
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    /// Runs kdflow: exit status (nil when a signal ended it) and standard output + error.
    func kdflow(_ arguments: [String]) throws -> (status: Int32?, output: String) {
        let p = Process()
        p.executableURL = kdflowBinary
        p.arguments = arguments
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        return (p.terminationReason == .exit ? p.terminationStatus : nil, output)
    }

    /// Expects exit status 1 and `message` in the output.
    func expectError(_ arguments: [String], _ message: String, sourceLocation: SourceLocation = #_sourceLocation) throws
    {
        let (status, output) = try kdflow(arguments)
        #expect(
            status == 1, "\(arguments): status \(status.map(String.init) ?? "signal")\n\(output)",
            sourceLocation: sourceLocation)
        #expect(
            output.contains(message), "\(arguments): wanted '\(message)' in:\n\(output)", sourceLocation: sourceLocation
        )
    }

    /// A user's file, and a check that it is still there, unchanged.
    func userFile(_ url: URL) throws -> () -> Bool {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("my thesis".utf8).write(to: url)
        return { (try? Data(contentsOf: url)) == Data("my thesis".utf8) }
    }

    @Test func outOfRangeAndOversizedValuesAreLocated() throws {
        let file = try pipeline(in: try scratch("ranges"))
        let cases: [(String, String)] = [
            ("loss.ce.weight=-1", "error: loss.ce.weight: must be ≥ 0, got -1"),
            ("loss.ce.label_smoothing=2", "error: loss.ce.label_smoothing: must be in [0, 1), got 2"),
            ("loss.kd.temperature=-2", "error: loss.kd.temperature: must be > 0, got -2"),
            ("stages.augment.ops=[{hflip: 7}]", "error: stages.augment.ops.0.hflip: must be in [0, 1], got 7"),
            (
                "stages.augment.ops=[{normalize: {mean: [0.3], std: [0]}}]",
                "error: stages.augment.ops.0.normalize.std.0: must be > 0, got 0"
            ),
            ("optimisers.student.lr=0", "error: optimisers.student.lr: must be > 0, got 0"),
            (
                "models.student.hidden=[100000000]",
                "error: models.student.hidden.0: expected an integer in [1, 65536], got integer 100000000"
            ),
            (
                "models.student.classes=5",
                "error: models.student.classes: model 'student' outputs 5 classes, but the labels of data.train"
            ),
            ("data.batch=20000", "error: data.batch: batch 20000 is larger than the 10000 training samples"),
        ]
        for (override, message) in cases { try expectError(["validate", file, override], message) }
    }

    @Test func aDivergingRunExitsWithItsOwnStatus() throws {
        let dir = try scratch("diverge")
        let (status, output) = try kdflow(["run", try pipeline(in: dir, ["lr: 0.05": "lr: 1.0e30"])])
        #expect(status == 3, "status \(status.map(String.init) ?? "signal")\n\(output)")
        #expect(output.contains("is nan") || output.contains("is inf"), "\(output)")
    }

    @Test func aDamagedManifestIsLocated() throws {
        let dir = try scratch("manifest")
        let shards = dir.appendingPathComponent("shards")
        try FileManager.default.createDirectory(at: shards, withIntermediateDirectories: true)
        try Data("{\"format\": 3".utf8).write(to: shards.appendingPathComponent("manifest.json"))
        let file = try pipeline(in: dir, ["train: {shards: \(fashionTest.path)}": "train: {shards: \(shards.path)}"])
        try expectError(
            ["validate", file],
            "error: data.train.shards: \(shards.path)/manifest.json: not a kdflow dataset manifest (not JSON)")
    }

    @Test func anAliasBombIsRefusedQuickly() throws {
        let dir = try scratch("bomb")
        var lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
        for i in 1..<9 {
            lines.append("a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 9).joined(separator: ", ") + "]")
        }
        let file = dir.appendingPathComponent("bomb.yaml").path
        try (lines.joined(separator: "\n") + "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let start = Date()
        try expectError(["validate", file], "the document expands to more than 100000 values")
        #expect(Date().timeIntervalSince(start) < 10)
    }

    @Test func aTrainedByCycleIsNamed() throws {
        let dir = try scratch("cycle")
        let file = dir.appendingPathComponent("pipeline.yaml").path
        _ = try pipeline(
            in: dir,
            [
                "hidden: [8], frozen: true}":
                    "hidden: [8], frozen: true, weights: \(dir.path)/missing.safetensors, trained_by: \(file)}"
            ])
        try expectError(["run", file], "error: models.teacher.trained_by: cycle: \(file) → \(file)")
    }

    @Test func importingIntoAFolderThatIsNotADatasetIsRefused() throws {
        let dir = try scratch("import-pipeline")
        let shards = dir.appendingPathComponent("data")
        let intact = try userFile(shards.appendingPathComponent("thesis.txt"))
        let file = try pipeline(
            in: dir,
            [
                "train: {shards: \(fashionTest.path)}":
                    "train: {shards: \(shards.path), import: {kind: idx, path: /usr/share/datasets/fashion-mnist, split: test}}"
            ])
        try expectError(
            ["run", file],
            "error: data.train.shards: \(shards.path): holds 1 entries (thesis.txt) and no kdflow manifest")
        #expect(intact())

        let target = try scratch("import-command")
        let inTrain = try userFile(target.appendingPathComponent("train/thesis.txt"))
        try expectError(["import", "fashion-mnist", "--to", target.path, "--overwrite"], "no kdflow manifest")
        #expect(inTrain())
    }

    @Test func reruns_keepUserFiles_andDamagedCheckpointsAreRefused() throws {
        let dir = try scratch("rerun")
        let file = try pipeline(in: dir)
        let run = dir.appendingPathComponent("run")
        let notes = try userFile(run.appendingPathComponent("checkpoints/notes.txt"))
        let stepNamed = try userFile(run.appendingPathComponent("checkpoints/step-notes.txt"))
        let segmentNamed = try userFile(run.appendingPathComponent("store/teacher/mine.kdcs"))
        for _ in 0..<2 {
            let (status, output) = try kdflow(["run", file])
            #expect(status == 0, "\(output)")
        }
        #expect(notes() && stepNamed() && segmentNamed())
        let (pruned, pruneOutput) = try kdflow(["cache", "prune", file])
        #expect(pruned == 0 && pruneOutput.contains("left alone, not written by kdflow: mine.kdcs"), "\(pruneOutput)")
        #expect(segmentNamed())
        // Exported weights must be the pipeline's model.
        try expectError(["export", file, "models.student.hidden=[32]"], "does not fit the model")

        let checkpoints = run.appendingPathComponent("checkpoints")
        let pointer = checkpoints.appendingPathComponent("last.json")
        let original = try Data(contentsOf: pointer)
        let json = try JSONSerialization.jsonObject(with: original) as! [String: Any]
        let weights = checkpoints.appendingPathComponent(json["weights"] as! String)
        var progress = json["progress"] as! [String: Any]
        progress["batchInEpoch"] = 1_000_000_000_000
        var forged = json
        forged["progress"] = progress
        try JSONSerialization.data(withJSONObject: forged).write(to: pointer)
        try expectError(["run", file, "--resume"], "does not fit this pipeline's 1 epochs of 10 batches")
        try original.write(to: pointer)

        var bytes = try Data(contentsOf: weights)
        bytes[bytes.count - 3] ^= 0x40
        try bytes.write(to: weights)
        try expectError(["run", file, "--resume"], "its SHA-256 differs from the one last.json recorded")
    }

    @Test func aRunLeftByAnOlderKdflowIsReplacedOrRefusedClearly() throws {
        let dir = try scratch("older-run")
        let file = try pipeline(in: dir)
        let checkpoints = dir.appendingPathComponent("run/checkpoints")
        try FileManager.default.createDirectory(at: checkpoints, withIntermediateDirectories: true)
        let old = ["step-00000007.safetensors", "step-00000007.student.optim.safetensors"]
        for name in old { try Data("old".utf8).write(to: checkpoints.appendingPathComponent(name)) }
        let pointer =
            #"{"progress": {"epoch": 0, "batchInEpoch": 7, "globalStep": 7, "bestTop1": -1, "bestEpoch": -1},"#
            + #" "weights": "step-00000007.safetensors", "optimizers": {"student": "step-00000007.student.optim.safetensors"}}"#
        try Data(pointer.utf8).write(to: checkpoints.appendingPathComponent("last.json"))
        try expectError(
            ["run", file, "--resume"], "was written by a kdflow without checkpoint digests; start a fresh run")
        let (status, output) = try kdflow(["run", file])
        #expect(status == 0, "\(output)")
        for name in old {
            #expect(!FileManager.default.fileExists(atPath: checkpoints.appendingPathComponent(name).path))
        }
    }

    /// A float32 `.npy` of `shape`, values 0.1, 0.2, …
    func npy(_ url: URL, shape: [Int], values: [Double]? = nil, descr: String = "<f4") throws {
        let dims = shape.map(String.init).joined(separator: ", ") + (shape.count == 1 ? "," : "")
        var header = "{'descr': '\(descr)', 'fortran_order': False, 'shape': (\(dims)), }"
        header += String(repeating: " ", count: (64 - (10 + header.utf8.count + 1) % 64) % 64) + "\n"
        var data = Data(
            [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)])
        data.append(contentsOf: Array(header.utf8))
        let count = shape.reduce(1, *)
        for i in 0..<count {
            let v = values?[i] ?? Double(i % 7) / 10
            if descr == "<i8" {
                withUnsafeBytes(of: Int64(v).littleEndian) { data.append(contentsOf: $0) }
            } else {
                withUnsafeBytes(of: Float(v).bitPattern.littleEndian) { data.append(contentsOf: $0) }
            }
        }
        try data.write(to: url)
    }

    @Test func lossArraysOfTheWrongShapeAreRefused() throws {
        let dir = try scratch("loss-arrays")
        func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
        try npy(dir.appendingPathComponent("s.npy"), shape: [8, 10])
        try npy(dir.appendingPathComponent("t7.npy"), shape: [8, 7])
        try npy(dir.appendingPathComponent("t6.npy"), shape: [6, 10])
        try npy(dir.appendingPathComponent("zero-d.npy"), shape: [])
        try npy(dir.appendingPathComponent("labels2d.npy"), shape: [8, 1], descr: "<i8")
        try npy(
            dir.appendingPathComponent("labels-out.npy"), shape: [8], values: [0, 1, 2, 3, 4, 5, 6, 12], descr: "<i8")
        try npy(dir.appendingPathComponent("labels-few.npy"), shape: [3], descr: "<i8")
        let cases: [([String], String)] = [
            (["kd", "--student", path("s.npy"), "--teacher", path("t7.npy")], "shapes differ"),
            (
                ["dkd", "--student", path("s.npy"), "--teacher", path("t6.npy"), "--labels", path("labels-few.npy")],
                "shapes differ"
            ),
            (["rkd_distance", "--student", path("s.npy"), "--teacher", path("t6.npy")], "row counts differ"),
            (["kd", "--student", path("zero-d.npy"), "--teacher", path("zero-d.npy")], "needs a batch of rows"),
            (
                ["cross_entropy", "--student", path("s.npy"), "--labels", path("labels2d.npy")],
                "labels must be one-dimensional"
            ),
            (
                ["cross_entropy", "--student", path("s.npy"), "--labels", path("labels-out.npy")],
                "label 12 (row 7) is not one of the 10 classes"
            ),
            (["cross_entropy", "--student", path("s.npy"), "--labels", path("labels-few.npy")], "3 labels for 8 rows"),
            (["kd", "--student", path("s.npy"), "--teacher", path("s.npy"), "--set", "temperature=-2"], "must be > 0"),
        ]
        for (arguments, message) in cases { try expectError(["loss"] + arguments, message) }
    }

    /// IDX files of `labels` (one 4×4 image each).
    func idx(_ dir: URL, labels: [UInt8]) throws -> (images: URL, labels: URL) {
        let n = UInt32(labels.count).bigEndian
        var images = Data([0, 0, 8, 3]), labelData = Data([0, 0, 8, 1])
        for value in [n, UInt32(4).bigEndian, UInt32(4).bigEndian] {
            withUnsafeBytes(of: value) { images.append(contentsOf: $0) }
        }
        images.append(contentsOf: [UInt8](repeating: 7, count: labels.count * 16))
        withUnsafeBytes(of: n) { labelData.append(contentsOf: $0) }
        labelData.append(contentsOf: labels)
        let urls = (dir.appendingPathComponent("images.idx"), dir.appendingPathComponent("labels.idx"))
        try images.write(to: urls.0)
        try labelData.write(to: urls.1)
        return urls
    }

    @Test func labelsBeyondTheModelsClassesAreRefused() throws {
        let dir = try scratch("labels")
        let raw = try idx(dir, labels: [0, 1, 200, 3])
        let shards = dir.appendingPathComponent("shards")
        let (imported, output) = try kdflow(["import", "idx", raw.images.path, raw.labels.path, "--to", shards.path])
        #expect(imported == 0, "\(output)")
        let file = try pipeline(
            in: dir,
            [
                "train: {shards: \(fashionTest.path)}": "train: {shards: \(shards.path)}",
                "eval: {shards: \(fashionTest.path)}": "eval: {shards: \(shards.path)}",
                "batch: 1000": "batch: 2",
                "in_channels: 1, classes: 10, hidden: [8]": "in_channels: 1, classes: 10, image_size: 4, hidden: [8]",
                "in_channels: 1, classes: 10, hidden: [16]": "in_channels: 1, classes: 10, image_size: 4, hidden: [16]",
            ])
        try expectError(
            ["validate", file],
            "error: models.student.classes: model 'student' outputs 10 classes, but the labels of data.train")
    }
}
