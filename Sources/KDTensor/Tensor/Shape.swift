/// The dimensions of a tensor, outermost first (row-major).
public struct Shape: Hashable, Sendable, CustomStringConvertible, ExpressibleByArrayLiteral {
    /// The size of each axis.
    public var dims: [Int]

    /// A shape with the given axis sizes.
    public init(_ dims: [Int]) {
        precondition(dims.allSatisfy { $0 >= 0 }, "negative dimension in shape \(dims)")
        self.dims = dims
    }

    public init(arrayLiteral elements: Int...) { self.init(elements) }

    /// Number of axes.
    public var rank: Int { dims.count }
    /// Number of elements (1 for a scalar).
    public var count: Int { dims.reduce(1, *) }
    /// Size of an axis; negative axes count from the end.
    public subscript(axis: Int) -> Int { dims[normalize(axis: axis)] }

    /// Row-major strides in elements.
    var strides: [Int] {
        var s = [Int](repeating: 1, count: dims.count)
        var acc = 1
        for i in stride(from: dims.count - 1, through: 0, by: -1) {
            s[i] = acc
            acc *= dims[i]
        }
        return s
    }

    /// Maps a possibly negative axis into `0..<rank`.
    public func normalize(axis: Int) -> Int {
        let a = axis < 0 ? axis + dims.count : axis
        precondition(a >= 0 && a < dims.count, "axis \(axis) out of range for shape \(self)")
        return a
    }

    public var description: String { "[" + dims.map(String.init).joined(separator: ", ") + "]" }

    /// The NumPy broadcast of two shapes, or nil when they are incompatible.
    public static func broadcast(_ a: Shape, _ b: Shape) -> Shape? {
        let rank = max(a.rank, b.rank)
        var out = [Int](repeating: 1, count: rank)
        for i in 0..<rank {
            let da = i < rank - a.rank ? 1 : a.dims[i - (rank - a.rank)]
            let db = i < rank - b.rank ? 1 : b.dims[i - (rank - b.rank)]
            if da == db || db == 1 { out[i] = da } else if da == 1 { out[i] = db } else { return nil }
        }
        return Shape(out)
    }
}
