/// A matrix [k, n] packed once into the GEMM micro-kernel's B layout: ⌈n/16⌉ panels of k×16
/// floats (columns past n zero), each on a cache line; a frozen convolution's weight.
public final class PackedPanels: @unchecked Sendable {
    // @unchecked: written only in init.
    let k: Int, n: Int
    let panels: Int
    let storage: UnsafeMutablePointer<Float>

    /// Packs row-major `matrix` [k, n].
    public convenience init(_ matrix: [Float], k: Int, n: Int) {
        precondition(matrix.count == k * n, "PackedPanels: [\(k), \(n)] from \(matrix.count) floats")
        self.init(k: k, n: n) { p, j in matrix[p * n + j] }
    }

    /// Packs the [k, n] matrix whose element (p, j) is `element(p, j)`.
    init(k: Int, n: Int, _ element: (Int, Int) -> Float) {
        let nr = GEMMBlocking.nr
        self.k = k
        self.n = n
        panels = (n + nr - 1) / nr
        let floats = max(panels * k * nr, 1)
        storage = UnsafeMutableRawPointer.allocate(byteCount: floats * 4, alignment: 64).bindMemory(
            to: Float.self, capacity: floats)
        for panel in 0..<panels {
            for p in 0..<k {
                for t in 0..<nr {
                    let j = panel * nr + t
                    storage[(panel * k + p) * nr + t] = j < n ? element(p, j) : 0
                }
            }
        }
    }

    deinit { storage.deallocate() }

    func panel(_ index: Int) -> UnsafePointer<Float> { UnsafePointer(storage + index * k * GEMMBlocking.nr) }
}

extension ChannelsLast {
    /// Output pixels per block: the block's unfolded rows are made and multiplied while in cache.
    /// A multiple of the micro-kernel's 6 rows.
    static let blockPixels = 48

    /// y [oh·ow, o] = act(x ⊛ W + bias + residual) for image `x` [h·w, c] and W packed as
    /// [kh·kw·c, o]: block by block of output pixels, unfold (a pointwise convolution reads x in
    /// place), multiply with the micro-kernel against every panel, then add the bias and the
    /// residual and apply the ReLU while the block is in cache; a shallow depth takes
    /// `convolveShallow`. `scratch` holds `scratchFloats(c:h:w:geometry:)` floats.
    public static func convolve(
        _ x: UnsafePointer<Float>, c: Int, h: Int, w: Int, geometry g: Conv2dGeometry,
        weight: PackedPanels, bias: UnsafePointer<Float>?, residual: UnsafePointer<Float>?,
        relu: Bool, scratch: UnsafeMutablePointer<Float>, into y: UnsafeMutablePointer<Float>
    ) {
        if isShallow(k: weight.k, geometry: g) {
            return convolveShallow(
                x, c: c, h: h, w: w, geometry: g, weight: weight, bias: bias, residual: residual, relu: relu,
                scratch: scratch, into: y)
        }
        let (oh, ow) = g.outputSize(h: h, w: w)
        let plane = oh * ow, k = weight.k, o = weight.n
        let mr = GEMMBlocking.mr
        let tile = scratch + blockPixels * k
        var p0 = 0
        while p0 < plane {
            let p1 = min(plane, p0 + blockPixels)
            let rows: UnsafePointer<Float>
            if !g.isPointwise {
                im2col(x, c: c, h: h, w: w, geometry: g, pixels: p0..<p1, into: scratch)
                rows = UnsafePointer(scratch)
            } else if (p1 - p0) % mr == 0 {
                rows = x + p0 * c
            } else {
                // The kernel reads whole 6-row tiles: the ragged block goes through the scratch.
                scratch.update(from: x + p0 * c, count: (p1 - p0) * c)
                rows = UnsafePointer(scratch)
            }
            multiply(rows, count: p1 - p0, by: weight, tile: tile, into: y + p0 * o, ldy: o)
            finish(y + p0 * o, rows: p1 - p0, cols: o, bias: bias, residual: residual.map { $0 + p0 * o }, relu: relu)
            p0 = p1
        }
    }

    /// y[0..<count] (rows `ldy` apart) = rows · W for `count` rows [count, W.k] of `rows`: each
    /// whole 16-column panel in one call over all rows; where the last panel's columns are fewer
    /// than 16, each 6-row tile is computed whole into `tile` (6×16 floats), then its part
    /// copied, so `rows` must then be readable up to the next multiple of 6 rows (each row's
    /// result depends on that row alone).
    static func multiply(
        _ rows: UnsafePointer<Float>, count: Int, by weight: PackedPanels,
        tile: UnsafeMutablePointer<Float>, into y: UnsafeMutablePointer<Float>, ldy: Int
    ) {
        let mr = GEMMBlocking.mr, nr = GEMMBlocking.nr, k = weight.k
        for panel in 0..<weight.panels {
            let cols = min(nr, weight.n - panel * nr)
            if cols == nr {
                GEMM.rowMajorPanel(
                    count: count, kc: k, a: rows, lda: k, b: weight.panel(panel), c: y + panel * nr, ldc: ldy)
                continue
            }
            var i = 0
            while i < count {
                let out = y + i * ldy + panel * nr
                GEMM.microKernel6x16(
                    kc: k, a: .rowMajor(rows + i * k, ld: k), b: weight.panel(panel), c: tile, ldc: nr, alpha: 1,
                    beta: 0, streams: false)
                for r in 0..<min(mr, count - i) { (out + r * ldy).update(from: tile + r * nr, count: cols) }
                i += mr
            }
        }
    }
}
