/// One shard file in memory, checked on open: header, footer checksum and record index.
/// Records are then served by index without further checks.
public struct Shard: Sendable {
    /// The file's name or path, for messages.
    public let file: String
    /// The parsed header.
    public let header: ShardHeader
    /// The CRC-32 stored in the footer (of every byte before it).
    public let checksum: UInt32
    let bytes: [UInt8]
    let recordOffsets: [Int]
    let recordCRCs: [UInt32]

    /// Number of records.
    public var count: Int { header.sampleCount }

    /// Parses and fully verifies a shard's bytes; `file` names it in errors.
    public init(bytes: [UInt8], file: String) throws {
        let header = try ShardHeader.decode(bytes, file: file)
        let footerStart = bytes.count - ShardHeader.footerSize
        var f = ByteReader(bytes, file: file, offset: footerStart)
        let stored = try f.u32LE()
        guard try f.u32LE() == 0 else {
            throw DataError.corrupt(file: file, offset: footerStart + 4, reason: "reserved footer field is not zero")
        }
        guard Array(try f.readBytes(8)) == ShardHeader.footerMagic else {
            throw DataError.corrupt(
                file: file, offset: footerStart + 8, reason: "missing end-of-shard marker (incomplete write?)")
        }
        let actual = Checksum.crc32(bytes[0..<footerStart])
        guard stored == actual else {
            throw DataError.corrupt(
                file: file, offset: footerStart,
                reason: "shard checksum mismatch (stored \(hex(stored)), computed \(hex(actual)))")
        }
        var offsets = [Int](), crcs = [UInt32]()
        offsets.reserveCapacity(header.sampleCount)
        crcs.reserveCapacity(header.sampleCount)
        var r = ByteReader(bytes, file: file, offset: header.indexOffset)
        for i in 0..<header.sampleCount {
            let at = r.offset
            let offset = try r.u64LE(), length = try r.u32LE(), crc = try r.u32LE()
            guard offset == UInt64(ShardHeader.size + i * header.recordSize), Int(length) == header.recordSize else {
                throw DataError.corrupt(file: file, offset: at, reason: "index entry \(i) points outside its record")
            }
            offsets.append(Int(offset))
            crcs.append(crc)
        }
        self.file = file
        self.header = header
        self.checksum = stored
        self.bytes = bytes
        self.recordOffsets = offsets
        self.recordCRCs = crcs
    }

    /// Builds a shard's bytes from samples `range` of `table`.
    public static func encode(_ table: SampleTable, range: Range<Int>, shardNumber: Int) -> [UInt8] {
        let header = ShardHeader(
            layout: table.layout, hasLabels: table.labels != nil,
            sampleCount: range.count, shardNumber: shardNumber)
        var out = header.encoded()
        out.reserveCapacity(header.fileSize)
        var index = [UInt8]()
        index.reserveCapacity(range.count * ShardHeader.indexEntrySize)
        let size = table.layout.byteCount
        for i in range {
            let start = out.count
            if let labels = table.labels { out.appendLE(Int32(truncatingIfNeeded: labels[i])) }
            out.append(contentsOf: table.pixels[(i * size)..<((i + 1) * size)])
            index.appendLE(UInt64(start))
            index.appendLE(UInt32(out.count - start))
            index.appendLE(Checksum.crc32(out[start...]))
        }
        out.append(contentsOf: index)
        out.appendLE(Checksum.crc32(out))
        out.appendLE(UInt32(0))
        out.append(contentsOf: ShardHeader.footerMagic)
        return out
    }

    /// The label of record `i`, or nil in an unlabeled shard.
    @inline(__always)
    public func label(at i: Int) -> Int? {
        guard header.hasLabels else { return nil }
        let o = recordOffsets[i]
        let raw = UInt32(bytes[o]) | UInt32(bytes[o + 1]) << 8 | UInt32(bytes[o + 2]) << 16 | UInt32(bytes[o + 3]) << 24
        return Int(Int32(bitPattern: raw))
    }

    /// Calls `body` with record `i`'s pixel bytes (layout per `header.layout`).
    @inline(__always)
    public func withPixels<R>(at i: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        let start = recordOffsets[i] + (header.hasLabels ? 4 : 0)
        return try bytes.withUnsafeBytes { raw in
            try body(UnsafeRawBufferPointer(rebasing: raw[start..<(start + header.layout.byteCount)]))
        }
    }

    /// Rechecks record `i` against its own CRC-32 from the index.
    func verifyRecord(at i: Int) throws {
        let o = recordOffsets[i]
        guard Checksum.crc32(bytes[o..<(o + header.recordSize)]) == recordCRCs[i] else {
            throw DataError.corrupt(file: file, offset: o, reason: "record \(i) checksum mismatch")
        }
    }
}

func hex(_ v: UInt32) -> String {
    let s = String(v, radix: 16)
    return String(repeating: "0", count: max(0, 8 - s.count)) + s
}
