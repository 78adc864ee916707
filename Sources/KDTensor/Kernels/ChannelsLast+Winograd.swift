/// A 3×3 convolution's weight in the Winograd F(2×2, 3×3) domain: U_ξ = G·g·Gᵀ at each of the
/// 16 positions ξ of a 4×4 tile, each a [c, o] matrix packed for the micro-kernel.
public final class WinogradWeight: @unchecked Sendable {
    // @unchecked: written only in init.
    let c: Int, o: Int
    let positions: [PackedPanels]

    /// From W [9·c, o] in `im2col`'s row order ((ki·3 + kj)·c + channel).
    public init(_ weight: [Float], c: Int, o: Int) {
        precondition(weight.count == 9 * c * o, "WinogradWeight: \(weight.count) floats for c \(c), o \(o)")
        self.c = c
        self.o = o
        var u = [[Float]](repeating: [Float](repeating: 0, count: c * o), count: 16)
        for ch in 0..<c {
            for oc in 0..<o {
                let g: [Double] = (0..<9).map { Double(weight[($0 * c + ch) * o + oc]) }
                // G = [[1, 0, 0], [½, ½, ½], [½, −½, ½], [0, 0, 1]]; U = G·g·Gᵀ, each side by transform().
                let t: [[Double]] = (0..<3).map { j in winogradFilterTransform(g[j], g[3 + j], g[6 + j]) }
                for i in 0..<4 {
                    let row = winogradFilterTransform(t[0][i], t[1][i], t[2][i])
                    for j in 0..<4 { u[i * 4 + j][ch * o + oc] = Float(row[j]) }
                }
            }
        }
        positions = u.map { PackedPanels($0, k: c, n: o) }
    }

    /// Whether a convolution takes this path: 3×3, stride 1, channel counts that fill SIMD8 vectors.
    public static func fits(_ g: Conv2dGeometry, c: Int, o: Int) -> Bool {
        g.kh == 3 && g.kw == 3 && g.stride == 1 && c % 8 == 0 && o % 8 == 0
    }
}

/// G·(a, b, c) for G = [[1, 0, 0], [½, ½, ½], [½, −½, ½], [0, 0, 1]].
private func winogradFilterTransform(_ a: Double, _ b: Double, _ c: Double) -> [Double] {
    let half = (a + c) / 2
    return [a, half + b / 2, half - b / 2, c]
}

extension ChannelsLast {
    /// 2×2 output tiles per block: the block's transformed input and products stay in cache. A
    /// multiple of the micro-kernel's 6 rows.
    static let winogradBlockTiles = 24

    /// Scratch floats the Winograd `convolve` needs.
    public static func winogradScratchFloats(c: Int, o: Int) -> Int {
        16 * winogradBlockTiles * (c + o) + GEMMBlocking.mr * GEMMBlocking.nr
    }

    /// y [oh·ow, o] = act(x ⊛ W + bias + residual) for image `x` [h·w, c] zero-padded by
    /// `padding`, W in the Winograd
    /// domain: block by block of 2×2 output tiles, transform each 4×4 input tile (V = Bᵀ·d·B,
    /// 8 channels per vector), multiply the 16 [tiles, c] × [c, o] products with the
    /// micro-kernel, transform back (Y = Aᵀ·M·A) adding bias and residual and applying the ReLU
    /// as each output pixel is written. 2.25× fewer multiplications than the unfolded product.
    /// `scratch` holds `winogradScratchFloats` floats.
    public static func convolve(
        _ x: UnsafePointer<Float>, h: Int, w: Int, padding: Int, winograd u: WinogradWeight,
        bias: UnsafePointer<Float>?, residual: UnsafePointer<Float>?, relu: Bool,
        scratch: UnsafeMutablePointer<Float>, into y: UnsafeMutablePointer<Float>
    ) {
        let c = u.c, o = u.o, block = winogradBlockTiles
        let oh = h + 2 * padding - 2, ow = w + 2 * padding - 2
        let tilesW = (ow + 1) / 2, tiles = (oh + 1) / 2 * tilesW
        let v = scratch, m = scratch + 16 * block * c, tile = m + 16 * block * o
        var t0 = 0
        while t0 < tiles {
            let count = min(block, tiles - t0)
            for t in 0..<count {
                let ty = (t0 + t) / tilesW, tx = (t0 + t) % tilesW
                inputTile(
                    x, h: h, w: w, c: c, y0: 2 * ty - padding, x0: 2 * tx - padding, into: v + t * c,
                    positionStride: block * c)
            }
            for xi in 0..<16 {
                multiply(
                    v + xi * block * c, count: count, by: u.positions[xi], tile: tile, into: m + xi * block * o, ldy: o)
            }
            for t in 0..<count {
                let ty = (t0 + t) / tilesW, tx = (t0 + t) % tilesW
                outputTile(
                    m + t * o, positionStride: block * o, o: o, h: oh, w: ow, y0: 2 * ty, x0: 2 * tx,
                    bias: bias, residual: residual, relu: relu, into: y)
            }
            t0 += count
        }
    }

    /// V = Bᵀ·d·B of the 4×4 input tile at (y0, x0) (zeros outside the image), 8 channels at a
    /// time; position ξ goes to `v + ξ·positionStride`.
    @inline(__always)
    private static func inputTile(
        _ x: UnsafePointer<Float>, h: Int, w: Int, c: Int, y0: Int, x0: Int,
        into v: UnsafeMutablePointer<Float>, positionStride: Int
    ) {
        // Bᵀ = [[1, 0, −1, 0], [0, 1, 1, 0], [0, −1, 1, 0], [0, 1, 0, −1]], applied to rows, then columns.
        @inline(__always) func row(_ r: Int, _ ch: Int) -> (SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>) {
            let iy = y0 + r
            @inline(__always) func load(_ j: Int) -> SIMD8<Float> {
                let ix = x0 + j
                guard iy >= 0 && iy < h && ix >= 0 && ix < w else { return SIMD8<Float>() }
                return UnsafeRawPointer(x + (iy * w + ix) * c + ch).loadUnaligned(as: SIMD8<Float>.self)
            }
            let d0 = load(0), d1 = load(1), d2 = load(2), d3 = load(3)
            return (d0 - d2, d1 + d2, d2 - d1, d1 - d3)
        }
        @inline(__always) func store(_ xi: Int, _ ch: Int, _ value: SIMD8<Float>) {
            UnsafeMutableRawPointer(v + xi * positionStride + ch).storeBytes(of: value, as: SIMD8<Float>.self)
        }
        for ch in stride(from: 0, to: c, by: 8) {
            let r0 = row(0, ch), r1 = row(1, ch), r2 = row(2, ch), r3 = row(3, ch)
            store(0, ch, r0.0 - r2.0)
            store(1, ch, r0.1 - r2.1)
            store(2, ch, r0.2 - r2.2)
            store(3, ch, r0.3 - r2.3)
            store(4, ch, r1.0 + r2.0)
            store(5, ch, r1.1 + r2.1)
            store(6, ch, r1.2 + r2.2)
            store(7, ch, r1.3 + r2.3)
            store(8, ch, r2.0 - r1.0)
            store(9, ch, r2.1 - r1.1)
            store(10, ch, r2.2 - r1.2)
            store(11, ch, r2.3 - r1.3)
            store(12, ch, r1.0 - r3.0)
            store(13, ch, r1.1 - r3.1)
            store(14, ch, r1.2 - r3.2)
            store(15, ch, r1.3 - r3.3)
        }
    }

    /// Y = Aᵀ·M·A of one tile's 16 products (position ξ at `m + ξ·positionStride`), written to the
    /// output pixels (y0…y0+1, x0…x0+1) inside the image with bias, residual and ReLU.
    @inline(__always)
    private static func outputTile(
        _ m: UnsafePointer<Float>, positionStride: Int, o: Int, h: Int, w: Int, y0: Int, x0: Int,
        bias: UnsafePointer<Float>?, residual: UnsafePointer<Float>?, relu: Bool,
        into y: UnsafeMutablePointer<Float>
    ) {
        // Aᵀ = [[1, 1, 1, 0], [0, 1, −1, −1]], applied to each row of M, then to the columns.
        for oc in stride(from: 0, to: o, by: 8) {
            @inline(__always) func row(_ i: Int) -> (SIMD8<Float>, SIMD8<Float>) {
                @inline(__always) func load(_ j: Int) -> SIMD8<Float> {
                    UnsafeRawPointer(m + (i * 4 + j) * positionStride + oc).loadUnaligned(as: SIMD8<Float>.self)
                }
                let m0 = load(0), m1 = load(1), m2 = load(2), m3 = load(3)
                return (m0 + m1 + m2, m1 - m2 - m3)
            }
            let a0 = row(0), a1 = row(1), a2 = row(2), a3 = row(3)
            let b = bias.map { UnsafeRawPointer($0 + oc).loadUnaligned(as: SIMD8<Float>.self) } ?? SIMD8<Float>()
            @inline(__always) func emit(_ value: SIMD8<Float>, _ i: Int, _ j: Int) {
                guard y0 + i < h && x0 + j < w else { return }
                let offset = ((y0 + i) * w + x0 + j) * o + oc
                var out = value + b
                if let residual { out += UnsafeRawPointer(residual + offset).loadUnaligned(as: SIMD8<Float>.self) }
                if relu { out = out.replacing(with: 0, where: out .< 0) }
                UnsafeMutableRawPointer(y + offset).storeBytes(of: out, as: SIMD8<Float>.self)
            }
            emit(a0.0 + a1.0 + a2.0, 0, 0)
            emit(a0.1 + a1.1 + a2.1, 0, 1)
            emit(a1.0 - a2.0 - a3.0, 1, 0)
            emit(a1.1 - a2.1 - a3.1, 1, 1)
        }
    }
}
