import CJPEG
import Glibc

extension DecodedImage {
    /// Decodes a JPEG through libjpeg(-turbo) with its defaults (islow DCT, fancy upsampling, as
    /// PIL), into grey for a one-component file and RGB otherwise. libjpeg's warnings (corrupt
    /// data, premature end of file) are errors: the C shim turns both into a returned message.
    static func decodeJPEG(_ bytes: [UInt8], file: String) throws -> DecodedImage {
        var pixels: UnsafeMutablePointer<UInt8>?
        var width: Int32 = 0, height: Int32 = 0, channels: Int32 = 0
        var message = [CChar](repeating: 0, count: Int(JMSG_LENGTH_MAX))
        let status = bytes.withUnsafeBufferPointer { input in
            kd_jpeg_decode(input.baseAddress, UInt(input.count), &pixels, &width, &height, &channels, &message)
        }
        guard status == 0, let pixels else {
            let text = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw DataError.undecodable(file: file, reason: "JPEG: \(text)")
        }
        defer { free(pixels) }
        let count = Int(width) * Int(height) * Int(channels)
        return DecodedImage(
            width: Int(width), height: Int(height), channels: Int(channels),
            pixels: Array(UnsafeBufferPointer(start: pixels, count: count)))
    }
}
