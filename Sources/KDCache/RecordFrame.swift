/// One framed record of a segment: a batch of samples' outputs of one teacher.
///
/// Little-endian layout:
/// ```
///  0  magic "KDC1"
///  4  u32 header size (magic … header CRC inclusive)
///  8  u32 stored payload size     12  u32 raw payload size     16  u32 payload CRC-32
/// 20  u8 codec, u8 precision, u8 format version (1), u8 reserved
/// 24  u32 sample count n          28  16-byte teacher fingerprint
/// 44  n × 16-byte keys
///     u16 tap count; per tap: u16 name length, name, u16 top-k (0: dense), u8 rank, rank × u32 dims
///     u32 header CRC-32 (of every header byte before it)
///     payload (stored size bytes)
/// ```
/// The header CRC makes the sizes trustworthy before the payload is read; the payload CRC catches
/// flipped bytes in the data.
struct RecordFrame {
    static let magic: [UInt8] = Array("KDC1".utf8)
    static let version: UInt8 = 1
    /// No legitimate header is larger (a 64k-sample record); larger sizes mean corruption.
    static let maxHeader = 1 << 21
    static let maxPayload = 1 << 30

    var codec: Codec
    var precision: StoredPrecision
    var fingerprint: [UInt8]
    var keys: [StoreKey]
    var taps: [TapLayout]
    var rawSize: Int
    var storedSize: Int
    var payloadCRC: UInt32
    var headerSize: Int

    /// Total bytes on disk.
    var size: Int { headerSize + storedSize }

    /// A frame's bytes: header then `stored` payload.
    static func encode(codec: Codec, precision: StoredPrecision, fingerprint: [UInt8], keys: [StoreKey], taps: [TapLayout],
                       rawSize: Int, stored: [UInt8]) -> [UInt8] {
        var h = magic
        h.appendLE(UInt32(0))
        h.appendLE(UInt32(stored.count))
        h.appendLE(UInt32(rawSize))
        h.appendLE(CRC32.checksum(stored))
        h += [codec.rawValue, precision.rawValue, version, 0]
        h.appendLE(UInt32(keys.count))
        h += fingerprint
        for key in keys { h += key.bytes }
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
        /// A valid header; the payload is not checked yet.
        case record(RecordFrame)
        /// The bytes end before the frame does (a torn tail, or a write in progress).
        case truncated
        /// Not a valid frame header.
        case corrupt
    }

    /// Parses the header at `offset` of `bytes` (the segment's bytes so far).
    static func parse(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> Parse {
        var c = ByteCursor(bytes, at: offset)
        guard c.remaining >= 8 else { return c.remaining == 0 ? .truncated : (isMagicPrefix(bytes, offset) ? .truncated : .corrupt) }
        guard c.readBytes(4) == magic, let headerSize = c.read(UInt32.self).map(Int.init) else { return .corrupt }
        guard headerSize >= 50, headerSize <= maxHeader else { return .corrupt }
        guard c.remaining + 8 >= headerSize else { return .truncated }
        let crcOffset = offset + headerSize - 4
        let expected = UnsafeRawBufferPointer(rebasing: bytes[offset..<crcOffset])
        guard CRC32.checksum(expected) == bytes.loadUnaligned(fromByteOffset: crcOffset, as: UInt32.self).littleEndian else { return .corrupt }
        guard let stored = c.read(UInt32.self), let raw = c.read(UInt32.self), let payloadCRC = c.read(UInt32.self),
              let codecByte = c.read(UInt8.self), let precisionByte = c.read(UInt8.self), let version = c.read(UInt8.self),
              c.read(UInt8.self) != nil, let count = c.read(UInt32.self), let fingerprint = c.readBytes(16),
              let codec = Codec(rawValue: codecByte), let precision = StoredPrecision(rawValue: precisionByte),
              version == Self.version, Int(stored) <= maxPayload, Int(raw) <= maxPayload else { return .corrupt }
        var keys = [StoreKey]()
        keys.reserveCapacity(Int(count))
        for _ in 0..<count {
            guard let k = c.readBytes(16) else { return .corrupt }
            keys.append(StoreKey(bytes: k))
        }
        guard let tapCount = c.read(UInt16.self) else { return .corrupt }
        var taps = [TapLayout]()
        for _ in 0..<tapCount {
            guard let name = c.readString(), let k = c.read(UInt16.self), let rank = c.read(UInt8.self) else { return .corrupt }
            var dims = [Int]()
            for _ in 0..<rank {
                guard let d = c.read(UInt32.self) else { return .corrupt }
                dims.append(Int(d))
            }
            taps.append(TapLayout(name: name, dims: dims, topK: Int(k)))
        }
        guard c.offset == crcOffset else { return .corrupt }
        let frame = RecordFrame(codec: codec, precision: precision, fingerprint: fingerprint, keys: keys, taps: taps,
                                rawSize: Int(raw), storedSize: Int(stored), payloadCRC: payloadCRC, headerSize: headerSize)
        return bytes.count - offset < frame.size ? .truncated : .record(frame)
    }

    /// Whether the payload at `offset` (this frame's start) matches its checksum.
    func payloadIsIntact(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> Bool {
        CRC32.checksum(UnsafeRawBufferPointer(rebasing: bytes[(offset + headerSize)..<(offset + size)])) == payloadCRC
    }

    private static func isMagicPrefix(_ bytes: UnsafeRawBufferPointer, _ offset: Int) -> Bool {
        zip(bytes[offset...], magic).allSatisfy { $0 == $1 }
    }
}
