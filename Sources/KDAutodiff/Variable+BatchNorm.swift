import KDTensor

extension Variable {
    /// Training-mode batch norm over axis 1, followed by a ReLU when `relu` (fused); returns the
    /// batch statistics for the running update.
    public func batchNormTraining(gamma: Variable, beta: Variable, eps: Float, relu: Bool = false) -> (
        Variable, BatchNormKernel.BatchStatistics
    ) {
        let x = value, gm = gamma.value, bt = beta.value
        let (out, stats) = BatchNormKernel.trainingForward(x, gamma: gm, beta: bt, eps: eps, relu: relu)
        let v = Tape.record(out, [self, gamma, beta]) { g, _ in
            let grads = BatchNormKernel.trainingBackward(g, input: x, gamma: gm, beta: bt, stats: stats, relu: relu)
            return [grads.input, grads.gamma, grads.beta]
        }
        return (v, stats)
    }

    /// Evaluation-mode batch norm over axis 1 with running statistics.
    public func batchNormEvaluation(
        gamma: Variable, beta: Variable, runningMean: Tensor, runningVar: Tensor,
        eps: Float
    ) -> Variable {
        let x = value, gm = gamma.value
        let out = BatchNormKernel.evaluationForward(
            x, gamma: gm, beta: beta.value,
            runningMean: runningMean, runningVar: runningVar, eps: eps)
        return Tape.record(out, [self, gamma, beta]) { g, needs in
            let scale = BatchNormKernel.evaluationScale(gamma: gm, runningVar: runningVar, eps: eps)
            let reduceAxes = [0] + Array(2..<x.rank)
            var gGamma: Tensor?
            if needs[1] {
                let unit = Tensor.ones(gm.shape)
                let xhat = BatchNormKernel.evaluationForward(
                    x, gamma: unit, beta: Tensor.zeros(gm.shape),
                    runningMean: runningMean, runningVar: runningVar, eps: eps)
                gGamma = (g * xhat).sum(axes: reduceAxes)
            }
            return [
                needs[0] ? BatchNormKernel.scaleChannels(g, by: scale) : nil,
                gGamma,
                needs[2] ? g.sum(axes: reduceAxes) : nil,
            ]
        }
    }
}
