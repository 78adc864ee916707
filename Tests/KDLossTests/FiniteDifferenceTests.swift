import Foundation
import KDGradCheck
import KDAutodiff
import KDLoss
import KDTensor
import Testing

/// Each kind's tape gradients against central finite differences, for every trainable input.
@Suite struct FiniteDifferenceTests {
    static let logits = [randomTensor([4, 6], seed: 1, scale: 2), randomTensor([4, 6], seed: 2, scale: 2)]
    static let features = [randomTensor([3, 2, 3, 4], seed: 3), randomTensor([3, 2, 3, 4], seed: 4)]
    static let labels = [0, 5, 2, 2]

    /// The loss with the teacher as a constant unless the kind trains it too.
    static func check(
        _ kind: String, _ options: [String] = [], inputs: [Tensor], labels: [Int]? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let function = try LossCatalog.make(kind, LossOptions(parsing: options))
        let teacherTrains = function.trainableRoles.contains("teacher")
        let trainable = teacherTrains ? inputs : [inputs[0]]
        checkGradients(trainable, sourceLocation: sourceLocation) { v in
            let teacher = teacherTrains ? v[1] : Variable(constant: inputs[1])
            return function.loss(["student": v[0], "teacher": teacher, "input": v[0]], labels: labels)
        }
    }

    @Test func responseKinds() throws {
        try Self.check("cross_entropy", ["label_smoothing=0.1"], inputs: Self.logits, labels: Self.labels)
        try Self.check("kd", inputs: Self.logits)
        try Self.check("soft_ce", ["temperature=2"], inputs: Self.logits)
        try Self.check("soft_ce", ["divergence=dml"], inputs: Self.logits)
        try Self.check("dml", inputs: Self.logits)
        try Self.check("dml", ["activation=sigmoid"], inputs: Self.logits)
        try Self.check("dkd", inputs: Self.logits, labels: Self.labels)
        try Self.check("kd", ["standardize=true", "temperature=2"], inputs: Self.logits)
        try Self.check("dkd", ["standardize=true"], inputs: Self.logits, labels: Self.labels)
        try Self.check("dist", ["temperature=2", "beta=2", "gamma=0.5"], inputs: Self.logits)
    }

    @Test func featureKinds() throws {
        try Self.check("distance", ["mode=l2"], inputs: Self.features)
        try Self.check("distance", ["mode=smooth_l1", "beta=0.5"], inputs: Self.features)
        try Self.check("distance", ["mode=l1", "activation=softmax"], inputs: Self.logits)
        try Self.check("overhaul", inputs: Self.features)
        try Self.check("at", inputs: Self.features)
        try Self.check("pkt", inputs: Self.features)
        try Self.check("sp", inputs: [randomTensor([4, 3, 2, 2], seed: 7), randomTensor([4, 5, 3, 3], seed: 8)])
        try Self.check("nst", inputs: [randomTensor([3, 2, 5, 5], seed: 9), randomTensor([3, 4, 3, 3], seed: 10)])
        try Self.check("hcl", inputs: [randomTensor([3, 2, 5, 5], seed: 11), randomTensor([3, 2, 5, 5], seed: 12)])
        try Self.check("cc", inputs: [randomTensor([5, 4], seed: 13), randomTensor([5, 4], seed: 14)])
    }

    @Test func multiLevelKD() throws {
        let teachers = [randomTensor([4, 6], seed: 15, scale: 2), randomTensor([4, 6], seed: 16, scale: 2)]
        for options in [[], ["standardize=true", "temperature=2"]] {
            let function = try LossCatalog.make("mlkd", LossOptions(parsing: options))
            checkGradients(Self.logits) { v in
                function.loss(
                    [
                        "student": v[0], "student_strong": v[1], "teacher": Variable(constant: teachers[0]),
                        "teacher_strong": Variable(constant: teachers[1]),
                    ], labels: nil)
            }
        }
    }

    @Test func flowOfSolution() throws {
        let teachers = [randomTensor([3, 2, 5, 5], seed: 17), randomTensor([3, 3, 4, 4], seed: 18)]
        let function = try LossCatalog.make("fsp", LossOptions(parsing: []))
        checkGradients([randomTensor([3, 2, 5, 5], seed: 19), randomTensor([3, 3, 3, 3], seed: 20)]) { v in
            function.loss(
                [
                    "student": v[0], "student_top": v[1], "teacher": Variable(constant: teachers[0]),
                    "teacher_top": Variable(constant: teachers[1]),
                ], labels: nil)
        }
    }

    @Test func methodsWithConnectors() throws {
        try Self.check("ab", inputs: [randomTensor([3, 2, 3, 4], seed: 21, scale: 1.5), Self.features[1]])
        try Self.check("ft", inputs: [randomTensor([3, 2, 4, 4], seed: 22), randomTensor([3, 5, 4, 4], seed: 23)])
        let teacher = randomTensor([3, 2, 3, 4], seed: 24)
        let function = try LossCatalog.make("vid", LossOptions(parsing: []))
        let variance = randomTensor([2], seed: 25).map { abs($0) + 0.5 }
        checkGradients([randomTensor([3, 2, 3, 4], seed: 26), variance]) { v in
            function.loss(["student": v[0], "teacher": Variable(constant: teacher), "variance": v[1]], labels: nil)
        }
        let crd = try LossCatalog.make("crd", LossOptions(parsing: []))
        let noise = Variable(constant: Tensor(shape: [1], scalars: [0.05]))
        let scores = [randomTensor([3, 5], seed: 27), randomTensor([3, 5], seed: 28)].map {
            $0.map { 0.2 * Foundation.exp($0) }
        }
        checkGradients(scores) { v in crd.loss(["student": v[0], "teacher": v[1], "noise": noise], labels: nil) }
    }

    @Test func relationKinds() throws {
        let embeddings = [randomTensor([5, 4], seed: 5), randomTensor([5, 3], seed: 6)]
        try Self.check("rkd_distance", inputs: embeddings)
        try Self.check("rkd_distance", ["normalization=all_pairs"], inputs: embeddings)
        try Self.check("rkd_angle", inputs: embeddings)
    }
}
