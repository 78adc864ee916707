extension ChannelsLast {
    /// Depths (kh·kw·c) up to which `convolve` takes the shallow kernel: a stem over 1–3 input
    /// channels, whose unfolded rows are too short for unfolding them value by value to pay.
    static let shallowDepth = 32

    /// Whether `convolve` takes the shallow kernel for depth `k`.
    static func isShallow(k: Int, geometry g: Conv2dGeometry) -> Bool { k <= shallowDepth && !g.isPointwise }

    /// Scratch floats `convolve` needs for a convolution over `c`-channel h×w images.
    public static func scratchFloats(c: Int, h: Int, w: Int, geometry g: Conv2dGeometry) -> Int {
        let k = g.kh * g.kw * c
        guard isShallow(k: k, geometry: g) else { return blockPixels * k + GEMMBlocking.mr * GEMMBlocking.nr }
        return (h + 2 * g.padding) * (w + 2 * g.padding) * c
    }

    /// `convolve` for a shallow depth k: the image copied zero-padded into `scratch`, then each
    /// output pixel's k values read from it at fixed offsets (no unfolded copy) and multiplied
    /// with the packed weight panels, 4 pixels of a row at a time (independent accumulator
    /// chains). The same products in the same order as the unfolded path, so the same result.
    static func convolveShallow(
        _ x: UnsafePointer<Float>, c: Int, h: Int, w: Int, geometry g: Conv2dGeometry,
        weight: PackedPanels, bias: UnsafePointer<Float>?, residual: UnsafePointer<Float>?,
        relu: Bool, scratch: UnsafeMutablePointer<Float>, into y: UnsafeMutablePointer<Float>
    ) {
        let (oh, ow) = g.outputSize(h: h, w: w)
        let k = weight.k, o = weight.n, nr = GEMMBlocking.nr, s = g.stride
        let wp = w + 2 * g.padding
        scratch.update(repeating: 0, count: (h + 2 * g.padding) * wp * c)
        for r in 0..<h { (scratch + ((r + g.padding) * wp + g.padding) * c).update(from: x + r * w * c, count: w * c) }
        let image = UnsafePointer(scratch)
        withUnsafeTemporaryAllocation(of: Int.self, capacity: k) { offsets in
            // Window value p (window position, then channel) lies `offsets[p]` past the window's corner.
            for ki in 0..<g.kh {
                for kj in 0..<g.kw {
                    for ch in 0..<c { offsets[(ki * g.kw + kj) * c + ch] = (ki * wp + kj) * c + ch }
                }
            }
            for r in 0..<oh {
                var q = 0
                while q < ow {
                    let count = min(4, ow - q)
                    // Pixels past the row's end repeat its last one; their results are dropped.
                    @inline(__always) func corner(_ i: Int) -> UnsafePointer<Float> {
                        image + (r * s * wp + (q + min(i, count - 1)) * s) * c
                    }
                    let a0 = corner(0), a1 = corner(1), a2 = corner(2), a3 = corner(3)
                    for panel in 0..<weight.panels {
                        let b = weight.panel(panel), j0 = panel * nr
                        var c0 = SIMD16<Float>(), c1 = SIMD16<Float>(), c2 = SIMD16<Float>(), c3 = SIMD16<Float>()
                        for p in 0..<k {
                            let bv = UnsafeRawPointer(b + p * nr).loadUnaligned(as: SIMD16<Float>.self)
                            let offset = offsets[p]
                            c0.addProduct(SIMD16(repeating: a0[offset]), bv)
                            c1.addProduct(SIMD16(repeating: a1[offset]), bv)
                            c2.addProduct(SIMD16(repeating: a2[offset]), bv)
                            c3.addProduct(SIMD16(repeating: a3[offset]), bv)
                        }
                        let cols = min(nr, o - j0)
                        @inline(__always) func store(_ value: SIMD16<Float>, _ i: Int) {
                            guard i < count else { return }
                            let out = y + (r * ow + q + i) * o + j0
                            if cols == nr {
                                UnsafeMutableRawPointer(out).storeBytes(of: value, as: SIMD16<Float>.self)
                            } else {
                                for j in 0..<cols { out[j] = value[j] }
                            }
                        }
                        store(c0, 0)
                        store(c1, 1)
                        store(c2, 2)
                        store(c3, 3)
                    }
                    q += count
                }
                finish(
                    y + r * ow * o, rows: ow, cols: o, bias: bias, residual: residual.map { $0 + r * ow * o },
                    relu: relu)
            }
        }
    }
}
