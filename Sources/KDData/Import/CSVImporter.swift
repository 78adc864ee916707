import Foundation

/// Reads CSV rows of pixel values (comma-separated, one sample per line) with an optional
/// label column, e.g. Kaggle's `label,pixel1,…,pixel784`.
public enum CSVImporter {
    /// How to read the rows.
    public struct Options: Sendable, Hashable {
        /// 0-based column holding the label; nil when the file has none.
        public var labelColumn: Int?
        /// Whether the first line is a header; nil detects it (any non-numeric field).
        public var hasHeader: Bool?
        /// [channels, height, width]; nil means one channel, square (pixel count must be n²).
        public var shape: [Int]?
        /// uint8: integers 0…255; float32: any number, kept as is.
        public var pixelType: SampleLayout.PixelType
        /// Class names; default "0"… up to the largest label.
        public var classes: [String]?

        public init(
            labelColumn: Int? = 0, hasHeader: Bool? = nil,
            shape: [Int]? = nil,
            pixelType: SampleLayout.PixelType = .uint8, classes: [String]? = nil
        ) {
            self.labelColumn = labelColumn
            self.hasHeader = hasHeader
            self.pixelType = pixelType
            self.classes = classes
            self.shape = shape
        }
    }

    /// Parses the file into a table; errors name line:column (1-based).
    public static func load(_ url: URL, options: Options = Options()) throws -> SampleTable {
        let (bytes, source) = try FileBytes.read(url)
        let file = url.path
        var lines = CSVLines(bytes)
        var pixels = [UInt8](), labels = [Int]()
        var layout: SampleLayout?
        var first = true
        var fields = [Range<Int>]()
        while let (lineNumber, line) = lines.next() {
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x0D }) { continue }
            // Fields are byte ranges; pixels are parsed straight from the bytes (no per-field
            // strings), which keeps 60,000-row files quick.
            fields.removeAll(keepingCapacity: true)
            var start = line.startIndex
            for i in line.indices where line[i] == 0x2C {
                fields.append(trimmed(bytes, start..<i))
                start = i + 1
            }
            fields.append(trimmed(bytes, start..<line.endIndex))
            if first {
                first = false
                let header = options.hasHeader ?? fields.contains { Double(text(bytes, $0)) == nil }
                if header { continue }
            }
            if layout == nil { layout = try inferLayout(fields.count, options: options, file: file, line: lineNumber) }
            guard let layout else { continue }
            let expected = layout.elementCount + (options.labelColumn == nil ? 0 : 1)
            guard fields.count == expected else {
                throw DataError.badText(
                    file: file, line: lineNumber, column: min(fields.count, expected) + 1,
                    reason: "row has \(fields.count) fields, expected \(expected)")
            }
            for (i, field) in fields.enumerated() {
                let column = i + 1
                if i == options.labelColumn {
                    guard let label = unsignedInteger(bytes, field), label < (options.classes?.count ?? Int(Int32.max))
                    else {
                        throw DataError.badText(
                            file: file, line: lineNumber, column: column, reason: "bad label '\(text(bytes, field))'")
                    }
                    labels.append(label)
                } else if layout.pixelType == .uint8 {
                    guard let v = unsignedInteger(bytes, field), v <= 255 else {
                        throw DataError.badText(
                            file: file, line: lineNumber, column: column,
                            reason: "'\(text(bytes, field))' is not an integer 0…255")
                    }
                    pixels.append(UInt8(v))
                } else {
                    guard let v = Float(text(bytes, field)), v.isFinite else {
                        throw DataError.badText(
                            file: file, line: lineNumber, column: column,
                            reason: "'\(text(bytes, field))' is not a finite number")
                    }
                    pixels.appendLE(v)
                }
            }
        }
        guard let layout else { throw DataError.invalid(file: file, reason: "no data rows") }
        let withLabels = options.labelColumn == nil ? nil : labels
        let classes = options.classes ?? SampleTable.numericClasses((labels.max() ?? -1) + 1)
        return SampleTable(layout: layout, pixels: pixels, labels: withLabels, classes: classes, sources: [source])
    }

    /// The range without surrounding spaces, carriage returns and double quotes.
    static func trimmed(_ bytes: [UInt8], _ range: Range<Int>) -> Range<Int> {
        var lo = range.lowerBound, hi = range.upperBound
        func blank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0D || b == 0x22 }
        while lo < hi && blank(bytes[lo]) { lo += 1 }
        while hi > lo && blank(bytes[hi - 1]) { hi -= 1 }
        return lo..<hi
    }

    /// A decimal integer of 1…9 digits, or nil.
    static func unsignedInteger(_ bytes: [UInt8], _ range: Range<Int>) -> Int? {
        guard !range.isEmpty, range.count <= 9 else { return nil }
        var v = 0
        for i in range {
            let d = Int(bytes[i]) - 0x30
            guard d >= 0 && d <= 9 else { return nil }
            v = v * 10 + d
        }
        return v
    }

    static func text(_ bytes: [UInt8], _ range: Range<Int>) -> String {
        String(decoding: bytes[range], as: UTF8.self)
    }

    static func inferLayout(_ fieldCount: Int, options: Options, file: String, line: Int) throws -> SampleLayout {
        let pixelCount = fieldCount - (options.labelColumn == nil ? 0 : 1)
        if let labelColumn = options.labelColumn, labelColumn < 0 || labelColumn >= fieldCount {
            throw DataError.badText(
                file: file, line: line, column: 1,
                reason: "label column \(labelColumn + 1) beyond the \(fieldCount) fields")
        }
        if let s = options.shape {
            guard s.count == 3, s.allSatisfy({ $0 > 0 }) else {
                throw DataError.invalid(file: file, reason: "shape must be three positive dimensions [C, H, W]")
            }
            return SampleLayout(pixelType: options.pixelType, channels: s[0], height: s[1], width: s[2])
        }
        let side = Int(Double(pixelCount).squareRoot().rounded())
        guard pixelCount > 0, side * side == pixelCount else {
            throw DataError.badText(
                file: file, line: line, column: 1,
                reason: "\(pixelCount) pixel columns are not a square image; give the shape")
        }
        return SampleLayout(pixelType: options.pixelType, channels: 1, height: side, width: side)
    }
}

/// Splits bytes into lines (LF, CR LF), numbering them from 1.
struct CSVLines {
    let bytes: [UInt8]
    var position = 0
    var lineNumber = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    mutating func next() -> (Int, ArraySlice<UInt8>)? {
        guard position < bytes.count else { return nil }
        lineNumber += 1
        let start = position
        while position < bytes.count && bytes[position] != 0x0A { position += 1 }
        let line = bytes[start..<position]
        position += 1
        return (lineNumber, line)
    }
}
