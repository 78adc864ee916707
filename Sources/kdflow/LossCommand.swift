import ArgumentParser
import Foundation
import KDLoss
import KDTensor

/// `kdflow loss`: one loss kind on NumPy arrays — prints the value, writes the gradients.
struct LossCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loss",
        abstract: "Evaluate one loss kind on .npy arrays; print its value and write each trainable input's gradient.")

    @Argument(help: "Loss kind: \(LossCatalog.kinds.joined(separator: ", ")).")
    var kind: String
    @Option(help: "Student tensor (.npy, float32/float64, C order); cross_entropy's logits.")
    var student: String
    @Option(help: "Teacher tensor (.npy); the second peer for dml and distance.")
    var teacher: String?
    @Option(help: "Class labels (.npy, integers or integral floats) for cross_entropy and dkd.")
    var labels: String?
    @Option(name: .customLong("set"), help: "A kind option, key=value (repeatable), e.g. temperature=4.")
    var options: [String] = []
    @Option(help: "Directory for grad_<input>.npy of each trainable input.")
    var gradOut: String?

    func run() throws {
        var inputs = ["student": try NPYTensor.read(URL(fileURLWithPath: student))]
        if let teacher { inputs["teacher"] = try NPYTensor.read(URL(fileURLWithPath: teacher)) }
        let labelValues = try labels.map { try NPYTensor.read(URL(fileURLWithPath: $0)).scalars.map { Int($0) } }
        let result = try LossEvaluation.evaluate(kind: kind, options: try LossOptions(parsing: options),
                                                 inputs: inputs, labels: labelValues)
        print(result.value)
        guard let gradOut else { return }
        let dir = URL(fileURLWithPath: gradOut)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for (name, gradient) in result.gradients.sorted(by: { $0.key < $1.key }) {
            let file = dir.appendingPathComponent("grad_\(name).npy")
            try NPYTensor.write(gradient, to: file)
            print("wrote \(file.path) \(gradient.shape)")
        }
    }
}
