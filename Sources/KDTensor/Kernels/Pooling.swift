/// Pooling kernels over NCHW tensors.
public enum Pooling {
    /// Max pooling; returns the output and, per output element, the flat index of the chosen
    /// input element within its (n, c) plane (padding counts as −∞, as in PyTorch).
    public static func maxForward(_ input: Tensor, geometry g: Conv2dGeometry) -> (output: Tensor, argmax: [Int32]) {
        let (n, c, h, w) = dims4(input, "max-pool input")
        let (oh, ow) = g.outputSize(h: h, w: w)
        precondition(oh > 0 && ow > 0, "max-pool input \(input.shape) too small for window \(g.kh)x\(g.kw)")
        var argmax = [Int32](repeating: 0, count: n * c * oh * ow)
        let output = argmax.withUnsafeMutableBufferPointer { am in
            input.withUnsafeBufferPointer { x in
                Tensor(shape: [n, c, oh, ow]) { y in
                    let xb = x.baseAddress!, yb = y.baseAddress!, ab = am.baseAddress!
                    ThreadBudget.parallelChunks(n * c, minChunk: 16) { planes in
                        for p in planes {
                            let xp = xb + p * h * w, yp = yb + p * oh * ow, ap = ab + p * oh * ow
                            if g.kh == 2 && g.kw == 2 && g.stride == 2 && g.padding == 0 {
                                maxPool2x2(xp, w: w, oh: oh, ow: ow, into: yp, argmax: ap)
                                continue
                            }
                            for r in 0..<oh {
                                for q in 0..<ow {
                                    var best = -Float.infinity, bestIndex = -1
                                    for ki in 0..<g.kh {
                                        let ih = r * g.stride - g.padding + ki
                                        guard ih >= 0 && ih < h else { continue }
                                        for kj in 0..<g.kw {
                                            let iw = q * g.stride - g.padding + kj
                                            guard iw >= 0 && iw < w else { continue }
                                            let v = xp[ih * w + iw]
                                            if v > best || bestIndex < 0 || v.isNaN {
                                                best = v
                                                bestIndex = ih * w + iw
                                            }
                                        }
                                    }
                                    yp[r * ow + q] = best
                                    ap[r * ow + q] = Int32(bestIndex)
                                }
                            }
                        }
                    }
                }
            }
        }
        return (output, argmax)
    }

    /// The 2×2 stride-2 unpadded window, the common case, without bounds checks; same choice
    /// rule as the general loop (first element, then any larger or NaN one, row by row), 8
    /// outputs at a time with selects instead of branches (which random data mispredicts half
    /// the time).
    @inline(__always)
    static func maxPool2x2(
        _ xp: UnsafePointer<Float>, w: Int, oh: Int, ow: Int,
        into yp: UnsafeMutablePointer<Float>, argmax ap: UnsafeMutablePointer<Int32>
    ) {
        let lanes = SIMD8<Int32>(0, 2, 4, 6, 8, 10, 12, 14)
        for r in 0..<oh {
            let i0 = 2 * r * w, i1 = i0 + w
            var q = 0
            while q + 8 <= ow {
                let top = UnsafeRawPointer(xp + i0 + 2 * q).loadUnaligned(as: SIMD16<Float>.self)
                let bottom = UnsafeRawPointer(xp + i1 + 2 * q).loadUnaligned(as: SIMD16<Float>.self)
                var best = top.evenHalf, index = lanes &+ Int32(i0 + 2 * q)
                @inline(__always) func consider(_ v: SIMD8<Float>, at offset: Int) {
                    let takes = (v .> best) .| (v .!= v)
                    best.replace(with: v, where: takes)
                    index.replace(with: lanes &+ Int32(i0 + 2 * q + offset), where: takes)
                }
                consider(top.oddHalf, at: 1)
                consider(bottom.evenHalf, at: w)
                consider(bottom.oddHalf, at: w + 1)
                UnsafeMutableRawPointer(yp + r * ow + q).storeBytes(of: best, as: SIMD8<Float>.self)
                UnsafeMutableRawPointer(ap + r * ow + q).storeBytes(of: index, as: SIMD8<Int32>.self)
                q += 8
            }
            while q < ow {
                var best = xp[i0 + 2 * q], index = i0 + 2 * q
                @inline(__always) func consider(at offset: Int) {
                    let v = xp[i0 + 2 * q + offset]
                    if v > best || v.isNaN {
                        best = v
                        index = i0 + 2 * q + offset
                    }
                }
                consider(at: 1)
                consider(at: w)
                consider(at: w + 1)
                yp[r * ow + q] = best
                ap[r * ow + q] = Int32(index)
                q += 1
            }
        }
    }

    /// Gradient of max pooling: each output gradient goes to the input element it came from.
    public static func maxBackward(_ gradOutput: Tensor, argmax: [Int32], inputShape: Shape) -> Tensor {
        let (n, c, h, w) = (inputShape[0], inputShape[1], inputShape[2], inputShape[3])
        let planeOut = gradOutput.shape[2] * gradOutput.shape[3]
        return gradOutput.withUnsafeBufferPointer { gy in
            argmax.withUnsafeBufferPointer { am in
                Tensor(shape: inputShape) { gx in
                    gx.update(repeating: 0)
                    let gxb = gx.baseAddress!
                    ThreadBudget.parallelChunks(n * c, minChunk: 16) { planes in
                        for p in planes {
                            let gxp = gxb + p * h * w
                            for j in 0..<planeOut {
                                let src = am[p * planeOut + j]
                                if src >= 0 { gxp[Int(src)] += gy[p * planeOut + j] }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Average pooling; padded positions count in the divisor (PyTorch's count_include_pad).
    public static func averageForward(_ input: Tensor, geometry g: Conv2dGeometry) -> Tensor {
        let (n, c, h, w) = dims4(input, "average-pool input")
        let (oh, ow) = g.outputSize(h: h, w: w)
        precondition(oh > 0 && ow > 0, "average-pool input \(input.shape) too small for window \(g.kh)x\(g.kw)")
        let scale = 1 / Float(g.kh * g.kw)
        return input.withUnsafeBufferPointer { x in
            Tensor(shape: [n, c, oh, ow]) { y in
                for p in 0..<(n * c) {
                    let xp = x.baseAddress! + p * h * w, yp = y.baseAddress! + p * oh * ow
                    for r in 0..<oh {
                        for q in 0..<ow {
                            var s: Float = 0
                            for ki in 0..<g.kh {
                                let ih = r * g.stride - g.padding + ki
                                guard ih >= 0 && ih < h else { continue }
                                for kj in 0..<g.kw {
                                    let iw = q * g.stride - g.padding + kj
                                    if iw >= 0 && iw < w { s += xp[ih * w + iw] }
                                }
                            }
                            yp[r * ow + q] = s * scale
                        }
                    }
                }
            }
        }
    }

    /// Gradient of average pooling.
    public static func averageBackward(_ gradOutput: Tensor, inputShape: Shape, geometry g: Conv2dGeometry) -> Tensor {
        let (n, c, h, w) = (inputShape[0], inputShape[1], inputShape[2], inputShape[3])
        let (oh, ow) = (gradOutput.shape[2], gradOutput.shape[3])
        let scale = 1 / Float(g.kh * g.kw)
        return gradOutput.withUnsafeBufferPointer { gy in
            Tensor(shape: inputShape) { gx in
                gx.update(repeating: 0)
                for p in 0..<(n * c) {
                    let gxp = gx.baseAddress! + p * h * w, gyp = gy.baseAddress! + p * oh * ow
                    for r in 0..<oh {
                        for q in 0..<ow {
                            let v = gyp[r * ow + q] * scale
                            for ki in 0..<g.kh {
                                let ih = r * g.stride - g.padding + ki
                                guard ih >= 0 && ih < h else { continue }
                                for kj in 0..<g.kw {
                                    let iw = q * g.stride - g.padding + kj
                                    if iw >= 0 && iw < w { gxp[ih * w + iw] += v }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Global average pooling: [N, C, H, W] → [N, C].
    public static func globalAverageForward(_ input: Tensor) -> Tensor {
        let (n, c, h, w) = dims4(input, "global-average-pool input")
        return input.reshaped([n, c, h * w]).mean(axes: [2])
    }

    /// Gradient of global average pooling.
    public static func globalAverageBackward(_ gradOutput: Tensor, inputShape: Shape) -> Tensor {
        let hw = inputShape[2] * inputShape[3]
        let scale = 1 / Float(hw)
        return gradOutput.withUnsafeBufferPointer { gy in
            Tensor(shape: inputShape) { gx in
                for p in 0..<gy.count {
                    let v = gy[p] * scale
                    for j in 0..<hw { gx[p * hw + j] = v }
                }
            }
        }
    }
}
