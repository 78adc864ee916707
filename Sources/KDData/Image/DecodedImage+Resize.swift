extension DecodedImage {
    /// The image resized to `height × width` by PIL's `Image.resize(…, BILINEAR)`, bit for bit: a
    /// triangle filter over half-pixel centres (align_corners=False), widened by the scale factor
    /// when shrinking (antialiased, as PIL and torchvision's PIL path; unlike
    /// `F.interpolate(antialias=False)`), in 22-bit fixed point, horizontal pass first, rounded to
    /// 8 bits between the passes.
    func resized(height newHeight: Int, width newWidth: Int) -> DecodedImage {
        var image = self
        if newWidth != width {
            let taps = Self.bilinearTaps(from: width, to: newWidth)
            image = image.resampled(rows: height, outCount: newWidth, taps: taps) { row, x in
                (row * width + x) * channels
            }
            image.width = newWidth
        }
        if newHeight != height {
            let taps = Self.bilinearTaps(from: height, to: newHeight)
            let w = image.width
            image = image.resampled(rows: w, outCount: newHeight, taps: taps) { column, y in
                (y * w + column) * channels
            }
            image.height = newHeight
            // The vertical pass wrote column-major; put the rows back in order.
            image.pixels = Self.transposed(image.pixels, rows: w, columns: newHeight, channels: channels)
        }
        return image
    }

    /// Per output position: the first input index, and the fixed-point weights of the inputs from there.
    typealias Taps = [(start: Int, weights: [Int])]

    static let precisionBits = 22

    /// PIL's `precompute_coeffs` for the bilinear filter (support 1) and `normalize_coeffs_8bpc`.
    static func bilinearTaps(from inSize: Int, to outSize: Int) -> Taps {
        let scale = Double(inSize) / Double(outSize)
        let filterScale = max(scale, 1)
        let support = filterScale, inverse = 1 / filterScale
        return (0..<outSize).map { o in
            let center = (Double(o) + 0.5) * scale
            let lo = max(0, Int(center - support + 0.5))
            let hi = min(inSize, Int(center + support + 0.5))
            var weights = (lo..<hi).map { max(0, 1 - abs((Double($0) - center + 0.5) * inverse)) }
            let total = weights.reduce(0, +)
            if total != 0 { weights = weights.map { $0 / total } }
            let one = Double(1 << precisionBits)
            return (lo, weights.map { $0 < 0 ? Int(-0.5 + $0 * one) : Int(0.5 + $0 * one) })
        }
    }

    /// One resampling pass along a line of every one of `rows` lines; `index(line, i)` is the
    /// byte offset of element i of a line. Output is line-major: `outCount` positions per line.
    private func resampled(rows: Int, outCount: Int, taps: Taps, index: (Int, Int) -> Int) -> DecodedImage {
        var out = [UInt8](repeating: 0, count: rows * outCount * channels)
        let half = 1 << (Self.precisionBits - 1)
        for line in 0..<rows {
            for (o, tap) in taps.enumerated() {
                for c in 0..<channels {
                    var sum = half
                    for (k, weight) in tap.weights.enumerated() {
                        sum += Int(pixels[index(line, tap.start + k) + c]) * weight
                    }
                    out[(line * outCount + o) * channels + c] = UInt8(min(255, max(0, sum >> Self.precisionBits)))
                }
            }
        }
        var image = self
        image.pixels = out
        return image
    }

    static func transposed(_ pixels: [UInt8], rows: Int, columns: Int, channels: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: pixels.count)
        for r in 0..<rows {
            for c in 0..<columns {
                for k in 0..<channels { out[(c * rows + r) * channels + k] = pixels[(r * columns + c) * channels + k] }
            }
        }
        return out
    }
}
