/// The key of one stored teacher output: the first 16 bytes of
/// SHA-256("KDK1" ‖ fingerprint digest ‖ u32 length ‖ sample bytes ‖ u32 length ‖ view bytes).
/// 128 bits keep the chance of any collision among billions of sample·views below 1e-18.
public struct StoreKey: Hashable, Sendable, CustomStringConvertible {
    /// The key's two little-endian halves.
    public let high: UInt64, low: UInt64

    /// The key of `sample` (`SampleID.stableBytes`) seen as `view` (`ViewParameters.stableBytes`)
    /// by the teacher `fingerprint`.
    public init(fingerprint: TeacherFingerprint, sample: [UInt8], view: [UInt8]) {
        var h = SHA256()
        h.update(Array("KDK1".utf8))
        h.update(fingerprint.digest)
        for part in [sample, view] {
            var length = [UInt8]()
            length.appendLE(UInt32(part.count))
            h.update(length)
            h.update(part)
        }
        self.init(bytes: Array(h.finalize().prefix(16)))
    }

    /// A key from its 16 stored bytes.
    public init(bytes: [UInt8]) {
        precondition(bytes.count == 16, "a store key is 16 bytes")
        high = bytes.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: 0, as: UInt64.self)) }
        low = bytes.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self)) }
    }

    /// The 16 bytes written in records and the index.
    public var bytes: [UInt8] {
        var b = [UInt8]()
        b.reserveCapacity(16)
        b.appendLE(high)
        b.appendLE(low)
        return b
    }

    public var description: String { bytes.map { String($0, radix: 16).leftPadded(2) }.joined() }
}

extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
