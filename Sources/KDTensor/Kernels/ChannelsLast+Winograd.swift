extension ChannelsLast {
    /// Output tiles per block: the block's transformed input and products stay in cache. A
    /// multiple of the micro-kernel's 6 rows.
    public static let winogradBlockTiles = 24

    /// Scratch floats the Winograd `convolve` needs.
    public static func winogradScratchFloats(c: Int, o: Int, tile: Int) -> Int {
        let block = winogradBlockTiles
        return (tile + 2) * (tile + 2) * (block * (c + o) + 2 * positionSkew) + GEMMBlocking.mr * GEMMBlocking.nr
    }

    /// Floats (one cache line) added to the stride between positions in the scratch: with
    /// strides a multiple of 4 KB the positions of a tile would share one L1 set.
    private static let positionSkew = 16

    /// y [oh·ow, o] = act(x ⊛ W + bias + residual) for image `x` [h·w, c] zero-padded by
    /// `padding`, W in a Winograd F(m×m, 3×3) domain: block by block of m×m output tiles,
    /// transform each (m + 2)² input tile (V = Bᵀ·d·B, 8 channels per vector), multiply the
    /// (m + 2)² [tiles, c] × [c, o] products with the micro-kernel, transform back
    /// (Y = Aᵀ·M·A) adding bias and residual and applying the ReLU as each output pixel is
    /// written. 2.25× (m = 2) or 4× (m = 4) fewer multiplications than the unfolded product.
    /// With `images` > 1, image i lies at `x + i·strides.x` and its output (and residual) at
    /// `y + i·strides.y`, and a block takes tiles of consecutive images: a small map's few tiles
    /// then share each read of the weights. `scratch` holds `winogradScratchFloats` floats.
    public static func convolve(
        _ x: UnsafePointer<Float>, h: Int, w: Int, padding: Int, winograd u: WinogradWeight,
        bias: UnsafePointer<Float>?, residual: UnsafePointer<Float>?, relu: Bool,
        scratch: UnsafeMutablePointer<Float>, into y: UnsafeMutablePointer<Float>,
        images: Int = 1, strides: (x: Int, y: Int) = (0, 0)
    ) {
        let c = u.c, o = u.o, m = u.tile, n = m + 2, block = winogradBlockTiles
        let oh = h + 2 * padding - 2, ow = w + 2 * padding - 2
        let tilesW = (ow + m - 1) / m, imageTiles = u.tiles(oh: oh, ow: ow), tiles = imageTiles * images
        // A small image's positions lie only as far apart as its tiles need.
        let vStride = min(block, tiles) * c + positionSkew, mStride = min(block, tiles) * o + positionSkew
        let v = scratch, products = scratch + n * n * vStride, tile = products + n * n * mStride
        var t0 = 0
        while t0 < tiles {
            let count = min(block, tiles - t0)
            for t in 0..<count {
                let (image, local) = (t0 + t).quotientAndRemainder(dividingBy: imageTiles)
                let x = x + image * strides.x
                let y0 = local / tilesW * m - padding, x0 = local % tilesW * m - padding
                // Tiles wholly inside the image read it without bounds checks.
                let inside = y0 >= 0 && x0 >= 0 && y0 + n <= h && x0 + n <= w
                if m == 2 {
                    inputTile2(x, h: h, w: w, c: c, y0: y0, x0: x0, into: v + t * c, stride: vStride, checked: !inside)
                } else {
                    inputTile4(x, h: h, w: w, c: c, y0: y0, x0: x0, into: v + t * c, stride: vStride, checked: !inside)
                }
            }
            for xi in 0..<n * n {
                multiply(
                    v + xi * vStride, count: count, by: u.positions[xi], tile: tile,
                    into: products + xi * mStride, ldy: o)
            }
            for t in 0..<count {
                let (image, local) = (t0 + t).quotientAndRemainder(dividingBy: imageTiles)
                let (y, residual) = (y + image * strides.y, residual.map { $0 + image * strides.y })
                let y0 = local / tilesW * m, x0 = local % tilesW * m
                if m == 2 {
                    outputTile2(
                        products + t * o, stride: mStride, o: o, h: oh, w: ow, y0: y0, x0: x0,
                        bias: bias, residual: residual, relu: relu, into: y)
                } else {
                    outputTile4(
                        products + t * o, stride: mStride, o: o, h: oh, w: ow, y0: y0, x0: x0,
                        bias: bias, residual: residual, relu: relu, into: y)
                }
            }
            t0 += count
        }
    }

    /// F(2×2, 3×3)'s V = Bᵀ·d·B of the 4×4 input tile at (y0, x0), 8 channels at a time;
    /// position ξ goes to `v + ξ·stride`. `checked` reads zeros outside the image (one compiled
    /// copy each way).
    @inline(never)
    private static func inputTile2(
        _ x: UnsafePointer<Float>, h: Int, w: Int, c: Int, y0: Int, x0: Int,
        into v: UnsafeMutablePointer<Float>, stride: Int, checked: Bool
    ) {
        if checked {
            inputTile2Body(x, h: h, w: w, c: c, y0: y0, x0: x0, into: v, stride: stride, checked: true)
        } else {
            inputTile2Body(x, h: h, w: w, c: c, y0: y0, x0: x0, into: v, stride: stride, checked: false)
        }
    }

    @inline(__always)
    private static func inputTile2Body(
        _ x: UnsafePointer<Float>, h: Int, w: Int, c: Int, y0: Int, x0: Int,
        into v: UnsafeMutablePointer<Float>, stride positionStride: Int, checked: Bool
    ) {
        // Bᵀ = [[1, 0, −1, 0], [0, 1, 1, 0], [0, −1, 1, 0], [0, 1, 0, −1]], applied to rows, then columns.
        @inline(__always) func row(_ r: Int, _ ch: Int) -> (SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>) {
            let d0 = winogradLoad(x, h: h, w: w, c: c, y: y0 + r, x: x0, ch: ch, checked: checked)
            let d1 = winogradLoad(x, h: h, w: w, c: c, y: y0 + r, x: x0 + 1, ch: ch, checked: checked)
            let d2 = winogradLoad(x, h: h, w: w, c: c, y: y0 + r, x: x0 + 2, ch: ch, checked: checked)
            let d3 = winogradLoad(x, h: h, w: w, c: c, y: y0 + r, x: x0 + 3, ch: ch, checked: checked)
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

    /// Channels ch..<ch+8 of pixel (y, x) of image `x` [h·w, c]; with `checked`, zeros outside it.
    @inline(__always)
    static func winogradLoad(
        _ image: UnsafePointer<Float>, h: Int, w: Int, c: Int, y: Int, x: Int, ch: Int, checked: Bool
    ) -> SIMD8<Float> {
        if checked && !(y >= 0 && y < h && x >= 0 && x < w) { return SIMD8<Float>() }
        return UnsafeRawPointer(image + (y * w + x) * c + ch).loadUnaligned(as: SIMD8<Float>.self)
    }

    /// F(2×2, 3×3)'s Y = Aᵀ·M·A of one tile's 16 products (position ξ at `m + ξ·stride`), written
    /// to the output pixels (y0…y0+1, x0…x0+1) inside the image with bias, residual and ReLU.
    @inline(__always)
    private static func outputTile2(
        _ m: UnsafePointer<Float>, stride positionStride: Int, o: Int, h: Int, w: Int, y0: Int, x0: Int,
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
                winogradEmit(
                    value + b, y: y0 + i, x: x0 + j, h: h, w: w, o: o, oc: oc, residual: residual, relu: relu, into: y)
            }
            emit(a0.0 + a1.0 + a2.0, 0, 0)
            emit(a0.1 + a1.1 + a2.1, 0, 1)
            emit(a1.0 - a2.0 - a3.0, 1, 0)
            emit(a1.1 - a2.1 - a3.1, 1, 1)
        }
    }

    /// Writes channels oc..<oc+8 of output pixel (y, x), if inside the h×w output, with the
    /// residual added and the ReLU applied.
    @inline(__always)
    static func winogradEmit(
        _ value: SIMD8<Float>, y: Int, x: Int, h: Int, w: Int, o: Int, oc: Int, residual: UnsafePointer<Float>?,
        relu: Bool, into out: UnsafeMutablePointer<Float>
    ) {
        guard y < h && x < w else { return }
        let offset = (y * w + x) * o + oc
        var value = value
        if let residual { value += UnsafeRawPointer(residual + offset).loadUnaligned(as: SIMD8<Float>.self) }
        if relu { value = value.replacing(with: 0, where: value .< 0) }
        UnsafeMutableRawPointer(out + offset).storeBytes(of: value, as: SIMD8<Float>.self)
    }
}
