/// Rendering a recorded view: pure in (stored pixels, parameters), so replay is byte-identical.
extension Augmenter {
    /// Renders view `parameters` of a sample's stored pixels into `out` (`outputCount` floats,
    /// C×H×W). Stored uint8 pixels are first scaled to [0, 1].
    public func render(
        _ pixels: UnsafeRawBufferPointer, parameters: ViewParameters,
        into out: UnsafeMutableBufferPointer<Float>
    ) {
        var scratch = RenderScratch(capacity: scratchCapacity)
        render(pixels, parameters: parameters, into: out, scratch: &scratch)
    }

    /// Renders view `parameters` of a sample's stored pixels as a new array.
    public func render(_ pixels: UnsafeRawBufferPointer, parameters: ViewParameters) -> [Float] {
        [Float](unsafeUninitializedCapacity: outputCount) { buf, n in
            render(pixels, parameters: parameters, into: buf)
            n = outputCount
        }
    }

    /// Draws and renders view `view` of sample `id` in one call.
    public func view(_ pixels: UnsafeRawBufferPointer, id: SampleID, view: Int) -> (
        pixels: [Float], parameters: ViewParameters
    ) {
        let p = parameters(for: id, view: view)
        return (render(pixels, parameters: p), p)
    }

    /// Largest intermediate image, in elements.
    var scratchCapacity: Int {
        var m = input.elementCount
        for op in ops {
            switch op {
            case let .padCrop(size, _), let .randomResizedCrop(size, _, _): m = max(m, input.channels * size * size)
            default: break
            }
        }
        return m
    }

    func render(
        _ pixels: UnsafeRawBufferPointer, parameters: ViewParameters,
        into out: UnsafeMutableBufferPointer<Float>, scratch: inout RenderScratch
    ) {
        let c = input.channels
        var h = input.height, w = input.width
        scratch.withBuffers { a, b in
            var cur = a, next = b
            Self.decode(pixels, type: input.pixelType, count: input.elementCount, into: cur)
            for step in parameters.steps {
                switch step {
                case let .crop(x, y, cw, ch, oh, ow):
                    if cw <= 0 || ch <= 0 {
                        next.update(repeating: 0, count: c * oh * ow)
                    } else if cw == ow && ch == oh {
                        Self.paddedCrop(cur, c: c, h: h, w: w, x: x, y: y, oh: oh, ow: ow, into: next)
                    } else {
                        Self.resample(cur, c: c, h: h, w: w, box: (x, y, cw, ch), oh: oh, ow: ow, into: next)
                    }
                    swap(&cur, &next)
                    (h, w) = (oh, ow)
                case let .flip(on):
                    if on { Self.flip(cur, rows: c * h, width: w) }
                case let .normalize(mean, std):
                    let plane = h * w
                    for ch in 0..<c {
                        let m = mean.count == 1 ? mean[0] : mean[ch]
                        let inv = 1 / (std.count == 1 ? std[0] : std[ch])
                        let p = cur + ch * plane
                        for i in 0..<plane { p[i] = (p[i] - m) * inv }
                    }
                case let .cutout(x, y, cw, ch):
                    // Clipped again so that replaying hand-made parameters cannot write out of bounds.
                    let x0 = max(0, x), x1 = min(w, x + cw), y0 = max(0, y), y1 = min(h, y + ch)
                    guard x1 > x0, y1 > y0 else { continue }
                    for channel in 0..<c {
                        for row in y0..<y1 {
                            (cur + (channel * h + row) * w + x0).update(repeating: 0, count: x1 - x0)
                        }
                    }
                }
            }
            out.baseAddress!.update(from: cur, count: c * h * w)
        }
    }

    static func decode(
        _ pixels: UnsafeRawBufferPointer, type: SampleLayout.PixelType, count: Int,
        into dst: UnsafeMutablePointer<Float>
    ) {
        switch type {
        case .uint8:
            let src = pixels.bindMemory(to: UInt8.self)
            unitScale.withUnsafeBufferPointer { scale in
                for i in 0..<count { dst[i] = scale[Int(src[i])] }
            }
        case .float32:
            for i in 0..<count {
                dst[i] = Float(
                    bitPattern: UInt32(littleEndian: pixels.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self)))
            }
        }
    }

    /// Copies the oh×ow box at (x, y); rows and columns outside the source are zero (padding).
    static func paddedCrop(
        _ src: UnsafeMutablePointer<Float>, c: Int, h: Int, w: Int, x: Int, y: Int,
        oh: Int, ow: Int, into dst: UnsafeMutablePointer<Float>
    ) {
        let lo = min(ow, max(0, -x)), hi = max(lo, min(ow, w - x))
        for ch in 0..<c {
            for oy in 0..<oh {
                let row = dst + (ch * oh + oy) * ow
                let sy = y + oy
                guard sy >= 0 && sy < h else {
                    row.update(repeating: 0, count: ow)
                    continue
                }
                row.update(repeating: 0, count: lo)
                if hi > lo { (row + lo).update(from: src + (ch * h + sy) * w + x + lo, count: hi - lo) }
                (row + hi).update(repeating: 0, count: ow - hi)
            }
        }
    }

    /// Bilinear resize of the box to oh×ow (half-pixel centres, edge-clamped inside the box, as
    /// torchvision's resize without antialiasing); samples outside the source read zero.
    static func resample(
        _ src: UnsafeMutablePointer<Float>, c: Int, h: Int, w: Int,
        box: (x: Int, y: Int, width: Int, height: Int), oh: Int, ow: Int,
        into dst: UnsafeMutablePointer<Float>
    ) {
        func taps(_ o: Int, out: Int, size: Int) -> (Int, Int, Float) {
            let s = max(0, (Float(o) + 0.5) * Float(size) / Float(out) - 0.5)
            let i0 = min(Int(s), size - 1)
            let i1 = min(i0 + 1, size - 1)
            return (i0, i1, s - Float(i0))
        }
        func at(_ ch: Int, _ yy: Int, _ xx: Int) -> Float {
            let sy = box.y + yy, sx = box.x + xx
            return sy >= 0 && sy < h && sx >= 0 && sx < w ? src[(ch * h + sy) * w + sx] : 0
        }
        for oy in 0..<oh {
            let (y0, y1, fy) = taps(oy, out: oh, size: box.height)
            for ox in 0..<ow {
                let (x0, x1, fx) = taps(ox, out: ow, size: box.width)
                for ch in 0..<c {
                    let top = at(ch, y0, x0) + (at(ch, y0, x1) - at(ch, y0, x0)) * fx
                    let bottom = at(ch, y1, x0) + (at(ch, y1, x1) - at(ch, y1, x0)) * fx
                    dst[(ch * oh + oy) * ow + ox] = top + (bottom - top) * fy
                }
            }
        }
    }

    static func flip(_ p: UnsafeMutablePointer<Float>, rows: Int, width: Int) {
        for r in 0..<rows {
            let row = p + r * width
            var i = 0, j = width - 1
            while i < j {
                let t = row[i]
                row[i] = row[j]
                row[j] = t
                i += 1
                j -= 1
            }
        }
    }
}

/// v / 255 for every byte v: exact (correctly rounded division), and a lookup is cheaper.
private let unitScale: [Float] = (0..<256).map { Float($0) / 255 }

/// Two reusable working images for rendering (one batch reuses them for every sample).
struct RenderScratch {
    private var storage: [Float]
    private let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
        storage = [Float](repeating: 0, count: 2 * capacity)
    }

    mutating func withBuffers<R>(_ body: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>) -> R) -> R {
        let cap = capacity
        return storage.withUnsafeMutableBufferPointer { buf in body(buf.baseAddress!, buf.baseAddress! + cap) }
    }
}
