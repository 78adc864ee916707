import Foundation
@testable import KDNN
@testable import KDTensor
import Testing

@Suite struct CheckpointTests {
    func tempURL(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("kdflow-tests-\(getpid())-\(name)")
    }

    @Test func roundTripIsBitIdentical() throws {
        let model = try ModelZoo.make("resnet8", inChannels: 1, classes: 10, seed: 3)
        let url = tempURL("rt.safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try Checkpoint.save(model, to: url)
        let copy = try ModelZoo.make("resnet8", inChannels: 1, classes: 10, seed: 4)
        let report = try Checkpoint.load(copy, from: url)
        #expect(report.isExact)
        for ((n1, p1), (n2, p2)) in zip(model.namedParameters(), copy.namedParameters()) {
            #expect(n1 == n2)
            #expect(p1.value == p2.value)
        }
        let again = tempURL("rt2.safetensors")
        defer { try? FileManager.default.removeItem(at: again) }
        try Checkpoint.save(copy, to: again)
        #expect(try Data(contentsOf: url) == Data(contentsOf: again))
    }

    @Test func stateDictNamesFollowPyTorch() throws {
        let model = try ModelZoo.make("resnet20", inChannels: 1, classes: 10, seed: 1)
        let names = Set(model.namedParameters().map(\.0) + model.namedBuffers().map(\.0))
        for expected in [
            "conv1.weight", "bn1.running_mean", "bn1.num_batches_tracked", "layer1.0.conv1.weight",
            "layer2.0.downsample.0.weight", "layer2.0.downsample.1.running_var", "layer3.2.bn2.bias",
            "fc.weight", "fc.bias",
        ] {
            #expect(names.contains(expected), "missing \(expected)")
        }
        let pytorchNames = Set(fixtureStateDict("resnet20.init.").entries.keys)
        #expect(names == pytorchNames)
        let wrn = try ModelZoo.make("wrn_16_2", inChannels: 3, classes: 100, seed: 1)
        let wrnNames = Set(wrn.namedParameters().map(\.0))
        #expect(wrnNames.contains("block1.layer.0.bn1.weight"))
        #expect(wrnNames.contains("block2.layer.0.convShortcut.weight"))
    }

    @Test func mismatchesAreReportedByName() throws {
        let small = try ModelZoo.make("resnet8", inChannels: 1, classes: 10, seed: 1)
        var file = Safetensors()
        Checkpoint.stateDict(of: small, into: &file)
        file.entries["extra.weight"] = file.entries["fc.bias"]
        file.entries["fc.weight"] = nil
        let other = try ModelZoo.make("resnet8", inChannels: 1, classes: 7, seed: 1)
        do {
            try Checkpoint.load(other, from: file)
            Issue.record("a mismatched checkpoint loaded")
        } catch let error as Checkpoint.MismatchError {
            #expect(error.report.missing == ["fc.weight"])
            #expect(error.report.unexpected == ["extra.weight"])
            #expect(error.report.mismatched == ["fc.bias: file [10] vs model [7]"])
        }
    }

    @Test func exportTakesOneModelOutOfAMultiModelCheckpoint() throws {
        let student = try ModelZoo.make("resnet8", inChannels: 1, classes: 10, seed: 5)
        let teacher = try ModelZoo.make("resnet20", inChannels: 1, classes: 10, seed: 6)
        var file = Safetensors()
        Checkpoint.stateDict(of: student, prefix: "student.", into: &file)
        Checkpoint.stateDict(of: teacher, prefix: "teacher.", into: &file)
        let url = tempURL("student.safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try Checkpoint.export(from: file, prefix: "student.", to: url)
        let copy = try ModelZoo.make("resnet8", inChannels: 1, classes: 10, seed: 7)
        #expect(try Checkpoint.load(copy, from: url).isExact)
        #expect(copy.namedParameters()[0].1.value == student.namedParameters()[0].1.value)
    }

    @Test func optimizerStateRoundTrips() throws {
        let model = try ModelZoo.make("mlp", inChannels: 1, classes: 3, imageSize: 2, hidden: [4], seed: 1)
        let opt = Adam(groups: [ParameterGroup(parameters: model.namedParameters(), learningRate: 0.01)])
        for _ in 0..<2 { opt.step { Tensor.ones($0.value.shape) } }
        let url = tempURL("opt.safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try Checkpoint.saveOptimizer(opt, to: url)
        let restored = Adam(groups: [ParameterGroup(parameters: model.namedParameters(), learningRate: 0.01)])
        try Checkpoint.loadOptimizer(restored, from: url)
        #expect(restored.stepCount == 2)
        #expect(restored.state.keys.sorted() == opt.state.keys.sorted())
        #expect(restored.state["fc1.weight"]?["exp_avg"] == opt.state["fc1.weight"]?["exp_avg"])
    }
}
