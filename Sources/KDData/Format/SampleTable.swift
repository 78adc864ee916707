/// Samples held in memory between parsing an input and writing shards: packed pixel bytes and
/// optional labels.
public struct SampleTable: Sendable, Equatable {
    /// Pixel layout shared by every sample.
    public var layout: SampleLayout
    /// `count × layout.byteCount` bytes, sample after sample (float32 little-endian).
    public var pixels: [UInt8]
    /// One label per sample, or nil for an unlabeled set.
    public var labels: [Int]?
    /// Class names, index = label (kept for unlabeled sets too, as metadata).
    public var classes: [String]
    /// The input files the samples came from.
    public var sources: [SourceFile]

    public init(layout: SampleLayout, pixels: [UInt8], labels: [Int]?, classes: [String], sources: [SourceFile]) {
        self.layout = layout
        self.pixels = pixels
        self.labels = labels
        self.classes = classes
        self.sources = sources
    }

    /// Number of samples.
    public var count: Int { layout.byteCount == 0 ? 0 : pixels.count / layout.byteCount }

    /// The same samples without labels.
    public func unlabeled() -> SampleTable {
        var t = self
        t.labels = nil
        return t
    }

    /// The samples at `indices`, in that order.
    func subset(_ indices: [Int]) -> SampleTable {
        let size = layout.byteCount
        var out = [UInt8]()
        out.reserveCapacity(indices.count * size)
        for i in indices { out.append(contentsOf: pixels[(i * size)..<((i + 1) * size)]) }
        return SampleTable(
            layout: layout, pixels: out, labels: labels.map { l in indices.map { l[$0] } },
            classes: classes, sources: sources)
    }

    /// Samples per class (index = label), or nil when unlabeled.
    var classCounts: [Int]? {
        guard let labels else { return nil }
        var counts = [Int](repeating: 0, count: classes.count)
        for l in labels where l >= 0 && l < counts.count { counts[l] += 1 }
        return counts
    }

    /// Rejects layouts with an empty sample, which no later stage can use.
    static func checkNonEmpty(_ layout: SampleLayout, file: String) throws {
        guard layout.channels > 0, layout.height > 0, layout.width > 0 else {
            throw DataError.invalid(file: file, reason: "empty sample shape \(layout.dims)")
        }
    }

    /// Default class names "0", "1", … for labels 0..<count.
    static func numericClasses(_ count: Int) -> [String] { (0..<count).map(String.init) }
}

/// An input file an import read: its name, size and CRC-32 (of the bytes on disk).
public struct SourceFile: Hashable, Sendable, Codable {
    public var name: String
    public var bytes: Int
    public var crc32: UInt32

    public init(name: String, bytes: Int, crc32: UInt32) {
        self.name = name
        self.bytes = bytes
        self.crc32 = crc32
    }
}
