import Foundation

/// Reads MNIST-family IDX files (raw or gzip): an unsigned-byte image file of rank 3 (N, H, W)
/// and optionally a rank-1 label file (N).
enum IDXImporter {
    /// Parses `images` (and `labels`, unless nil) into a table of uint8 1×H×W samples.
    /// `classes` names the labels; by default "0"… up to the largest label seen.
    public static func load(images: URL, labels: URL?, classes: [String]? = nil) throws -> SampleTable {
        let (imageBytes, imageSource) = try FileBytes.read(images)
        let (dims, dataOffset) = try header(imageBytes, file: images.path)
        guard dims.count == 3 else {
            throw DataError.corrupt(
                file: images.path, offset: 3, reason: "image file has rank \(dims.count), expected 3 (N, H, W)")
        }
        let layout = SampleLayout(pixelType: .uint8, channels: 1, height: dims[1], width: dims[2])
        try SampleTable.checkNonEmpty(layout, file: images.path)
        guard let total = checkedProduct(dims) else {
            throw DataError.corrupt(file: images.path, offset: 4, reason: "dimensions \(dims) overflow")
        }
        try checkPayload(imageBytes, offset: dataOffset, expected: total, file: images.path)
        let pixels = Array(imageBytes[dataOffset...])
        var sources = [imageSource]

        var labelValues: [Int]?
        if let labels {
            let (labelBytes, labelSource) = try FileBytes.read(labels)
            let (ldims, lOffset) = try header(labelBytes, file: labels.path)
            guard ldims.count == 1 else {
                throw DataError.corrupt(
                    file: labels.path, offset: 3, reason: "label file has rank \(ldims.count), expected 1")
            }
            try checkPayload(labelBytes, offset: lOffset, expected: ldims[0], file: labels.path)
            guard ldims[0] == dims[0] else {
                throw DataError.mismatch(
                    file: labels.path,
                    reason: "\(ldims[0]) labels for \(dims[0]) images in \(images.lastPathComponent)")
            }
            let values = labelBytes[lOffset...].map { Int($0) }
            if let classes, let bad = values.firstIndex(where: { $0 >= classes.count }) {
                throw DataError.corrupt(
                    file: labels.path, offset: lOffset + bad,
                    reason: "label \(values[bad]) outside \(classes.count) classes")
            }
            labelValues = values
            sources.append(labelSource)
        }
        let classNames = classes ?? SampleTable.numericClasses((labelValues?.max() ?? -1) + 1)
        return SampleTable(layout: layout, pixels: pixels, labels: labelValues, classes: classNames, sources: sources)
    }

    /// The dimensions and payload offset of an IDX file, requiring unsigned-byte data.
    static func header(_ bytes: [UInt8], file: String) throws -> (dims: [Int], dataOffset: Int) {
        var r = ByteReader(bytes, file: file)
        try r.require(4)
        let zero0 = try r.u8(), zero1 = try r.u8(), type = try r.u8(), rank = Int(try r.u8())
        guard zero0 == 0, zero1 == 0 else {
            throw DataError.corrupt(file: file, offset: 0, reason: "not an IDX file (bad magic)")
        }
        guard type == 0x08 else {
            throw DataError.corrupt(
                file: file, offset: 2,
                reason: "IDX element type 0x\(String(type, radix: 16)) unsupported (need 0x08 unsigned byte)")
        }
        guard rank >= 1 else { throw DataError.corrupt(file: file, offset: 3, reason: "IDX rank 0") }
        var dims = [Int]()
        for _ in 0..<rank { dims.append(Int(try r.u32BE())) }
        return (dims, r.offset)
    }

    static func checkPayload(_ bytes: [UInt8], offset: Int, expected: Int, file: String) throws {
        let available = bytes.count - offset
        if available < expected {
            throw DataError.truncated(file: file, offset: bytes.count, needed: expected - available, available: 0)
        }
        if available > expected {
            throw DataError.corrupt(
                file: file, offset: offset + expected,
                reason: "\(available - expected) bytes beyond the declared dimensions")
        }
    }
}
