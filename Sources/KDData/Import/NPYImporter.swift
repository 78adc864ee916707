import Foundation

/// Reads NumPy `.npy` arrays (format 1.0–3.0, C order, little-endian; gzip-compressed too): images of shape
/// (N, H, W), (N, C, H, W) or, with `channelsLast`, (N, H, W, C); labels of shape (N).
/// Images may be uint8 (kept as bytes), float32 (kept) or float64 (narrowed to float32);
/// labels any integer type.
enum NPYImporter {
    /// A parsed `.npy` array: element type descriptor, shape and the raw payload.
    struct NPYArray {
        var descr: String
        var shape: [Int]
        var payload: ArraySlice<UInt8>
        var payloadOffset: Int
    }

    /// Parses `images` (and `labels`, unless nil) into a table.
    public static func load(
        images: URL, labels: URL?, channelsLast: Bool = false,
        classes: [String]? = nil
    ) throws -> SampleTable {
        let (imageBytes, imageSource) = try FileBytes.read(images)
        let array = try parse(imageBytes, file: images.path)
        let n: Int, c: Int, h: Int, w: Int
        switch (array.shape.count, channelsLast) {
        case (3, _): (n, c, h, w) = (array.shape[0], 1, array.shape[1], array.shape[2])
        case (4, false): (n, c, h, w) = (array.shape[0], array.shape[1], array.shape[2], array.shape[3])
        case (4, true): (n, c, h, w) = (array.shape[0], array.shape[3], array.shape[1], array.shape[2])
        default:
            throw DataError.invalid(
                file: images.path, reason: "image array has shape \(array.shape); expected rank 3 or 4")
        }
        var pixels: [UInt8]
        let type: SampleLayout.PixelType
        switch array.descr {
        case "|u1", "<u1", "u1":
            type = .uint8
            pixels = [UInt8](array.payload)
        case "<f4":
            type = .float32
            pixels = [UInt8](array.payload)
        case "<f8":
            type = .float32
            pixels = [UInt8]()
            pixels.reserveCapacity(array.payload.count / 2)
            var r = ByteReader([UInt8](array.payload), file: images.path)
            while r.remaining > 0 {
                pixels.appendLE(Float(Double(bitPattern: try r.u64LE())).bitPattern)
            }
        default:
            throw DataError.invalid(
                file: images.path, reason: "image dtype '\(array.descr)' unsupported (need u1, <f4 or <f8)")
        }
        if channelsLast && c > 1 {
            pixels = transposeHWC(pixels, n: n, c: c, h: h, w: w, elementSize: type.size)
        }
        let layout = SampleLayout(pixelType: type, channels: c, height: h, width: w)
        try SampleTable.checkNonEmpty(layout, file: images.path)
        var sources = [imageSource]
        var labelValues: [Int]?
        if let labels {
            let (labelBytes, labelSource) = try FileBytes.read(labels)
            let l = try parse(labelBytes, file: labels.path)
            guard l.shape.count == 1 else {
                throw DataError.invalid(file: labels.path, reason: "label array has shape \(l.shape); expected (N)")
            }
            guard l.shape[0] == n else {
                throw DataError.mismatch(
                    file: labels.path, reason: "\(l.shape[0]) labels for \(n) images in \(images.lastPathComponent)")
            }
            labelValues = try integers(l, file: labels.path, classCount: classes?.count)
            sources.append(labelSource)
        }
        let names = classes ?? SampleTable.numericClasses((labelValues?.max() ?? -1) + 1)
        return SampleTable(layout: layout, pixels: pixels, labels: labelValues, classes: names, sources: sources)
    }

    /// Parses the magic, version, header dictionary and checks the payload length.
    static func parse(_ bytes: [UInt8], file: String) throws -> NPYArray {
        var r = ByteReader(bytes, file: file)
        try r.require(8)
        guard Array(try r.readBytes(6)) == [0x93] + Array("NUMPY".utf8) else {
            throw DataError.corrupt(file: file, offset: 0, reason: "not a .npy file (bad magic)")
        }
        let major = try r.u8()
        _ = try r.u8()
        let headerLength: Int
        switch major {
        case 1: headerLength = Int(try r.u16LE())
        case 2, 3: headerLength = Int(try r.u32LE())
        default: throw DataError.corrupt(file: file, offset: 6, reason: "unsupported .npy version \(major)")
        }
        let headerStart = r.offset
        let headerBytes = try r.readBytes(headerLength)
        guard let header = String(bytes: headerBytes, encoding: major == 3 ? .utf8 : .isoLatin1) else {
            throw DataError.corrupt(file: file, offset: headerStart, reason: "header is not text")
        }
        let fields = try NPYHeader.parse(header, file: file, offset: headerStart)
        guard !fields.fortranOrder else {
            throw DataError.invalid(file: file, reason: "Fortran-ordered arrays are unsupported; save with C order")
        }
        guard let itemSize = itemSize(fields.descr) else {
            throw DataError.invalid(
                file: file, reason: "dtype '\(fields.descr)' unsupported (big-endian or non-numeric)")
        }
        guard let total = checkedProduct(fields.shape + [itemSize]) else {
            throw DataError.corrupt(file: file, offset: headerStart, reason: "shape \(fields.shape) overflows")
        }
        try IDXImporter.checkPayload(bytes, offset: r.offset, expected: total, file: file)
        return NPYArray(descr: fields.descr, shape: fields.shape, payload: bytes[r.offset...], payloadOffset: r.offset)
    }

    /// Bytes per element of a supported little-endian or byte-sized numeric dtype.
    static func itemSize(_ descr: String) -> Int? {
        guard descr.count >= 2, descr.first != ">" else { return nil }
        let body = descr.first == "<" || descr.first == "|" || descr.first == "=" ? descr.dropFirst() : Substring(descr)
        guard let kind = body.first, "uif".contains(kind), let size = Int(body.dropFirst()),
            [1, 2, 4, 8].contains(size)
        else {
            return nil
        }
        if kind == "f" && size < 4 { return nil }
        return size
    }

    /// Reads an integer array as Ints, checking 0 ≤ value (< classCount when given).
    static func integers(_ a: NPYArray, file: String, classCount: Int?) throws -> [Int] {
        guard let size = itemSize(a.descr), !a.descr.contains("f") else {
            throw DataError.invalid(file: file, reason: "label dtype '\(a.descr)' is not an integer type")
        }
        let signed = a.descr.contains("i")
        var r = ByteReader([UInt8](a.payload), file: file)
        var out = [Int]()
        out.reserveCapacity(a.shape[0])
        for i in 0..<a.shape[0] {
            var raw: UInt64
            switch size {
            case 1: raw = UInt64(try r.u8())
            case 2: raw = UInt64(try r.u16LE())
            case 4: raw = UInt64(try r.u32LE())
            default: raw = try r.u64LE()
            }
            if signed && size < 8 && raw >> (size * 8 - 1) & 1 == 1 { raw |= ~0 << (size * 8) }
            let value = signed ? Int(Int64(bitPattern: raw)) : Int(clamping: raw)
            guard value >= 0, value < (classCount ?? Int.max), value <= Int(Int32.max) else {
                throw DataError.corrupt(
                    file: file, offset: a.payloadOffset + i * size, reason: "label \(value) out of range")
            }
            out.append(value)
        }
        return out
    }

    /// NHWC → NCHW, element by element.
    static func transposeHWC(_ src: [UInt8], n: Int, c: Int, h: Int, w: Int, elementSize e: Int) -> [UInt8] {
        var dst = [UInt8](repeating: 0, count: src.count)
        let plane = h * w
        for s in 0..<n {
            let base = s * plane * c
            for p in 0..<plane {
                for ch in 0..<c {
                    let from = (base + p * c + ch) * e, to = (base + ch * plane + p) * e
                    for k in 0..<e { dst[to + k] = src[from + k] }
                }
            }
        }
        return dst
    }
}
