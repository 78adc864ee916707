/// What makes a teacher's outputs what they are: architecture and options, weight bytes, the
/// stored taps, the stored precision and top-k, and evaluation mode. Two stores with different
/// fingerprints never share a key.
public struct TeacherFingerprint: Hashable, Sendable {
    /// SHA-256 of the canonical description below.
    public let digest: [UInt8]
    /// A readable summary (arch, taps, precision), for `kdflow cache stats`.
    public let summary: String

    /// Fingerprints a teacher. `options` are its architecture options (`in_channels`, `hidden`, …,
    /// sorted by name); `weights` are its full state (parameters and buffers) as serialised bytes.
    public init(
        arch: String, options: [String: String], weights: [UInt8], taps: [String], encoding: PayloadEncoding,
        evalMode: Bool = true
    ) {
        var h = SHA256()
        var header = [UInt8]()
        header.append(contentsOf: Array("KDTF1".utf8))
        header.appendString(arch)
        header.appendLE(UInt32(options.count))
        for (name, value) in options.sorted(by: { $0.key < $1.key }) {
            header.appendString(name)
            header.appendString(value)
        }
        let sortedTaps = Array(Set(taps)).sorted()
        header.appendLE(UInt32(sortedTaps.count))
        for tap in sortedTaps { header.appendString(tap) }
        header.append(encoding.precision.rawValue)
        header.appendLE(UInt32(encoding.topK ?? 0))
        header.append(evalMode ? 1 : 0)
        header.appendLE(UInt64(weights.count))
        h.update(header)
        h.update(weights)
        digest = Array(h.finalize().prefix(16))
        summary = "\(arch) taps [\(sortedTaps.joined(separator: ", "))] \(encoding)"
    }

    /// A fingerprint read back from a record (its summary is the digest in hex).
    init(digest: [UInt8]) {
        self.digest = digest
        summary = digest.hexDigits
    }

    /// The digest in hex.
    public var hex: String { digest.hexDigits }
}
