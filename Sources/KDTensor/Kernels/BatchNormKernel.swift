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

    /// Normalises with the batch's own statistics (training mode), then applies max(·, 0) when
    /// `relu` (fused: the normalised values are never stored).
    ///
    /// Channels are independent and run in parallel; within a channel each (image, channel)
    /// plane is summed in 8 Float lanes and the planes in Double, in a fixed order, so the
    /// result does not depend on the thread count.
    public static func trainingForward(_ x: Tensor, gamma: Tensor, beta: Tensor, eps: Float, relu: Bool = false) -> (
        output: Tensor, stats: BatchStatistics
    ) {
        let (n, c, s) = layout(x)
        precondition(
            gamma.shape == [c] && beta.shape == [c], "batch-norm affine \(gamma.shape)/\(beta.shape) for \(c) channels")
        precondition(n * s > 1, "batch-norm in training mode needs more than one value per channel, input \(x.shape)")
        var mean = [Float](repeating: 0, count: c), variance = [Float](repeating: 0, count: c)
        var inv = [Float](repeating: 0, count: c)
        let gammaValues = gamma.scalars, betaValues = beta.scalars
        let output = x.withUnsafeBufferPointer { xb in
            Tensor(shape: x.shape) { y in
                mean.withUnsafeMutableBufferPointer { meanB in
                    variance.withUnsafeMutableBufferPointer { varB in
                        inv.withUnsafeMutableBufferPointer { invB in
                            let xp = xb.baseAddress!, yp = y.baseAddress!
                            let meanP = meanB.baseAddress!, varP = varB.baseAddress!, invP = invB.baseAddress!
                            let minChannels = max(1, (1 << 15) / max(n * s, 1))
                            // One channel per task, to whichever thread is free.
                            let threads = min(ThreadBudget.available, (c + minChannels - 1) / minChannels)
                            ThreadBudget.parallelFor(c, threads: threads) { ch in
                                var sum = 0.0
                                for i in 0..<n { sum += Double(planeSum(xp + (i * c + ch) * s, s)) }
                                let m = Float(sum / Double(n * s))
                                var sq = 0.0
                                for i in 0..<n { sq += Double(planeSquaredDeviation(xp + (i * c + ch) * s, s, m)) }
                                let v = Float(sq / Double(n * s))
                                let iv = 1 / (v + eps).squareRoot()
                                meanP[ch] = m
                                varP[ch] = v
                                invP[ch] = iv
                                let a = gammaValues[ch] * iv, b = betaValues[ch] - m * a
                                for i in 0..<n {
                                    let o = (i * c + ch) * s
                                    planeAffine(xp + o, s, a, b, relu: relu, into: yp + o)
                                }
                            }
                        }
                    }
                }
            }
        }
        return (output, BatchStatistics(mean: mean, variance: variance, inverseStd: inv, count: n * s))
    }

    /// Σ p[0..<count] in 8 Float lanes.
    @inline(__always)
    static func planeSum(_ p: UnsafePointer<Float>, _ count: Int) -> Float {
        var acc = SIMD8<Float>()
        var j = 0
        let raw = UnsafeRawPointer(p)
        while j + 8 <= count {
            acc += raw.loadUnaligned(fromByteOffset: j * 4, as: SIMD8<Float>.self)
            j += 8
        }
        var tail: Float = 0
        while j < count {
            tail += p[j]
            j += 1
        }
        return acc.sum() + tail
    }

    /// Σ (p[j] − m)² in 8 Float lanes.
    @inline(__always)
    static func planeSquaredDeviation(_ p: UnsafePointer<Float>, _ count: Int, _ m: Float) -> Float {
        var acc = SIMD8<Float>()
        let mv = SIMD8<Float>(repeating: m)
        var j = 0
        let raw = UnsafeRawPointer(p)
        while j + 8 <= count {
            let d = raw.loadUnaligned(fromByteOffset: j * 4, as: SIMD8<Float>.self) - mv
            acc.addProduct(d, d)
            j += 8
        }
        var tail: Float = 0
        while j < count {
            let d = p[j] - m
            tail += d * d
            j += 1
        }
        return acc.sum() + tail
    }

    /// y[j] = x[j]·a + b, then max(·, 0) with `relu`.
    @inline(__always)
    static func planeAffine(
        _ x: UnsafePointer<Float>, _ count: Int, _ a: Float, _ b: Float, relu: Bool,
        into y: UnsafeMutablePointer<Float>
    ) {
        if relu {
            for j in 0..<count {
                let v = x[j] * a + b
                y[j] = v > 0 ? v : 0
            }
        } else {
            for j in 0..<count { y[j] = x[j] * a + b }
        }
    }

    /// Normalises with running statistics (evaluation mode).
    public static func evaluationForward(
        _ x: Tensor, gamma: Tensor, beta: Tensor,
        runningMean: Tensor, runningVar: Tensor, eps: Float
    ) -> Tensor {
        let c = layout(x).c
        precondition(runningMean.shape == [c] && runningVar.shape == [c], "batch-norm running stats for \(c) channels")
        let scale = (0..<c).map { gamma.scalars[$0] / (runningVar.scalars[$0] + eps).squareRoot() }
        let shift = (0..<c).map { beta.scalars[$0] - runningMean.scalars[$0] * scale[$0] }
        return affine(x, scale: scale, shift: shift)
    }

    /// Running statistics after one training batch, as PyTorch updates them (unbiased variance).
    public static func updatedRunningStatistics(
        mean: Tensor, variance: Tensor, batch: BatchStatistics,
        momentum: Float
    ) -> (mean: Tensor, variance: Tensor) {
        let unbias = Float(batch.count) / Float(max(batch.count - 1, 1))
        let m = Tensor(
            shape: mean.shape,
            scalars: (0..<mean.count).map {
                (1 - momentum) * mean.scalars[$0] + momentum * batch.mean[$0]
            })
        let v = Tensor(
            shape: variance.shape,
            scalars: (0..<variance.count).map {
                (1 - momentum) * variance.scalars[$0] + momentum * batch.variance[$0] * unbias
            })
        return (m, v)
    }

    /// Gradients of training-mode batch norm with respect to input, gamma and beta; with `relu`,
    /// of batch norm followed by max(·, 0), whose gate is recomputed from x exactly as the forward
    /// computed it (`beta` is needed then).
    /// Channels run in parallel; sums are taken in a fixed order (see `trainingForward`).
    public static func trainingBackward(
        _ gy: Tensor, input x: Tensor, gamma: Tensor, beta: Tensor? = nil,
        stats: BatchStatistics, relu: Bool = false
    ) -> (input: Tensor, gamma: Tensor, beta: Tensor) {
        let (n, c, s) = layout(x)
        precondition(!relu || beta != nil, "batch-norm + ReLU backward needs beta")
        var dGamma = [Float](repeating: 0, count: c), dBeta = [Float](repeating: 0, count: c)
        let gammaValues = gamma.scalars, betaValues = beta?.scalars ?? []
        let gx = gy.withUnsafeBufferPointer { g in
            x.withUnsafeBufferPointer { xb in
                Tensor(shape: x.shape) { dx in
                    dGamma.withUnsafeMutableBufferPointer { dGammaB in
                        dBeta.withUnsafeMutableBufferPointer { dBetaB in
                            let gp = g.baseAddress!, xp = xb.baseAddress!, dxp = dx.baseAddress!
                            let dGammaP = dGammaB.baseAddress!, dBetaP = dBetaB.baseAddress!
                            let minChannels = max(1, (1 << 15) / max(n * s, 1))
                            // One channel per task, to whichever thread is free.
                            let threads = min(ThreadBudget.available, (c + minChannels - 1) / minChannels)
                            ThreadBudget.parallelFor(c, threads: threads) { ch in
                                let m = stats.mean[ch], inv = stats.inverseStd[ch]
                                // The forward's affine map, for the ReLU's gate.
                                let a = gammaValues[ch] * inv, b = relu ? betaValues[ch] - m * a : 0
                                var sumG = 0.0, sumGX = 0.0
                                for i in 0..<n {
                                    let o = (i * c + ch) * s
                                    let (sg, sgx) =
                                        relu
                                        ? gatedGradientSums(gp + o, xp + o, s, m, inv, a, b)
                                        : planeGradientSums(gp + o, xp + o, s, m, inv)
                                    sumG += Double(sg)
                                    sumGX += Double(sgx)
                                }
                                dBetaP[ch] = Float(sumG)
                                dGammaP[ch] = Float(sumGX)
                                let count = Float(stats.count)
                                let k = gammaValues[ch] * inv / count
                                let meanG = Float(sumG), meanGX = Float(sumGX)
                                for i in 0..<n {
                                    let o = (i * c + ch) * s
                                    let gq = gp + o, xq = xp + o, dq = dxp + o
                                    if relu {
                                        for j in 0..<s {
                                            let xhat = (xq[j] - m) * inv
                                            let g = xq[j] * a + b > 0 ? gq[j] : 0
                                            dq[j] = k * (count * g - meanG - xhat * meanGX)
                                        }
                                    } else {
                                        for j in 0..<s {
                                            let xhat = (xq[j] - m) * inv
                                            dq[j] = k * (count * gq[j] - meanG - xhat * meanGX)
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return (gx, Tensor(shape: [c], scalars: dGamma), Tensor(shape: [c], scalars: dBeta))
    }

    /// (Σ g, Σ g·x̂) over one plane, x̂ = (x − m)·inv, in 8 Float lanes.
    @inline(__always)
    static func planeGradientSums(
        _ g: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ count: Int,
        _ m: Float, _ inv: Float
    ) -> (Float, Float) {
        var sg = SIMD8<Float>(), sgx = SIMD8<Float>()
        let mv = SIMD8<Float>(repeating: m), iv = SIMD8<Float>(repeating: inv)
        let gr = UnsafeRawPointer(g), xr = UnsafeRawPointer(x)
        var j = 0
        while j + 8 <= count {
            let gv = gr.loadUnaligned(fromByteOffset: j * 4, as: SIMD8<Float>.self)
            let xhat = (xr.loadUnaligned(fromByteOffset: j * 4, as: SIMD8<Float>.self) - mv) * iv
            sg += gv
            sgx.addProduct(gv, xhat)
            j += 8
        }
        var tg: Float = 0, tgx: Float = 0
        while j < count {
            tg += g[j]
            tgx += g[j] * ((x[j] - m) * inv)
            j += 1
        }
        return (sg.sum() + tg, sgx.sum() + tgx)
    }

    /// (Σ g, Σ g·x̂) over one plane where x·a + b > 0 (the gradient through the fused ReLU).
    @inline(__always)
    static func gatedGradientSums(
        _ g: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ count: Int,
        _ m: Float, _ inv: Float, _ a: Float, _ b: Float
    ) -> (Float, Float) {
        var sg = SIMD8<Float>(), sgx = SIMD8<Float>()
        let mv = SIMD8<Float>(repeating: m), iv = SIMD8<Float>(repeating: inv)
        let av = SIMD8<Float>(repeating: a), bv = SIMD8<Float>(repeating: b)
        let gr = UnsafeRawPointer(g), xr = UnsafeRawPointer(x)
        var j = 0
        while j + 8 <= count {
            let xv = xr.loadUnaligned(fromByteOffset: j * 4, as: SIMD8<Float>.self)
            let gv = gr.loadUnaligned(fromByteOffset: j * 4, as: SIMD8<Float>.self)
                .replacing(with: 0, where: xv * av + bv .<= 0)
            sg += gv
            sgx.addProduct(gv, (xv - mv) * iv)
            j += 8
        }
        var tg: Float = 0, tgx: Float = 0
        while j < count {
            let gj = x[j] * a + b > 0 ? g[j] : 0
            tg += gj
            tgx += gj * ((x[j] - m) * inv)
            j += 1
        }
        return (sg.sum() + tg, sgx.sum() + tgx)
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
