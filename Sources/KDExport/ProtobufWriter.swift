/// Protocol Buffers wire format, just the parts ONNX files use (no new package dependency).
///
/// A message is a sequence of fields, each a key `field << 3 | wireType` (a varint) and a value:
/// - wire type 0, varint: 7 bits per byte, least significant group first, high bit set on every
///   byte but the last. Negative int64s are their 64-bit two's complement (10 bytes).
/// - wire type 2, length-delimited: a varint byte count, then the bytes (strings as UTF-8,
///   `bytes`, nested messages).
/// - wire type 5, fixed32: four little-endian bytes (a float's IEEE-754 bits).
///
/// Repeated scalars are written unpacked (one key per element), as proto2 files such as
/// onnx.proto declare them; fields appear in the order the caller writes them.
struct ProtobufWriter {
    /// The encoded message so far.
    private(set) var bytes: [UInt8] = []

    enum WireType: UInt8 {
        case varint = 0, lengthDelimited = 2, fixed32 = 5
    }

    mutating func varint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    mutating func key(_ field: Int, _ wireType: WireType) {
        varint(UInt64(field) << 3 | UInt64(wireType.rawValue))
    }

    /// An int32/int64/enum field.
    mutating func int(_ field: Int, _ value: Int) {
        key(field, .varint)
        varint(UInt64(bitPattern: Int64(value)))
    }

    /// A float field.
    mutating func float(_ field: Int, _ value: Float) {
        key(field, .fixed32)
        withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// A bytes field.
    mutating func bytes(_ field: Int, _ value: [UInt8]) {
        key(field, .lengthDelimited)
        varint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    /// A string field.
    mutating func string(_ field: Int, _ value: String) {
        bytes(field, Array(value.utf8))
    }

    /// A nested message field: encoded separately, since its length prefix comes first.
    mutating func message(_ field: Int, _ value: some ProtobufMessage) {
        var nested = ProtobufWriter()
        value.encode(to: &nested)
        bytes(field, nested.bytes)
    }
}

/// A message that can write its fields.
protocol ProtobufMessage {
    func encode(to writer: inout ProtobufWriter)
}

extension ProtobufMessage {
    /// The message's wire bytes.
    var serialized: [UInt8] {
        var writer = ProtobufWriter()
        encode(to: &writer)
        return writer.bytes
    }
}
