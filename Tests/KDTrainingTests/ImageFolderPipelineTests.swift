import Foundation
import Testing

/// `import: {kind: folder, …}` in a pipeline and `kdflow predict`, through the real binary, on the
/// PNG/JPEG fixtures of KDDataTests.
@Suite struct ImageFolderPipelineTests {
    static let images = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("KDDataTests/Fixtures")

    @Test func runImportsTheFolderAndPredictNamesItsClasses() throws {
        let dir = runDirectory("image-folder")
        let folder = dir.appendingPathComponent("images")
        let fm = FileManager.default
        for (label, names) in [("bag", ["rgb.png", "rgb.jpg"]), ("coat", ["gray.png", "gray.jpg", "palette.png"])] {
            try fm.createDirectory(at: folder.appendingPathComponent(label), withIntermediateDirectories: true)
            for name in names {
                try fm.copyItem(
                    at: Self.images.appendingPathComponent(name), to: folder.appendingPathComponent("\(label)/\(name)"))
            }
        }
        let source = "{shards: \(dir.path)/shards, import: {kind: folder, path: \(folder.path), size: 6, channels: 1}}"
        let file = dir.appendingPathComponent("pipeline.yaml")
        try """
        kdflow: 1
        name: image-folder
        epochs: 1
        data: {train: \(source), eval: \(source), batch: 5}
        models: {net: {arch: mlp, in_channels: 1, classes: 2, image_size: 6, hidden: [4]}}
        stages:
          augment: {from: data.train, ops: [{normalize: {mean: [0.5], std: [0.25]}}]}
          net: {forward: net, from: augment}
        loss: {ce: {kind: cross_entropy, input: net.logits, target: augment.labels}}
        optimisers: {net: {kind: sgd, lr: 0.1, params: [net]}}
        outputs: {dir: \(dir.path)/run}
        """.write(to: file, atomically: true, encoding: .utf8)
        let run = try runKdflow(["run", file.path])
        #expect(run.status == 0 && run.output.contains("importing image folder"), "\(run.output)")

        let files = ["rgb.jpg", "palette.png"].map {
            folder.appendingPathComponent(($0 == "rgb.jpg" ? "bag/" : "coat/") + $0).path
        }
        let predicted = try runKdflow(["predict", file.path] + files + ["--top", "2"])
        let lines = predicted.output.split(separator: "\n")
        #expect(predicted.status == 0 && lines.count == 2, "\(predicted.output)")
        for (line, path) in zip(lines, files) {
            // "PATH: bag 0.6123, coat 0.3877" (either order): both class names, probabilities summing to 1.
            #expect(line.hasPrefix(path + ": ") && line.contains("bag ") && line.contains("coat "), "\(line)")
            let probabilities = line.split(separator: " ").compactMap {
                Double($0.trimmingCharacters(in: .punctuationCharacters))
            }
            #expect(abs(probabilities.reduce(0, +) - 1) < 1e-3, "\(line)")
        }
    }
}
