import Foundation

/// A full pass over a store directory: what `kdflow cache stats` and `verify` report.
public struct StoreInspection: Sendable {
    /// One damaged place: segment file and byte offset.
    public struct Damage: Sendable, CustomStringConvertible {
        var segment: String
        public var offset: Int
        public var reason: String
        public var description: String { "\(segment) @\(offset): \(reason)" }
    }

    public var segments = 0
    public var records = 0
    /// Sample entries in records (duplicates included) and distinct keys.
    public var samples = 0, distinctKeys = 0
    public var bytes = 0
    /// Samples and stored bytes (identities and payload) per teacher fingerprint (hex).
    public var byFingerprint: [String: (samples: Int, storedBytes: Int)] = [:]
    /// Records per codec and precision (`zstd fp16`).
    public var byFormat: [String: Int] = [:]
    public var corrupt: [Damage] = []
    /// Torn tails (crash residue or a writer still appending).
    public var tornTails: [Damage] = []
    /// Segments held by a live writer.
    public var lockedSegments = 0
    /// Whether `index.kdci` exists and covers every segment completely.
    public var indexIsCurrent = false

    /// Scans every segment of `directory`; with `decode`, also decompresses and decodes every
    /// record (what `verify` does).
    public static func inspect(_ directory: URL, decode: Bool) throws -> StoreInspection {
        var result = StoreInspection()
        let codec = BlockCodec()
        var digests = Set<KeyDigest>()
        let names = SegmentFile.list(directory)
        let index = StoreIndex.load(directory)
        result.indexIsCurrent = index != nil
        for name in names {
            let path = directory.appendingPathComponent(name).path
            let bytes = try SegmentFile.readTail(path, from: 0)
            result.segments += 1
            result.bytes += bytes.count
            if SegmentFile.isLocked(path) { result.lockedSegments += 1 }
            let scan = bytes.withUnsafeBytes { SegmentScan.scan($0, base: 0, codec: codec) }
            if index?.segments.first(where: { $0.name == name })?.covered != scan.validEnd {
                result.indexIsCurrent = false
            }
            result.corrupt += scan.corrupt.map {
                Damage(segment: name, offset: $0, reason: "damaged record (checksum)")
            }
            if scan.tornTailBytes > 0 {
                result.tornTails.append(
                    Damage(segment: name, offset: scan.validEnd, reason: "torn tail of \(scan.tornTailBytes) bytes"))
            }
            for (offset, frame, recordDigests) in scan.records {
                if decode {
                    if bytes.withUnsafeBytes({ frame.values($0, at: offset, codec: codec) }) == nil {
                        result.corrupt.append(Damage(segment: name, offset: offset, reason: "payload does not decode"))
                        continue
                    }
                }
                result.records += 1
                result.samples += frame.count
                digests.formUnion(recordDigests)
                let fp = TeacherFingerprint(digest: frame.fingerprint).hex
                let prior = result.byFingerprint[fp] ?? (0, 0)
                result.byFingerprint[fp] = (
                    prior.samples + frame.count, prior.storedBytes + frame.identitiesStoredSize + frame.storedSize
                )
                result.byFormat["\(frame.codec) \(frame.precision)", default: 0] += 1
            }
        }
        if names.isEmpty { result.indexIsCurrent = true }
        result.distinctKeys = digests.count
        return result
    }
}
