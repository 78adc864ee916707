/// The fixed 64-byte header at the start of every shard file (all integers little-endian).
///
/// ```
/// offset size  field
///  0      8    magic "KDSHARD\0"
///  8      4    format version (1)
/// 12      4    header size (64)
/// 16      1    pixel type: 0 uint8, 1 float32
/// 17      1    has labels: 0 or 1
/// 18      2    reserved, 0
/// 20      4    channels
/// 24      4    height
/// 28      4    width
/// 32      8    sample count
/// 40      4    shard number within the dataset
/// 44      4    record size in bytes (4-byte Int32 label if labelled, then the pixels)
/// 48      8    index offset (byte offset of the record index)
/// 56      4    CRC-32 of bytes 0..<56
/// 60      4    reserved, 0
/// ```
/// Records follow the header; the index holds, per record, its offset (u64), length (u32) and
/// CRC-32 (u32); a 16-byte footer closes the file: the CRC-32 of every byte before the footer
/// (u32), a reserved u32 and the magic "KDSHEND\0".
public struct ShardHeader: Hashable, Sendable {
    public static let magic: [UInt8] = Array("KDSHARD\0".utf8)
    static let footerMagic: [UInt8] = Array("KDSHEND\0".utf8)
    public static let formatVersion: UInt32 = 1
    public static let size = 64
    static let footerSize = 16
    static let indexEntrySize = 16

    public var layout: SampleLayout
    public var hasLabels: Bool
    public var sampleCount: Int
    public var shardNumber: Int

    public init(layout: SampleLayout, hasLabels: Bool, sampleCount: Int, shardNumber: Int) {
        self.layout = layout
        self.hasLabels = hasLabels
        self.sampleCount = sampleCount
        self.shardNumber = shardNumber
    }

    /// Bytes per record: the label (if any) and the pixels.
    var recordSize: Int { (hasLabels ? 4 : 0) + layout.byteCount }
    /// Where the record index starts.
    var indexOffset: Int { Self.size + sampleCount * recordSize }
    /// The whole file's size.
    var fileSize: Int { indexOffset + sampleCount * Self.indexEntrySize + Self.footerSize }

    func encoded() -> [UInt8] {
        var b = Self.magic
        b.appendLE(Self.formatVersion)
        b.appendLE(UInt32(Self.size))
        b.append(layout.pixelType.code)
        b.append(hasLabels ? 1 : 0)
        b.appendLE(UInt16(0))
        b.appendLE(UInt32(layout.channels))
        b.appendLE(UInt32(layout.height))
        b.appendLE(UInt32(layout.width))
        b.appendLE(UInt64(sampleCount))
        b.appendLE(UInt32(shardNumber))
        b.appendLE(UInt32(recordSize))
        b.appendLE(UInt64(indexOffset))
        b.appendLE(Checksum.crc32(b))
        b.appendLE(UInt32(0))
        return b
    }

    /// Parses and checks a header against the file's actual length.
    static func decode(_ bytes: [UInt8], file: String) throws -> ShardHeader {
        var r = ByteReader(bytes, file: file)
        try r.require(Self.size)
        guard Array(try r.readBytes(8)) == Self.magic else {
            throw DataError.corrupt(file: file, offset: 0, reason: "not a kdflow shard (bad magic)")
        }
        let version = try r.u32LE()
        guard version == Self.formatVersion else {
            throw DataError.corrupt(file: file, offset: 8, reason: "unsupported shard format version \(version)")
        }
        let storedCRC = Checksum.crc32(bytes[0..<56])
        var c = ByteReader(bytes, file: file, offset: 56)
        guard try c.u32LE() == storedCRC else {
            throw DataError.corrupt(file: file, offset: 56, reason: "header checksum mismatch")
        }
        guard try r.u32LE() == UInt32(Self.size) else {
            throw DataError.corrupt(file: file, offset: 12, reason: "unexpected header size")
        }
        guard let pixelType = SampleLayout.PixelType(code: try r.u8()) else {
            throw DataError.corrupt(file: file, offset: 16, reason: "unknown pixel type")
        }
        let labelFlag = try r.u8()
        guard labelFlag <= 1 else { throw DataError.corrupt(file: file, offset: 17, reason: "bad label flag") }
        try r.skip(2)
        let c32 = Int(try r.u32LE()), h32 = Int(try r.u32LE()), w32 = Int(try r.u32LE())
        let count64 = try r.u64LE()
        let shardNumber = Int(try r.u32LE())
        let recordSize = Int(try r.u32LE())
        let indexOffset = try r.u64LE()
        guard count64 <= UInt64(Int32.max),
            let elements = checkedProduct([c32, h32, w32, pixelType.size]), elements <= Int(Int32.max)
        else {
            throw DataError.corrupt(file: file, offset: 20, reason: "implausible sample shape or count")
        }
        let header = ShardHeader(
            layout: SampleLayout(pixelType: pixelType, channels: c32, height: h32, width: w32),
            hasLabels: labelFlag == 1, sampleCount: Int(count64), shardNumber: shardNumber)
        guard header.recordSize == recordSize else {
            throw DataError.corrupt(
                file: file, offset: 44, reason: "record size \(recordSize) disagrees with the sample shape")
        }
        guard UInt64(header.indexOffset) == indexOffset else {
            throw DataError.corrupt(file: file, offset: 48, reason: "index offset disagrees with the record count")
        }
        guard header.fileSize == bytes.count else {
            if bytes.count < header.fileSize {
                throw DataError.truncated(
                    file: file, offset: bytes.count, needed: header.fileSize - bytes.count, available: 0)
            }
            throw DataError.corrupt(
                file: file, offset: header.fileSize,
                reason: "\(bytes.count - header.fileSize) unexpected trailing bytes")
        }
        return header
    }
}
