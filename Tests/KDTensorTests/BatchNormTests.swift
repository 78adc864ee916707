import KDTensor
import KDGradCheck
import Testing

@Suite struct BatchNormTests {
    @Test(arguments: ["bn4d", "bn2d"])
    func matchesPyTorch(name: String) {
        let x = fixture("\(name).x"), gamma = fixture("\(name).gamma"), beta = fixture("\(name).beta")
        let (y, stats) = BatchNormKernel.trainingForward(x, gamma: gamma, beta: beta, eps: 1e-5)
        expectClose(y, fixture("\(name).y"), "\(name) training forward")
        let g = BatchNormKernel.trainingBackward(fixture("\(name).gy"), input: x, gamma: gamma, stats: stats)
        expectClose(g.input, fixture("\(name).gx"), "\(name) input gradient")
        expectClose(g.gamma, fixture("\(name).ggamma"), "\(name) gamma gradient")
        expectClose(g.beta, fixture("\(name).gbeta"), "\(name) beta gradient")
        let running = BatchNormKernel.updatedRunningStatistics(
            mean: fixture("\(name).running_mean"), variance: fixture("\(name).running_var"), batch: stats, momentum: 0.1
        )
        expectClose(running.mean, fixture("\(name).new_running_mean"), "\(name) running mean")
        expectClose(running.variance, fixture("\(name).new_running_var"), "\(name) running variance")
        let yEval = BatchNormKernel.evaluationForward(
            x, gamma: gamma, beta: beta, runningMean: fixture("\(name).running_mean"),
            runningVar: fixture("\(name).running_var"), eps: 1e-5)
        expectClose(yEval, fixture("\(name).y_eval"), "\(name) evaluation forward")
    }
}
