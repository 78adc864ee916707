import Foundation
import KDTensor

extension Variable {
    /// e^x.
    public func exp() -> Variable {
        let out = value.exp()
        return Tape.record(out, [self]) { g, _ in [g * out] }
    }

    /// Natural logarithm.
    public func log() -> Variable {
        let x = value
        return Tape.record(x.log(), [self]) { g, _ in [g / x] }
    }

    /// Square root.
    public func sqrt() -> Variable {
        let out = value.sqrt()
        return Tape.record(out, [self]) { g, _ in [g.zipMap(out) { $0 * 0.5 / $1 }] }
    }

    /// x².
    public func squared() -> Variable {
        let x = value
        return Tape.record(x.squared(), [self]) { g, _ in [g.zipMap(x) { 2 * $0 * $1 }] }
    }

    /// x^p.
    public func pow(_ p: Float) -> Variable {
        let x = value
        return Tape.record(x.pow(p), [self]) { g, _ in [g.zipMap(x) { $0 * p * Foundation.pow($1, p - 1) }] }
    }

    /// Absolute value (gradient sign(x), 0 at 0).
    public func abs() -> Variable {
        let x = value
        return Tape.record(x.abs(), [self]) { g, _ in [g.zipMap(x) { $1 > 0 ? $0 : ($1 < 0 ? -$0 : 0) }] }
    }

    /// max(x, 0).
    public func relu() -> Variable {
        let x = value
        return Tape.record(x.relu(), [self]) { g, _ in [g.reluBackward(input: x)] }
    }

    /// x for x > 0, slope·x otherwise.
    public func leakyRelu(slope: Float) -> Variable {
        let x = value
        return Tape.record(x.leakyRelu(slope: slope), [self]) { g, _ in [g.zipMap(x) { $1 > 0 ? $0 : slope * $0 }] }
    }

    /// 1 / (1 + e^-x).
    public func sigmoid() -> Variable {
        let out = value.sigmoid()
        return Tape.record(out, [self]) { g, _ in [g.zipMap(out) { $0 * $1 * (1 - $1) }] }
    }

    /// log(1 + e^x), computed as max(x, 0) + log(1 + e^-|x|) so large |x| neither overflows nor rounds to 0.
    public func softplus() -> Variable {
        let x = value
        return Tape.record(x.map { Swift.max($0, 0) + Foundation.log1p(Foundation.exp(-Swift.abs($0))) }, [self]) {
            g, _ in
            [g.zipMap(x) { $0 / (1 + Foundation.exp(-$1)) }]
        }
    }

    /// Hyperbolic tangent.
    public func tanh() -> Variable {
        let out = value.tanh()
        return Tape.record(out, [self]) { g, _ in [g.zipMap(out) { $0 * (1 - $1 * $1) }] }
    }

    /// Clamps into [low, high]; the gradient passes where the input is inside.
    public func clamped(_ low: Float, _ high: Float) -> Variable {
        let x = value
        return Tape.record(x.clamped(low, high), [self]) { g, _ in [g.zipMap(x) { $1 >= low && $1 <= high ? $0 : 0 }] }
    }
}
