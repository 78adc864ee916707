import KDTensor

extension Variable {
    /// Elementwise sum with broadcasting.
    public static func + (a: Variable, b: Variable) -> Variable {
        Tape.record(a.value + b.value, [a, b]) { g, needs in
            [needs[0] ? g.sumToShape(a.shape) : nil, needs[1] ? g.sumToShape(b.shape) : nil]
        }
    }

    /// Elementwise difference with broadcasting.
    public static func - (a: Variable, b: Variable) -> Variable {
        Tape.record(a.value - b.value, [a, b]) { g, needs in
            [needs[0] ? g.sumToShape(a.shape) : nil, needs[1] ? (-g).sumToShape(b.shape) : nil]
        }
    }

    /// Elementwise product with broadcasting.
    public static func * (a: Variable, b: Variable) -> Variable {
        Tape.record(a.value * b.value, [a, b]) { g, needs in
            [
                needs[0] ? (g * b.value).sumToShape(a.shape) : nil,
                needs[1] ? (g * a.value).sumToShape(b.shape) : nil,
            ]
        }
    }

    /// Elementwise quotient with broadcasting.
    public static func / (a: Variable, b: Variable) -> Variable {
        let out = a.value / b.value
        return Tape.record(out, [a, b]) { g, needs in
            let gOverB = g / b.value
            return [
                needs[0] ? gOverB.sumToShape(a.shape) : nil,
                needs[1] ? (-(gOverB * out)).sumToShape(b.shape) : nil,
            ]
        }
    }

    /// Negation.
    public static prefix func - (a: Variable) -> Variable {
        Tape.record(-a.value, [a]) { g, _ in [-g] }
    }

    /// Adds a scalar.
    public static func + (a: Variable, s: Float) -> Variable {
        Tape.record(a.value + s, [a]) { g, _ in [g] }
    }

    /// Subtracts a scalar.
    public static func - (a: Variable, s: Float) -> Variable { a + (-s) }

    /// Multiplies by a scalar.
    public static func * (a: Variable, s: Float) -> Variable {
        Tape.record(a.value * s, [a]) { g, _ in [g * s] }
    }

    /// Multiplies by a scalar.
    public static func * (s: Float, a: Variable) -> Variable { a * s }

    /// Divides by a scalar.
    public static func / (a: Variable, s: Float) -> Variable { a * (1 / s) }

    /// Elementwise maximum with broadcasting; the gradient goes to the larger input (to `self`
    /// on ties).
    public func maximum(_ other: Variable) -> Variable {
        let a = self
        return Tape.record(a.value.maximum(other.value), [a, other]) { g, needs in
            let takeA = a.value.broadcastMap(other.value) { $0 >= $1 ? 1 : 0 }
            return [
                needs[0] ? (g * takeA).sumToShape(a.shape) : nil,
                needs[1] ? (g * takeA.map { 1 - $0 }).sumToShape(other.shape) : nil,
            ]
        }
    }
}
