/// One framed record of a segment: a batch of samples' outputs of one teacher.
///
/// Little-endian layout:
/// ```
///  0  magic "KDC2"
///  4  u32 header size (magic … header CRC inclusive)
///  8  u32 stored identities size   12  u32 raw identities size
/// 16  u32 stored payload size      20  u32 raw payload size
/// 24  u32 CRC-32 of the stored bytes (identities, then payload)
/// 28  u8 identities codec, u8 payload codec, u8 precision, u8 format version (2)
/// 32  u32 sample count n           36  16-byte teacher fingerprint
/// 52  u16 tap count; per tap: u16 name length, name, u16 top-k (0: dense), u8 rank, rank × u32 dims
///     u32 header CRC-32 (of every header byte before it)
///     identities (`RecordIdentities`, compressed), payload (`RecordPayload`, compressed)
/// ```
/// The header CRC makes the sizes trustworthy before the rest is read; the stored CRC catches
/// flipped bytes in the data. Identities and payload are compressed apart so that rebuilding the
/// index decompresses only the identities.
struct RecordFrame {
    static let magic: [UInt8] = Array("KDC2".utf8)
    static let version: UInt8 = 2
    static let fixedHeader = 52
    /// No legitimate header is larger; larger sizes mean corruption.
    static let maxHeader = 1 << 20
    static let maxBlock = 1 << 30

    var identitiesCodec: Codec
    var codec: Codec
    var precision: StoredPrecision
    var fingerprint: [UInt8]
    var count: Int
    var taps: [TapLayout]
    var identitiesStoredSize: Int
    var identitiesRawSize: Int
    var storedSize: Int
    var rawSize: Int
    var storedCRC: UInt32
    var headerSize: Int

    /// Total bytes on disk.
    var size: Int { headerSize + identitiesStoredSize + storedSize }

    /// The stored identities' range, relative to the frame's start.
    var identitiesRange: Range<Int> { headerSize..<(headerSize + identitiesStoredSize) }

    /// The stored payload's range, relative to the frame's start.
    var payloadRange: Range<Int> { (headerSize + identitiesStoredSize)..<size }

    /// A stored block: its codec and sizes.
    struct Block {
        var codec: Codec
        var rawSize: Int
        var stored: [UInt8]
    }

    /// A frame's bytes: header, then the stored identities and payload.
    static func encode(
        precision: StoredPrecision, fingerprint: [UInt8], count: Int, taps: [TapLayout],
        identities: Block, payload: Block
    ) -> [UInt8] {
        let stored = identities.stored + payload.stored
        var h = magic
        h.appendLE(UInt32(0))
        for size in [identities.stored.count, identities.rawSize, payload.stored.count, payload.rawSize] {
            h.appendLE(UInt32(size))
        }
        h.appendLE(CRC32.checksum(stored))
        h += [identities.codec.rawValue, payload.codec.rawValue, precision.rawValue, version]
        h.appendLE(UInt32(count))
        h += fingerprint
        h.appendLE(UInt16(taps.count))
        for tap in taps {
            h.appendString(tap.name)
            h.appendLE(UInt16(tap.topK))
            h.append(UInt8(tap.dims.count))
            for d in tap.dims { h.appendLE(UInt32(d)) }
        }
        let headerSize = UInt32(h.count + 4)
        withUnsafeBytes(of: headerSize.littleEndian) { for (i, b) in $0.enumerated() { h[4 + i] = b } }
        h.appendLE(CRC32.checksum(h))
        return h + stored
    }

    /// What lies at an offset of a segment.
    enum Parse {
        /// A valid header; the stored bytes are not checked yet.
        case record(RecordFrame)
        /// The bytes end before the frame does (a torn tail, or a write in progress).
        case truncated
        /// Not a valid frame header.
        case corrupt
    }

    /// Parses the header at `offset` of `bytes` (the segment's bytes so far).
    static func parse(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> Parse {
        var c = ByteCursor(bytes, at: offset)
        guard c.remaining >= 8 else {
            return c.remaining == 0 ? .truncated : (isMagicPrefix(bytes, offset) ? .truncated : .corrupt)
        }
        guard c.readBytes(4) == magic, let headerSize = c.read(UInt32.self).map(Int.init) else { return .corrupt }
        guard headerSize >= fixedHeader + 6, headerSize <= maxHeader else { return .corrupt }
        guard c.remaining + 8 >= headerSize else { return .truncated }
        let crcOffset = offset + headerSize - 4
        let expected = UnsafeRawBufferPointer(rebasing: bytes[offset..<crcOffset])
        guard CRC32.checksum(expected) == bytes.loadUnaligned(fromByteOffset: crcOffset, as: UInt32.self).littleEndian
        else { return .corrupt }
        guard let idStored = c.read(UInt32.self), let idRaw = c.read(UInt32.self),
            let stored = c.read(UInt32.self), let raw = c.read(UInt32.self), let storedCRC = c.read(UInt32.self),
            let idCodec = c.read(UInt8.self).flatMap(Codec.init(rawValue:)),
            let codec = c.read(UInt8.self).flatMap(Codec.init(rawValue:)),
            let precision = c.read(UInt8.self).flatMap(StoredPrecision.init(rawValue:)), c.read(UInt8.self) == version,
            let count = c.read(UInt32.self), let fingerprint = c.readBytes(16),
            [idStored, idRaw, stored, raw].allSatisfy({ Int($0) <= maxBlock })
        else { return .corrupt }
        guard let tapCount = c.read(UInt16.self) else { return .corrupt }
        var taps = [TapLayout]()
        for _ in 0..<tapCount {
            guard let name = c.readString(), let k = c.read(UInt16.self), let rank = c.read(UInt8.self) else {
                return .corrupt
            }
            var dims = [Int]()
            for _ in 0..<rank {
                guard let d = c.read(UInt32.self) else { return .corrupt }
                dims.append(Int(d))
            }
            taps.append(TapLayout(name: name, dims: dims, topK: Int(k)))
        }
        guard c.offset == crcOffset else { return .corrupt }
        let frame = RecordFrame(
            identitiesCodec: idCodec, codec: codec, precision: precision, fingerprint: fingerprint,
            count: Int(count), taps: taps, identitiesStoredSize: Int(idStored), identitiesRawSize: Int(idRaw),
            storedSize: Int(stored), rawSize: Int(raw), storedCRC: storedCRC, headerSize: headerSize)
        return bytes.count - offset < frame.size ? .truncated : .record(frame)
    }

    /// Whether the stored bytes of the frame at `offset` match their checksum.
    func storedIsIntact(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> Bool {
        CRC32.checksum(UnsafeRawBufferPointer(rebasing: bytes[(offset + headerSize)..<(offset + size)])) == storedCRC
    }

    private static func isMagicPrefix(_ bytes: UnsafeRawBufferPointer, _ offset: Int) -> Bool {
        zip(bytes[offset...], magic).allSatisfy { $0 == $1 }
    }
}
