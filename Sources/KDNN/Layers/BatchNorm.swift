import KDAutodiff
import KDTensor

/// Batch normalisation over axis 1 of [N, C] (BatchNorm1d) or [N, C, H, W] (BatchNorm2d).
public final class BatchNorm: Module {
    /// Scale γ [C].
    public let weight: Parameter
    /// Shift β [C].
    public let bias: Parameter
    /// Running mean [C].
    public let runningMean: Buffer
    /// Running (unbiased) variance [C].
    public let runningVar: Buffer
    /// Training batches seen (I64 in checkpoints).
    let numBatchesTracked: Buffer
    /// Running-statistics momentum (PyTorch: 0.1).
    public let momentum: Float
    /// Variance epsilon (PyTorch: 1e-5).
    public let eps: Float

    /// A layer with γ = 1, β = 0, running mean 0 and variance 1.
    public init(_ channels: Int, momentum: Float = 0.1, eps: Float = 1e-5) {
        weight = Parameter(Tensor.ones([channels]))
        bias = Parameter(Tensor.zeros([channels]))
        runningMean = Buffer(Tensor.zeros([channels]))
        runningVar = Buffer(Tensor.ones([channels]))
        numBatchesTracked = Buffer(Tensor(scalar: 0), isInteger: true)
        self.momentum = momentum
        self.eps = eps
    }

    public override var ownParameters: [(String, Parameter)] { [("weight", weight), ("bias", bias)] }
    public override var ownBuffers: [(String, Buffer)] {
        [("running_mean", runningMean), ("running_var", runningVar), ("num_batches_tracked", numBatchesTracked)]
    }

    public override func forward(_ x: Variable, _ ctx: ForwardContext) -> Variable {
        normalize(x, ctx, relu: false)
    }

    /// The layer followed by a ReLU: one fused pass in training mode.
    func forwardReLU(_ x: Variable, _ ctx: ForwardContext) -> Variable {
        normalize(x, ctx, relu: true)
    }

    private func normalize(_ x: Variable, _ ctx: ForwardContext, relu: Bool) -> Variable {
        let gamma = ctx.variable(weight), beta = ctx.variable(bias)
        guard ctx.training else {
            let y = x.batchNormEvaluation(
                gamma: gamma, beta: beta, runningMean: runningMean.value,
                runningVar: runningVar.value, eps: eps)
            return relu ? y.relu() : y
        }
        let (y, stats) = x.batchNormTraining(gamma: gamma, beta: beta, eps: eps, relu: relu)
        let updated = BatchNormKernel.updatedRunningStatistics(
            mean: runningMean.value, variance: runningVar.value, batch: stats, momentum: momentum)
        runningMean.value = updated.mean
        runningVar.value = updated.variance
        numBatchesTracked.value = Tensor(scalar: numBatchesTracked.value.scalar + 1)
        return y
    }
}
