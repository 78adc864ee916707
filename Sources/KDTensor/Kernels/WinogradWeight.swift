/// A 3×3 convolution's weight in a Winograd F(m×m, 3×3) domain (m = 2 or 4): U_ξ = G·g·Gᵀ at
/// each of the (m + 2)² positions ξ of an input tile, each a [c, o] matrix packed for the
/// micro-kernel.
public final class WinogradWeight: @unchecked Sendable {
    // @unchecked: written only in init.
    let c: Int, o: Int
    /// Output pixels per tile side (m).
    let tile: Int
    let positions: [PackedPanels]

    /// From W [9·c, o] in `im2col`'s row order ((ki·3 + kj)·c + channel), for output tiles of
    /// `tile`×`tile` pixels.
    public init(_ weight: [Float], c: Int, o: Int, tile: Int) {
        precondition(weight.count == 9 * c * o, "WinogradWeight: \(weight.count) floats for c \(c), o \(o)")
        precondition(tile == 2 || tile == 4, "WinogradWeight: F(\(tile)×\(tile), 3×3) is not implemented")
        self.c = c
        self.o = o
        self.tile = tile
        let n = tile + 2
        let transform = tile == 2 ? winogradFilterTransform2 : winogradFilterTransform4
        var u = [[Float]](repeating: [Float](repeating: 0, count: c * o), count: n * n)
        for ch in 0..<c {
            for oc in 0..<o {
                let g: [Double] = (0..<9).map { Double(weight[($0 * c + ch) * o + oc]) }
                // U = G·g·Gᵀ: G applied to each column of g, then to each row of the result.
                let t: [[Double]] = (0..<3).map { j in transform(g[j], g[3 + j], g[6 + j]) }
                for i in 0..<n {
                    let row = transform(t[0][i], t[1][i], t[2][i])
                    for j in 0..<n { u[i * n + j][ch * o + oc] = Float(row[j]) }
                }
            }
        }
        positions = u.map { PackedPanels($0, k: c, n: o) }
    }

    /// Whether a convolution takes this path: 3×3, stride 1, channel counts that fill SIMD8 vectors.
    public static func fits(_ g: Conv2dGeometry, c: Int, o: Int) -> Bool {
        g.kh == 3 && g.kw == 3 && g.stride == 1 && c % 8 == 0 && o % 8 == 0
    }

    /// Output tiles of an `oh`×`ow` output.
    public func tiles(oh: Int, ow: Int) -> Int { ((oh + tile - 1) / tile) * ((ow + tile - 1) / tile) }

    /// The output tile side for an `oh`×`ow` output: the one with fewer products (F(4×4, 3×3)
    /// makes 36 per 4×4 tile, F(2×2, 3×3) 16 per 2×2 tile; a tile overhanging the image costs
    /// as much as a whole one).
    public static func tile(oh: Int, ow: Int) -> Int {
        let products4 = 36 * ((oh + 3) / 4) * ((ow + 3) / 4), products2 = 16 * ((oh + 1) / 2) * ((ow + 1) / 2)
        return products4 < products2 ? 4 : 2
    }
}

/// G·(a, b, c) for F(2, 3)'s G = [[1, 0, 0], [½, ½, ½], [½, −½, ½], [0, 0, 1]].
private func winogradFilterTransform2(_ a: Double, _ b: Double, _ c: Double) -> [Double] {
    let half = (a + c) / 2
    return [a, half + b / 2, half - b / 2, c]
}

/// G·(a, b, c) for F(4, 3)'s G (interpolation points 0, ±1, ±2, ∞):
/// [[¼, 0, 0], [−⅙, −⅙, −⅙], [−⅙, ⅙, −⅙], [1/24, 1/12, ⅙], [1/24, −1/12, ⅙], [0, 0, 1]].
private func winogradFilterTransform4(_ a: Double, _ b: Double, _ c: Double) -> [Double] {
    [a / 4, -(a + b + c) / 6, -(a - b + c) / 6, a / 24 + b / 12 + c / 6, a / 24 - b / 12 + c / 6, c]
}
