/// Batch normalisation over the channel axis (axis 1) of [N, C] or [N, C, H, W] tensors.
public enum BatchNormKernel {
    /// What training-mode forward saves for backward and for the running-statistics update.
    public struct BatchStatistics: Sendable {
        /// Per-channel batch mean.
        public let mean: [Float]
        /// Per-channel biased batch variance.
        public let variance: [Float]
        /// Per-channel 1 / sqrt(variance + eps).
        public let inverseStd: [Float]
        /// Elements per channel (N·H·W).
        public let count: Int
    }

    static func layout(_ x: Tensor) -> (n: Int, c: Int, spatial: Int) {
        precondition(x.rank >= 2, "batch-norm input must be [N, C, …], got \(x.shape)")
        return (x.shape[0], x.shape[1], x.shape.dims[2...].reduce(1, *))
    }

    /// Normalises with the batch's own statistics (training mode).
    public static func trainingForward(_ x: Tensor, gamma: Tensor, beta: Tensor, eps: Float) -> (output: Tensor, stats: BatchStatistics) {
        let (n, c, s) = layout(x)
        precondition(gamma.shape == [c] && beta.shape == [c], "batch-norm affine \(gamma.shape)/\(beta.shape) for \(c) channels")
        precondition(n * s > 1, "batch-norm in training mode needs more than one value per channel, input \(x.shape)")
        var mean = [Float](repeating: 0, count: c), variance = [Float](repeating: 0, count: c)
        x.withUnsafeBufferPointer { xb in
            for ch in 0..<c {
                var sum = 0.0
                for i in 0..<n {
                    let p = xb.baseAddress! + (i * c + ch) * s
                    for j in 0..<s { sum += Double(p[j]) }
                }
                let m = sum / Double(n * s)
                var sq = 0.0
                for i in 0..<n {
                    let p = xb.baseAddress! + (i * c + ch) * s
                    for j in 0..<s { let d = Double(p[j]) - m; sq += d * d }
                }
                mean[ch] = Float(m)
                variance[ch] = Float(sq / Double(n * s))
            }
        }
        let inv = variance.map { 1 / ($0 + eps).squareRoot() }
        let scale = zip(gamma.scalars, inv).map { $0 * $1 }
        let shift = (0..<c).map { beta.scalars[$0] - mean[$0] * scale[$0] }
        return (affine(x, scale: scale, shift: shift), BatchStatistics(mean: mean, variance: variance, inverseStd: inv, count: n * s))
    }

    /// Normalises with running statistics (evaluation mode).
    public static func evaluationForward(_ x: Tensor, gamma: Tensor, beta: Tensor,
                                         runningMean: Tensor, runningVar: Tensor, eps: Float) -> Tensor {
        let c = layout(x).c
        precondition(runningMean.shape == [c] && runningVar.shape == [c], "batch-norm running stats for \(c) channels")
        let scale = (0..<c).map { gamma.scalars[$0] / (runningVar.scalars[$0] + eps).squareRoot() }
        let shift = (0..<c).map { beta.scalars[$0] - runningMean.scalars[$0] * scale[$0] }
        return affine(x, scale: scale, shift: shift)
    }

    /// Running statistics after one training batch, as PyTorch updates them (unbiased variance).
    public static func updatedRunningStatistics(mean: Tensor, variance: Tensor, batch: BatchStatistics,
                                                momentum: Float) -> (mean: Tensor, variance: Tensor) {
        let unbias = Float(batch.count) / Float(max(batch.count - 1, 1))
        let m = Tensor(shape: mean.shape, scalars: (0..<mean.count).map {
            (1 - momentum) * mean.scalars[$0] + momentum * batch.mean[$0]
        })
        let v = Tensor(shape: variance.shape, scalars: (0..<variance.count).map {
            (1 - momentum) * variance.scalars[$0] + momentum * batch.variance[$0] * unbias
        })
        return (m, v)
    }

    /// Gradients of training-mode batch norm with respect to input, gamma and beta.
    public static func trainingBackward(_ gy: Tensor, input x: Tensor, gamma: Tensor,
                                        stats: BatchStatistics) -> (input: Tensor, gamma: Tensor, beta: Tensor) {
        let (n, c, s) = layout(x)
        var dGamma = [Float](repeating: 0, count: c), dBeta = [Float](repeating: 0, count: c)
        let gx = gy.withUnsafeBufferPointer { g in
            x.withUnsafeBufferPointer { xb in
                Tensor(shape: x.shape) { dx in
                    for ch in 0..<c {
                        let m = stats.mean[ch], inv = stats.inverseStd[ch]
                        var sumG = 0.0, sumGX = 0.0
                        for i in 0..<n {
                            let o = (i * c + ch) * s
                            for j in 0..<s {
                                sumG += Double(g[o + j])
                                sumGX += Double(g[o + j]) * Double((xb[o + j] - m) * inv)
                            }
                        }
                        dBeta[ch] = Float(sumG)
                        dGamma[ch] = Float(sumGX)
                        let k = gamma.scalars[ch] * inv / Float(stats.count)
                        let meanG = Float(sumG), meanGX = Float(sumGX)
                        for i in 0..<n {
                            let o = (i * c + ch) * s
                            for j in 0..<s {
                                let xhat = (xb[o + j] - m) * inv
                                dx[o + j] = k * (Float(stats.count) * g[o + j] - meanG - xhat * meanGX)
                            }
                        }
                    }
                }
            }
        }
        return (gx, Tensor(shape: [c], scalars: dGamma), Tensor(shape: [c], scalars: dBeta))
    }

    /// y = x·scale[c] + shift[c] per channel.
    static func affine(_ x: Tensor, scale: [Float], shift: [Float]) -> Tensor {
        let (n, c, s) = layout(x)
        return x.withUnsafeBufferPointer { xb in
            Tensor(shape: x.shape) { y in
                for i in 0..<n {
                    for ch in 0..<c {
                        let o = (i * c + ch) * s, a = scale[ch], b = shift[ch]
                        for j in 0..<s { y[o + j] = xb[o + j] * a + b }
                    }
                }
            }
        }
    }

    /// Per-channel scale and shift as tensors, for the gradient of evaluation-mode batch norm.
    public static func evaluationScale(gamma: Tensor, runningVar: Tensor, eps: Float) -> [Float] {
        (0..<gamma.count).map { gamma.scalars[$0] / (runningVar.scalars[$0] + eps).squareRoot() }
    }

    /// Multiplies each channel of `x` by `scale[c]` (the input gradient of an affine map).
    public static func scaleChannels(_ x: Tensor, by scale: [Float]) -> Tensor {
        affine(x, scale: scale, shift: [Float](repeating: 0, count: scale.count))
    }
}
