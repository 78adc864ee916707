import Foundation

/// A counter-based random generator (Philox-4x32-10): the value at a counter is a pure function
/// of (seed, stream, counter), so results never depend on thread scheduling or call order.
public struct CounterRandom: Sendable, Hashable {
    /// The seed (the Philox key).
    public let seed: UInt64
    /// An independent stream under the same seed (e.g. one per parameter or per sample).
    public let stream: UInt64

    /// A generator for `stream` under `seed`.
    public init(seed: UInt64, stream: UInt64 = 0) {
        self.seed = seed
        self.stream = stream
    }

    /// A derived generator for a sub-stream, mixing `salt` into the stream id.
    public func substream(_ salt: UInt64) -> CounterRandom {
        CounterRandom(seed: seed, stream: CounterRandom.mix(stream &+ 0x9E37_79B9_7F4A_7C15 &* (salt &+ 1)))
    }

    /// Four 32-bit words for block `counter`.
    public func block(_ counter: UInt64) -> (UInt32, UInt32, UInt32, UInt32) {
        var c0 = UInt32(truncatingIfNeeded: counter), c1 = UInt32(truncatingIfNeeded: counter >> 32)
        var c2 = UInt32(truncatingIfNeeded: stream), c3 = UInt32(truncatingIfNeeded: stream >> 32)
        var k0 = UInt32(truncatingIfNeeded: seed), k1 = UInt32(truncatingIfNeeded: seed >> 32)
        for _ in 0..<10 {
            let p0 = UInt64(0xD251_1F53) &* UInt64(c0)
            let p1 = UInt64(0xCD9E_8D57) &* UInt64(c2)
            let hi0 = UInt32(truncatingIfNeeded: p0 >> 32), lo0 = UInt32(truncatingIfNeeded: p0)
            let hi1 = UInt32(truncatingIfNeeded: p1 >> 32), lo1 = UInt32(truncatingIfNeeded: p1)
            (c0, c1, c2, c3) = (hi1 ^ c1 ^ k0, lo1, hi0 ^ c3 ^ k1, lo0)
            k0 = k0 &+ 0x9E37_79B9
            k1 = k1 &+ 0xBB67_AE85
        }
        return (c0, c1, c2, c3)
    }

    /// A uniform value in [0, 1) at position `index` of the stream.
    public func uniform(_ index: UInt64) -> Float {
        let (a, b, c, d) = block(index / 4)
        let word: UInt32
        switch index % 4 {
        case 0: word = a
        case 1: word = b
        case 2: word = c
        default: word = d
        }
        return Float(word >> 8) * (1.0 / 16_777_216.0)
    }

    /// A standard normal value at position `index` of the stream (Box–Muller on one block).
    func normal(_ index: UInt64) -> Float {
        let (a, b, _, _) = block(index)
        let u1 = (Double(a) + 1) / 4_294_967_297.0
        let u2 = Double(b) / 4_294_967_296.0
        return Float((-2 * _log(u1)).squareRoot() * _cos(2 * Double.pi * u2))
    }

    /// A uniform integer in 0..<bound at position `index`.
    public func integer(_ index: UInt64, below bound: Int) -> Int {
        precondition(bound > 0)
        let (a, b, _, _) = block(index)
        let wide = (UInt64(a) << 32) | UInt64(b)
        return Int(wide.multipliedFullWidth(by: UInt64(bound)).high)
    }

    /// A tensor of uniform values in [low, high).
    public func uniformTensor(_ shape: Shape, low: Float = 0, high: Float = 1) -> Tensor {
        Tensor(shape: shape) { buf in
            for i in 0..<buf.count { buf[i] = low + (high - low) * uniform(UInt64(i)) }
        }
    }

    /// A tensor of normal values with the given mean and standard deviation.
    public func normalTensor(_ shape: Shape, mean: Float = 0, std: Float = 1) -> Tensor {
        Tensor(shape: shape) { buf in
            for i in 0..<buf.count { buf[i] = mean + std * normal(UInt64(i)) }
        }
    }

    static func mix(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@inline(__always) private func _log(_ x: Double) -> Double { Foundation.log(x) }
@inline(__always) private func _cos(_ x: Double) -> Double { Foundation.cos(x) }
