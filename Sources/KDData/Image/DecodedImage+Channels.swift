extension DecodedImage {
    /// The image with `channels` (1 or 3) channels. RGB → grey is ITU-R 601-2 luma in PIL's
    /// fixed-point form, (R·19595 + G·38470 + B·7471 + 32768) >> 16 (≈ R·0.299 + G·0.587 +
    /// B·0.114, rounded), so it equals PIL's `convert('L')`; grey → RGB repeats the value.
    func converted(toChannels target: Int) -> DecodedImage {
        guard target != channels else { return self }
        let count = width * height
        var out = [UInt8](repeating: 0, count: count * target)
        if target == 1 {
            for i in 0..<count {
                let r = UInt32(pixels[3 * i]), g = UInt32(pixels[3 * i + 1]), b = UInt32(pixels[3 * i + 2])
                out[i] = UInt8((r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16)
            }
        } else {
            for i in 0..<count {
                out[3 * i] = pixels[i]
                out[3 * i + 1] = pixels[i]
                out[3 * i + 2] = pixels[i]
            }
        }
        return DecodedImage(width: width, height: height, channels: target, pixels: out)
    }
}
