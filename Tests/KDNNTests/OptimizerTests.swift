import Foundation
import KDNN
import KDTensor
import KDGradCheck
import Testing

/// Optimisers and schedules against PyTorch's (Fixtures/make_optimizer_fixtures.py).
@Suite struct OptimizerTests {
    static let reference: Safetensors = {
        let url = Bundle.module.url(forResource: "optimizers", withExtension: "safetensors", subdirectory: "Fixtures")!
        return try! Safetensors(contentsOf: url)
    }()

    static func tensor(_ name: String) -> Tensor { try! reference.tensor(name) }

    static func optimizer(_ name: String, _ p: Parameter) -> Optimizer {
        let group = { (lr: Float, wd: Float) in
            [ParameterGroup(parameters: [("p", p)], learningRate: lr, weightDecay: wd)]
        }
        switch name {
        case "sgd": return SGD(groups: group(0.1, 0))
        case "sgd_momentum": return SGD(groups: group(0.1, 1e-2), momentum: 0.9, dampening: 0.1)
        case "sgd_nesterov": return SGD(groups: group(0.1, 5e-4), momentum: 0.9, nesterov: true)
        case "adam": return Adam(groups: group(0.01, 1e-2))
        default: return Adam(groups: group(0.01, 1e-2), decoupled: true)
        }
    }

    @Test(arguments: ["sgd", "sgd_momentum", "sgd_nesterov", "adam", "adamw"])
    func fiveStepsMatchPyTorch(name: String) {
        let p = Parameter(Self.tensor("p0"))
        let opt = Self.optimizer(name, p)
        let grads = Self.tensor("grads")
        for step in 0..<5 {
            let g = Tensor(shape: [3, 4], scalars: Array(grads.scalars[(step * 12)..<((step + 1) * 12)]))
            opt.step { _ in g }
        }
        expectClose(p.value, Self.tensor("\(name).final"), rtol: 1e-5, name)
    }

    @Test func schedulesMatchPyTorch() {
        let cases: [(String, LearningRateSchedule)] = [
            ("step", LearningRateSchedule(decay: .step(every: 3, gamma: 0.5), totalEpochs: 10)),
            ("multistep", LearningRateSchedule(decay: .multiStep(milestones: [2, 7], gamma: 0.1), totalEpochs: 10)),
            ("cosine", LearningRateSchedule(decay: .cosine(minFactor: 0.01), totalEpochs: 10)),
        ]
        for (name, schedule) in cases {
            let expected = Self.tensor("schedule.\(name)")
            let actual = Tensor(shape: [10], scalars: (0..<10).map { Float(schedule.factor(atEpoch: Double($0))) })
            expectClose(actual, expected, rtol: 1e-6, "schedule \(name)")
        }
    }

    @Test func warmupRampsLinearlyThenHandsOver() {
        let s = LearningRateSchedule(decay: .cosine(minFactor: 0), warmupEpochs: 2, totalEpochs: 12)
        #expect(s.factor(atEpoch: 0.999) < 0.51)
        #expect(s.factor(atEpoch: 1.5) > 0.74 && s.factor(atEpoch: 1.5) < 0.76)
        #expect(abs(s.factor(atEpoch: 2) - 1) < 1e-9)
        #expect(abs(s.factor(atEpoch: 7) - 0.5) < 1e-9)
        #expect(s.factor(atEpoch: 12) < 1e-9)
    }
}
