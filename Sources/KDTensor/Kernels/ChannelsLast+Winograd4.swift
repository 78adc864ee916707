/// The F(4×4, 3×3) tile transforms (interpolation points 0, ±1, ±2, ∞). Each 2-D transform is
/// two passes of the 1-D one through the tile's own scratch: rows in place, then columns.
extension ChannelsLast {
    /// V = Bᵀ·d·B of the 6×6 input tile at (y0, x0), 8 channels at a time; position ξ goes to
    /// `v + ξ·stride`. `checked` reads zeros outside the image (one compiled copy each way).
    @inline(never)
    static func inputTile4(
        _ x: UnsafePointer<Float>, h: Int, w: Int, c: Int, y0: Int, x0: Int,
        into v: UnsafeMutablePointer<Float>, stride: Int, checked: Bool
    ) {
        if checked {
            inputTile4Body(x, h: h, w: w, c: c, y0: y0, x0: x0, into: v, stride: stride, checked: true)
        } else {
            inputTile4Body(x, h: h, w: w, c: c, y0: y0, x0: x0, into: v, stride: stride, checked: false)
        }
    }

    @inline(__always)
    private static func inputTile4Body(
        _ x: UnsafePointer<Float>, h: Int, w: Int, c: Int, y0: Int, x0: Int,
        into v: UnsafeMutablePointer<Float>, stride positionStride: Int, checked: Bool
    ) {
        @inline(__always) func at(_ xi: Int, _ ch: Int) -> UnsafeMutableRawPointer {
            UnsafeMutableRawPointer(v + xi * positionStride + ch)
        }
        typealias Six = (SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>)
        @inline(__always) func store6(_ t: Six, _ first: Int, _ step: Int, _ ch: Int) {
            at(first, ch).storeBytes(of: t.0, as: SIMD8<Float>.self)
            at(first + step, ch).storeBytes(of: t.1, as: SIMD8<Float>.self)
            at(first + 2 * step, ch).storeBytes(of: t.2, as: SIMD8<Float>.self)
            at(first + 3 * step, ch).storeBytes(of: t.3, as: SIMD8<Float>.self)
            at(first + 4 * step, ch).storeBytes(of: t.4, as: SIMD8<Float>.self)
            at(first + 5 * step, ch).storeBytes(of: t.5, as: SIMD8<Float>.self)
        }
        for ch in stride(from: 0, to: c, by: 8) {
            for r in 0..<6 {
                @inline(__always) func load(_ j: Int) -> SIMD8<Float> {
                    winogradLoad(x, h: h, w: w, c: c, y: y0 + r, x: x0 + j, ch: ch, checked: checked)
                }
                let t = inputTransform4(load(0), load(1), load(2), load(3), load(4), load(5))
                store6(t, r * 6, 1, ch)
            }
            for j in 0..<6 {
                @inline(__always) func load(_ r: Int) -> SIMD8<Float> {
                    UnsafeRawPointer(at(r * 6 + j, ch)).loadUnaligned(as: SIMD8<Float>.self)
                }
                let t = inputTransform4(load(0), load(1), load(2), load(3), load(4), load(5))
                store6(t, j, 6, ch)
            }
        }
    }

    /// Bᵀ·(x0, …, x5) for Bᵀ = [[4, 0, −5, 0, 1, 0], [0, −4, −4, 1, 1, 0], [0, 4, −4, −1, 1, 0],
    /// [0, −2, −1, 2, 1, 0], [0, 2, −1, −2, 1, 0], [0, 4, 0, −5, 0, 1]].
    @inline(__always)
    private static func inputTransform4(
        _ x0: SIMD8<Float>, _ x1: SIMD8<Float>, _ x2: SIMD8<Float>, _ x3: SIMD8<Float>, _ x4: SIMD8<Float>,
        _ x5: SIMD8<Float>
    ) -> (SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>) {
        let two = SIMD8<Float>(repeating: 2), four = SIMD8<Float>(repeating: 4), five = SIMD8<Float>(repeating: 5)
        let s = x4 - x2, d = x3 - x1
        return (
            (x4 - five * x2).addingProduct(four, x0),
            (x3 + x4) - four * (x1 + x2),
            (x4 - x3).addingProduct(four, x1 - x2),
            s.addingProduct(two, d),
            s - two * d,
            (x5 - five * x3).addingProduct(four, x1)
        )
    }

    /// Y = Aᵀ·M·A of one tile's 36 products (position ξ at `m + ξ·stride`, overwritten), written
    /// to the output pixels (y0…y0+3, x0…x0+3) inside the image with bias, residual and ReLU.
    @inline(__always)
    static func outputTile4(
        _ m: UnsafeMutablePointer<Float>, stride positionStride: Int, o: Int, h: Int, w: Int, y0: Int, x0: Int,
        bias: UnsafePointer<Float>?, residual: UnsafePointer<Float>?, relu: Bool,
        into y: UnsafeMutablePointer<Float>
    ) {
        @inline(__always) func at(_ xi: Int, _ oc: Int) -> UnsafeMutableRawPointer {
            UnsafeMutableRawPointer(m + xi * positionStride + oc)
        }
        for oc in stride(from: 0, to: o, by: 8) {
            for i in 0..<6 {
                @inline(__always) func load(_ j: Int) -> SIMD8<Float> {
                    UnsafeRawPointer(at(i * 6 + j, oc)).loadUnaligned(as: SIMD8<Float>.self)
                }
                let a = outputTransform4(load(0), load(1), load(2), load(3), load(4), load(5))
                at(i * 6, oc).storeBytes(of: a.0, as: SIMD8<Float>.self)
                at(i * 6 + 1, oc).storeBytes(of: a.1, as: SIMD8<Float>.self)
                at(i * 6 + 2, oc).storeBytes(of: a.2, as: SIMD8<Float>.self)
                at(i * 6 + 3, oc).storeBytes(of: a.3, as: SIMD8<Float>.self)
            }
            let b = bias.map { UnsafeRawPointer($0 + oc).loadUnaligned(as: SIMD8<Float>.self) } ?? SIMD8<Float>()
            for j in 0..<4 {
                @inline(__always) func load(_ i: Int) -> SIMD8<Float> {
                    UnsafeRawPointer(at(i * 6 + j, oc)).loadUnaligned(as: SIMD8<Float>.self)
                }
                let a = outputTransform4(load(0), load(1), load(2), load(3), load(4), load(5))
                @inline(__always) func emit(_ value: SIMD8<Float>, _ i: Int) {
                    winogradEmit(
                        value + b, y: y0 + i, x: x0 + j, h: h, w: w, o: o, oc: oc, residual: residual, relu: relu,
                        into: y)
                }
                emit(a.0, 0)
                emit(a.1, 1)
                emit(a.2, 2)
                emit(a.3, 3)
            }
        }
    }

    /// Aᵀ·(m0, …, m5) for Aᵀ = [[1, 1, 1, 1, 1, 0], [0, 1, −1, 2, −2, 0], [0, 1, 1, 4, 4, 0],
    /// [0, 1, −1, 8, −8, 1]].
    @inline(__always)
    private static func outputTransform4(
        _ m0: SIMD8<Float>, _ m1: SIMD8<Float>, _ m2: SIMD8<Float>, _ m3: SIMD8<Float>, _ m4: SIMD8<Float>,
        _ m5: SIMD8<Float>
    ) -> (SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>) {
        let s12 = m1 + m2, d12 = m1 - m2, s34 = m3 + m4, d34 = m3 - m4
        return (
            m0 + s12 + s34,
            d12.addingProduct(SIMD8(repeating: 2), d34),
            s12.addingProduct(SIMD8(repeating: 4), s34),
            (d12 + m5).addingProduct(SIMD8(repeating: 8), d34)
        )
    }
}
