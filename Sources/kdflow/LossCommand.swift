import ArgumentParser
import Foundation
import KDLoss
import KDTensor

/// `kdflow loss`: one loss kind on NumPy arrays — prints the value, writes the gradients.
struct LossCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loss",
        abstract: "Evaluate one loss kind on .npy arrays; print its value and write each trainable input's gradient.")

    @Argument(help: "Loss kind: \(LossCatalog.names.joined(separator: ", ")).")
    var kind: String
    @Option(help: "Student tensor (.npy, float32/float64, C order); cross_entropy's logits.")
    var student: String
    @Option(help: "Teacher tensor (.npy); the second peer for dml and distance.")
    var teacher: String?
    @Option(
        name: .customLong("input"),
        help: "A further input of the kind, ROLE=FILE.npy (repeatable), e.g. student_strong=s2.npy for mlkd.")
    var extraInputs: [String] = []
    @Option(help: "Class labels (.npy, integers or integral floats) for cross_entropy and dkd.")
    var labels: String?
    @Option(name: .customLong("set"), help: "A kind option, key=value (repeatable), e.g. temperature=4.")
    var options: [String] = []
    @Option(help: "Directory for grad_<input>.npy of each trainable input.")
    var gradOut: String?

    func run() throws {
        guard let declaration = LossCatalog.kind(named: kind) else {
            throw ValidationError("unknown loss kind '\(kind)'; kinds: \(LossCatalog.names.joined(separator: ", "))")
        }
        var inputs = ["student": try NPYTensor.read(URL(fileURLWithPath: student))]
        if let teacher { inputs["teacher"] = try NPYTensor.read(URL(fileURLWithPath: teacher)) }
        var paths = ["student": student, "teacher": teacher].compactMapValues { $0 }
        for pair in extraInputs {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, declaration.inputs.contains(where: { $0.name == parts[0] }) else {
                throw ValidationError(
                    "--input \(pair): expected ROLE=FILE with a role of \(kind): \(declaration.inputs.map(\.name).joined(separator: ", "))"
                )
            }
            inputs[parts[0]] = try NPYTensor.read(URL(fileURLWithPath: parts[1]))
            paths[parts[0]] = parts[1]
        }
        // The arrays are the boundary: shapes and labels are checked here, once.
        // --student fills a kind's first role when it has no student (cross_entropy's input).
        let described = declaration.inputs.map(\.name).compactMap { role -> LossShapeRules.Input? in
            let given = paths[role] == nil && role == declaration.inputs.first?.name ? "student" : role
            return paths[given].flatMap { p in
                inputs[given].map { LossShapeRules.Input(role: role, name: "\(p) \(role)", shape: $0.shape) }
            }
        }
        if let (_, message) = LossShapeRules.problem(kind: kind, described) { throw InputError(message) }
        let labelValues = try labels.map { path -> [Int] in
            let array = try NPYTensor.read(URL(fileURLWithPath: path))
            guard array.shape.rank == 1 else {
                throw InputError("\(path): labels must be one-dimensional, got shape \(array.shape)")
            }
            let values = array.scalars.compactMap { Int(exactly: $0) }
            guard values.count == array.scalars.count else { throw InputError("\(path): labels must be integers") }
            if let problem = LossShapeRules.labelProblem(
                values, logits: inputs["student"]!.shape, ignored: kind == "cross_entropy" ? -1 : nil)
            {
                throw InputError("\(path): \(problem) of \(student)")
            }
            return values
        }
        let function: any LossFunction
        do { function = try declaration.make(try LossOptions(parsing: options)) } catch {
            throw InputError("--set: \(error)")
        }
        let result = try LossEvaluation.evaluate(function, kind: kind, inputs: inputs, labels: labelValues)
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
