import Foundation

/// Reads CIFAR-10 / CIFAR-100 binary batches: fixed records of label byte(s) then 3072 pixel
/// bytes (1024 red, 1024 green, 1024 blue; row-major 32×32).
public enum CIFARImporter {
    /// Which binary record format, and for CIFAR-100 which label.
    public enum Variant: Sendable, Hashable {
        /// 1 label byte (0…9).
        case cifar10
        /// 2 label bytes: coarse (0…19) then fine (0…99); `fine` picks which one to keep.
        case cifar100(fine: Bool)

        var labelBytes: Int { self == .cifar10 ? 1 : 2 }
        var classCount: Int {
            switch self {
            case .cifar10: return 10
            case .cifar100(let fine): return fine ? 100 : 20
            }
        }
    }

    /// CIFAR-10's class names.
    static let cifar10Classes = [
        "airplane", "automobile", "bird", "cat", "deer",
        "dog", "frog", "horse", "ship", "truck",
    ]

    /// Parses the batch files in order into one table of uint8 3×32×32 samples.
    public static func load(batches: [URL], variant: Variant, classes: [String]? = nil) throws -> SampleTable {
        let layout = SampleLayout(pixelType: .uint8, channels: 3, height: 32, width: 32)
        let recordSize = variant.labelBytes + layout.byteCount
        let classCount = variant.classCount
        let labelSlot: Int
        if case .cifar100(let fine) = variant { labelSlot = fine ? 1 : 0 } else { labelSlot = 0 }
        var pixels = [UInt8](), labels = [Int](), sources = [SourceFile]()
        for url in batches {
            let (bytes, source) = try FileBytes.read(url)
            guard !bytes.isEmpty else {
                throw DataError.truncated(file: url.path, offset: 0, needed: recordSize, available: 0)
            }
            guard bytes.count % recordSize == 0 else {
                let whole = bytes.count / recordSize * recordSize
                throw DataError.truncated(
                    file: url.path, offset: whole, needed: recordSize, available: bytes.count - whole)
            }
            pixels.reserveCapacity(pixels.count + bytes.count / recordSize * layout.byteCount)
            var offset = 0
            while offset < bytes.count {
                for slot in 0..<variant.labelBytes {
                    let value = Int(bytes[offset + slot])
                    let limit = slot == labelSlot ? classCount : (slot == 0 ? 20 : 100)
                    guard value < limit else {
                        throw DataError.corrupt(
                            file: url.path, offset: offset + slot, reason: "label \(value) outside 0..<\(limit)")
                    }
                }
                labels.append(Int(bytes[offset + labelSlot]))
                pixels.append(contentsOf: bytes[(offset + variant.labelBytes)..<(offset + recordSize)])
                offset += recordSize
            }
            sources.append(source)
        }
        let names = classes ?? (variant == .cifar10 ? cifar10Classes : SampleTable.numericClasses(classCount))
        guard names.count == classCount else {
            throw DataError.invalid(
                file: batches.first?.path ?? "", reason: "\(names.count) class names for \(classCount) classes")
        }
        return SampleTable(layout: layout, pixels: pixels, labels: labels, classes: names, sources: sources)
    }
}
