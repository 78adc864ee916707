/// The identity of one stored teacher output: the exact sample and view bytes, and their digest
/// under a teacher fingerprint. Records keep the bytes, so a lookup compares them exactly: a
/// digest collision can never serve another sample's or view's output.
public struct StoreKey: Hashable, Sendable, CustomStringConvertible {
    /// The sample's identity (`SampleID.stableBytes`).
    public let sample: [UInt8]
    /// The view's identity (`ViewParameters.stableBytes`).
    public let view: [UInt8]
    /// What the index maps.
    public let digest: KeyDigest

    /// The key of `sample` seen as `view` by the teacher `fingerprint`.
    public init(fingerprint: TeacherFingerprint, sample: [UInt8], view: [UInt8]) {
        self.sample = sample
        self.view = view
        digest = KeyDigest(fingerprintDigest: fingerprint.digest, sample: sample, view: view)
    }

    public var description: String { digest.description }
}

/// The first 16 bytes of SHA-256("KDK1" ‖ fingerprint digest ‖ u32 length ‖ sample bytes ‖
/// u32 length ‖ view bytes): the index's key. Lookups confirm a match against the record's
/// stored sample and view bytes, so the digest only has to spread keys, never to be unique.
public struct KeyDigest: Hashable, Sendable, CustomStringConvertible {
    /// The digest's two little-endian halves.
    public let high: UInt64, low: UInt64

    init(fingerprintDigest: [UInt8], sample: [UInt8], view: [UInt8]) {
        var h = SHA256()
        h.update(Array("KDK1".utf8))
        h.update(fingerprintDigest)
        for part in [sample, view] {
            var length = [UInt8]()
            length.appendLE(UInt32(part.count))
            h.update(length)
            h.update(part)
        }
        self.init(bytes: Array(h.finalize().prefix(16)))
    }

    /// A digest from its 16 stored bytes.
    init(bytes: [UInt8]) {
        precondition(bytes.count == 16, "a key digest is 16 bytes")
        high = bytes.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: 0, as: UInt64.self)) }
        low = bytes.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self)) }
    }

    /// The 16 bytes written in the index.
    var bytes: [UInt8] {
        var b = [UInt8]()
        b.reserveCapacity(16)
        b.appendLE(high)
        b.appendLE(low)
        return b
    }

    public var description: String { bytes.hexDigits }
}

extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}

extension [UInt8] {
    /// The bytes as lower-case hex, two digits each (digests in names and reports).
    var hexDigits: String { map { String($0, radix: 16).leftPadded(2) }.joined() }
}
