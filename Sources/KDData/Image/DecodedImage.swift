import Foundation

/// An 8-bit image as its file decodes: row-major, channels interleaved (1: grey, 3: RGB; an alpha
/// channel is dropped, as PIL's `convert` drops it).
public struct DecodedImage: Sendable, Equatable {
    /// Columns.
    public var width: Int
    /// Rows.
    public var height: Int
    /// 1 (grey) or 3 (RGB).
    public var channels: Int
    /// `height × width × channels` bytes.
    public var pixels: [UInt8]

    /// Reads and decodes the PNG or JPEG file at `url` (told apart by its first bytes, not its name).
    public static func read(_ url: URL) throws -> (image: DecodedImage, source: SourceFile) {
        let bytes = try FileBytes.readRaw(url)
        let source = SourceFile(name: url.lastPathComponent, bytes: bytes.count, crc32: Checksum.crc32(bytes))
        return (try decode(bytes, file: url.path), source)
    }

    /// Decodes PNG or JPEG bytes; errors name `file` and what the decoder rejected.
    static func decode(_ bytes: [UInt8], file: String) throws -> DecodedImage {
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) {
            return try decodePNG(bytes, file: file)
        }
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return try decodeJPEG(bytes, file: file) }
        let head = bytes.prefix(4).map { String(format: "%02x", $0) }.joined(separator: " ")
        throw DataError.undecodable(
            file: file, reason: bytes.isEmpty ? "empty file" : "not a PNG or JPEG file (starts with \(head))")
    }

    /// The pixels channel-planar (C×H×W), the layout of a shard record.
    func planar() -> [UInt8] {
        guard channels > 1 else { return pixels }
        var out = [UInt8](repeating: 0, count: pixels.count)
        let plane = width * height
        for i in 0..<plane {
            for c in 0..<channels { out[c * plane + i] = pixels[i * channels + c] }
        }
        return out
    }
}
