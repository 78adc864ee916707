/// Float32 ↔ stored precision, byte-planar ("shuffled"): byte b of every value is written before
/// byte b+1 of any, so the slowly varying sign/exponent bytes sit together and compress, while the
/// noisy low mantissa bytes do not spoil them.
enum FloatPacking {
    /// `values` in `precision`, byte-planar.
    static func pack(_ values: UnsafeBufferPointer<Float>, _ precision: StoredPrecision, into out: inout [UInt8]) {
        let n = values.count, w = precision.width, start = out.count
        out.append(contentsOf: repeatElement(0, count: n * w))
        out.withUnsafeMutableBufferPointer { o in
            for i in 0..<n {
                let bits: UInt32
                switch precision {
                case .fp32: bits = values[i].bitPattern
                case .fp16: bits = UInt32(Float16(values[i]).bitPattern)
                case .bf16: bits = UInt32(bfloat16Bits(values[i]))
                }
                for b in 0..<w { o[start + b * n + i] = UInt8(truncatingIfNeeded: bits >> UInt32(8 * b)) }
            }
        }
    }

    /// `n` byte-planar values in `precision` from `bytes` at `offset`, as Float32.
    static func unpack(
        _ bytes: UnsafeRawBufferPointer, at offset: Int, count n: Int, _ precision: StoredPrecision,
        into out: UnsafeMutableBufferPointer<Float>
    ) {
        let w = precision.width
        for i in 0..<n {
            var bits: UInt32 = 0
            for b in 0..<w { bits |= UInt32(bytes[offset + b * n + i]) << UInt32(8 * b) }
            switch precision {
            case .fp32: out[i] = Float(bitPattern: bits)
            case .fp16: out[i] = Float(Float16(bitPattern: UInt16(truncatingIfNeeded: bits)))
            case .bf16: out[i] = Float(bitPattern: bits << 16)
            }
        }
    }

    /// Byte-planar u16 values (top-k class indices).
    static func packIndices(_ values: [UInt16], into out: inout [UInt8]) {
        out.append(contentsOf: values.map { UInt8(truncatingIfNeeded: $0) })
        out.append(contentsOf: values.map { UInt8(truncatingIfNeeded: $0 >> 8) })
    }

    /// `n` byte-planar u16 values from `bytes` at `offset`.
    static func unpackIndices(_ bytes: UnsafeRawBufferPointer, at offset: Int, count n: Int) -> [UInt16] {
        (0..<n).map { UInt16(bytes[offset + $0]) | UInt16(bytes[offset + n + $0]) << 8 }
    }

    /// `x` rounded to `precision` (the value a stored copy of it reads back as).
    static func rounded(_ x: Float, _ precision: StoredPrecision) -> Float {
        switch precision {
        case .fp32: x
        case .fp16: Float(Float16(x))
        case .bf16: Float(bitPattern: UInt32(bfloat16Bits(x)) << 16)
        }
    }

    /// bfloat16 by round-to-nearest-even of the upper half (NaN stays a quiet NaN).
    static func bfloat16Bits(_ x: Float) -> UInt16 {
        if x.isNaN { return 0x7FC0 }
        let bits = x.bitPattern
        return UInt16(truncatingIfNeeded: (bits &+ 0x7FFF &+ ((bits >> 16) & 1)) >> 16)
    }
}
