/// What a pass over a segment's bytes found: the valid records and the damage between them.
struct SegmentScan {
    /// Valid records, their offsets and their samples' key digests (in slot order), in file order.
    var records: [(offset: Int, frame: RecordFrame, digests: [KeyDigest])] = []
    /// Damaged regions followed by a valid record (bit rot, overwritten bytes) and records whose
    /// stored bytes fail their checksum or whose identities do not decode.
    var corrupt: [Int] = []
    /// Bytes after the last valid record that form no complete record (a crash mid-write, or a
    /// writer still appending).
    var tornTailBytes = 0
    /// Where the last valid record ends: the next scan of this segment starts here.
    var validEnd = 0

    /// Scans `bytes` (a segment's content from offset `base`) record by record, decoding each
    /// record's identities with `codec`. After damage it searches forward for the next valid
    /// header, so one bad record does not hide the rest.
    static func scan(_ bytes: UnsafeRawBufferPointer, base: Int, codec: BlockCodec) -> SegmentScan {
        var result = SegmentScan(validEnd: base)
        var offset = 0
        var damagedFrom: Int?
        while offset < bytes.count {
            if case .record(let frame) = RecordFrame.parse(bytes, at: offset) {
                if let start = damagedFrom {
                    result.corrupt.append(base + start)
                    damagedFrom = nil
                }
                if frame.storedIsIntact(bytes, at: offset),
                    let identities = frame.identities(bytes, at: offset, codec: codec)
                {
                    result.records.append(
                        (base + offset, frame, identities.map { $0.digest(fingerprint: frame.fingerprint) }))
                } else {
                    result.corrupt.append(base + offset)
                }
                offset += frame.size
                result.validEnd = base + offset
                continue
            }
            if damagedFrom == nil { damagedFrom = offset }
            offset = nextMagic(bytes, after: offset) ?? bytes.count
        }
        result.tornTailBytes = damagedFrom.map { bytes.count - $0 } ?? 0
        return result
    }

    private static func nextMagic(_ bytes: UnsafeRawBufferPointer, after offset: Int) -> Int? {
        let m = RecordFrame.magic
        var i = offset + 1
        while i + 4 <= bytes.count {
            if bytes[i] == m[0], bytes[i + 1] == m[1], bytes[i + 2] == m[2], bytes[i + 3] == m[3] { return i }
            i += 1
        }
        return nil
    }
}
