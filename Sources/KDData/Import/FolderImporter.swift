import Foundation

/// Reads a folder of PNG and JPEG images: one subfolder per class (names sorted by code point give
/// the labels and are kept as the class names, as torchvision's `ImageFolder`), or with `flat` the
/// images directly in the folder, unlabeled. Files are read in name order; hidden files are skipped.
public enum FolderImporter {
    /// What every sample becomes.
    public struct Options: Sendable, Hashable {
        /// 1 (grey) or 3 (RGB); nil: every image must have the first one's channels.
        public var channels: Int?
        /// Resize every image to `height × width` (PIL's bilinear); nil: every image must have the first one's size.
        public var height: Int?
        /// Resize width; set together with `height`.
        public var width: Int?
        /// The images lie directly in the folder, without classes.
        public var flat: Bool

        /// Options as the CLI's --channels, --size and --unlabeled give them.
        public init(channels: Int? = nil, height: Int? = nil, width: Int? = nil, flat: Bool = false) {
            self.channels = channels
            self.height = height
            self.width = width
            self.flat = flat
        }
    }

    /// File extensions read as images (any case).
    static let extensions: Set<String> = ["png", "jpg", "jpeg"]

    /// Decodes every image under `directory` into a table of uint8 C×H×W samples.
    public static func load(_ directory: URL, options: Options) throws -> SampleTable {
        try check(options, file: directory.path)
        let classes = options.flat ? [] : try entries(of: directory, directories: true)
        let folders = options.flat ? [directory] : classes.map { directory.appendingPathComponent($0) }
        guard !folders.isEmpty else { throw DataError.invalid(file: directory.path, reason: "no class subfolders") }
        var shape = options
        var pixels = [UInt8](), labels = [Int](), sources = [SourceFile]()
        var first: (file: String, image: DecodedImage)?
        for (label, folder) in folders.enumerated() {
            let files = try entries(of: folder, directories: false)
            guard !files.isEmpty else { throw DataError.invalid(file: folder.path, reason: "no images") }
            var digest = [UInt8](), bytes = 0
            for name in files {
                let url = folder.appendingPathComponent(name)
                let (image, source) = try DecodedImage.read(url)
                if let first {
                    try agree(image, url.path, with: first, options: options)
                } else {
                    first = (url.path, image)
                    shape.channels = options.channels ?? image.channels
                    shape.height = options.height ?? image.height
                    shape.width = options.width ?? image.width
                }
                pixels += sample(image, options: shape)
                labels.append(label)
                // The folder's checksum covers every file's name and CRC-32, in order.
                digest += Array(name.utf8) + [0] + withUnsafeBytes(of: source.crc32.littleEndian, Array.init)
                bytes += source.bytes
            }
            sources.append(
                SourceFile(
                    name: options.flat ? folder.lastPathComponent : classes[label] + "/",
                    bytes: bytes, crc32: Checksum.crc32(digest)))
        }
        let layout = SampleLayout(
            pixelType: .uint8, channels: shape.channels!, height: shape.height!, width: shape.width!)
        return SampleTable(
            layout: layout, pixels: pixels, labels: options.flat ? nil : labels, classes: classes, sources: sources)
    }

    /// The image file at `url` as a C×H×W uint8 sample, decoded, converted and resized as `load` does.
    public static func sample(_ url: URL, channels: Int, height: Int, width: Int) throws -> [UInt8] {
        let options = Options(channels: channels, height: height, width: width)
        try check(options, file: url.path)
        return sample(try DecodedImage.read(url).image, options: options)
    }

    /// Converts then resizes (as `img.convert(mode).resize(size, BILINEAR)` in PIL); all options set.
    static func sample(_ image: DecodedImage, options: Options) -> [UInt8] {
        var out = image.converted(toChannels: options.channels!)
        if out.height != options.height! || out.width != options.width! {
            out = out.resized(height: options.height!, width: options.width!)
        }
        return out.planar()
    }

    static func check(_ options: Options, file: String) throws {
        if let c = options.channels, c != 1, c != 3 {
            throw DataError.invalid(file: file, reason: "channels must be 1 or 3, got \(c)")
        }
        for (name, value) in [("height", options.height), ("width", options.width)] {
            if let value, !(1...16_384).contains(value) {
                throw DataError.invalid(file: file, reason: "\(name) \(value) outside 1…16384")
            }
        }
        guard (options.height == nil) == (options.width == nil) else {
            throw DataError.invalid(file: file, reason: "give both height and width, or neither")
        }
    }

    /// Without a requested channel count or size, every image must match the first.
    static func agree(
        _ image: DecodedImage, _ file: String, with first: (file: String, image: DecodedImage), options: Options
    ) throws {
        if options.channels == nil, image.channels != first.image.channels {
            throw DataError.mismatch(
                file: file,
                reason:
                    "has \(image.channels) channel(s), \(first.file) has \(first.image.channels); choose the channels (--channels 1|3)"
            )
        }
        if options.height == nil, image.height != first.image.height || image.width != first.image.width {
            throw DataError.mismatch(
                file: file,
                reason:
                    "is \(image.height)×\(image.width), \(first.file) is \(first.image.height)×\(first.image.width); choose a size (--size H[xW])"
            )
        }
    }

    /// The visible entries of `folder`, sorted by code point: subfolders (`directories`) or image
    /// files. Anything else there is an error, so nothing is skipped unnoticed.
    static func entries(of folder: URL, directories: Bool) throws -> [String] {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: folder.path) } catch {
            throw DataError.io(file: folder.path, reason: "cannot list the folder: \(error.localizedDescription)")
        }
        var kept = [String]()
        for name in names.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) where !name.hasPrefix(".") {
            let path = folder.appendingPathComponent(name).path
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            if directories {
                guard isDirectory.boolValue else {
                    throw DataError.invalid(
                        file: path, reason: "a file beside the class folders (an unlabeled folder needs --unlabeled)")
                }
            } else if isDirectory.boolValue {
                throw DataError.invalid(
                    file: path, reason: "a folder inside \(folder.lastPathComponent); only its image files are read")
            } else if !extensions.contains((name as NSString).pathExtension.lowercased()) {
                throw DataError.invalid(file: path, reason: "not a .png, .jpg or .jpeg file")
            }
            kept.append(name)
        }
        return kept
    }
}
