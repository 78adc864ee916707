import CPNG

extension DecodedImage {
    /// Decodes a PNG through libpng's simplified API into 8-bit grey or RGB. 16-bit files without
    /// gamma information are taken as sRGB-encoded (as PIL does) and scaled to 8 bits; libpng's
    /// warnings (e.g. a questionable colour profile) are not errors, its errors (bad CRC, bad zlib
    /// data, truncation) are.
    static func decodePNG(_ bytes: [UInt8], file: String) throws -> DecodedImage {
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        func failure(_ stage: String) -> DataError {
            let message = withUnsafeBytes(of: image.message) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            png_image_free(&image)
            return DataError.undecodable(file: file, reason: "PNG \(stage): \(message)")
        }
        let begun = bytes.withUnsafeBytes { png_image_begin_read_from_memory(&image, $0.baseAddress, $0.count) }
        guard begun != 0 else { throw failure("header") }
        let color = image.format & UInt32(PNG_FORMAT_FLAG_COLOR) != 0
        let alpha = image.format & UInt32(PNG_FORMAT_FLAG_ALPHA) != 0
        // Keep the alpha channel and drop it below: removing it in libpng would composite onto a background.
        image.format = (color ? UInt32(PNG_FORMAT_FLAG_COLOR) : 0) | (alpha ? UInt32(PNG_FORMAT_FLAG_ALPHA) : 0)
        image.flags |= UInt32(PNG_IMAGE_FLAG_16BIT_sRGB)
        let width = Int(image.width), height = Int(image.height)
        let stored = (color ? 3 : 1) + (alpha ? 1 : 0)
        var buffer = [UInt8](repeating: 0, count: width * height * stored)
        let finished = buffer.withUnsafeMutableBytes { png_image_finish_read(&image, nil, $0.baseAddress, 0, nil) }
        guard finished != 0 else { throw failure("data") }
        png_image_free(&image)
        let channels = color ? 3 : 1
        guard alpha else { return DecodedImage(width: width, height: height, channels: channels, pixels: buffer) }
        var pixels = [UInt8]()
        pixels.reserveCapacity(width * height * channels)
        for p in stride(from: 0, to: buffer.count, by: stored) { pixels.append(contentsOf: buffer[p..<(p + channels)]) }
        return DecodedImage(width: width, height: height, channels: channels, pixels: pixels)
    }
}
