/// An error reading or writing data, always naming the file and where in it.
enum DataError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A binary file is malformed at a byte offset.
    case corrupt(file: String, offset: Int, reason: String)
    /// A binary file ends before the bytes its header promises.
    case truncated(file: String, offset: Int, needed: Int, available: Int)
    /// A text file is malformed at a line and column (both 1-based).
    case badText(file: String, line: Int, column: Int, reason: String)
    /// Two inputs that must agree do not (e.g. image and label counts).
    case mismatch(file: String, reason: String)
    /// A request the data cannot serve (bad option, unsupported dtype, missing file).
    case invalid(file: String, reason: String)
    /// An image file its decoder (libpng, libjpeg) rejects; `reason` is the decoder's message.
    case undecodable(file: String, reason: String)
    /// The operating system refused a read or write.
    case io(file: String, reason: String)
    /// A configuration value is unusable; `key` is its path (e.g. "augment.ops[1].pad_crop").
    case invalidOption(key: String, reason: String)

    public var description: String {
        switch self {
        case let .corrupt(file, offset, reason):
            return "\(file): at byte offset \(offset): \(reason)"
        case let .truncated(file, offset, needed, available):
            return "\(file): truncated at byte offset \(offset): needed \(needed) bytes, \(available) available"
        case let .badText(file, line, column, reason):
            return "\(file):\(line):\(column): \(reason)"
        case let .mismatch(file, reason):
            return "\(file): \(reason)"
        case let .invalid(file, reason):
            return "\(file): \(reason)"
        case let .undecodable(file, reason):
            return "\(file): \(reason)"
        case let .io(file, reason):
            return "\(file): \(reason)"
        case let .invalidOption(key, reason):
            return "\(key): \(reason)"
        }
    }

    /// The file (or, for `invalidOption`, the key path) the error is about.
    public var file: String {
        switch self {
        case let .corrupt(file, _, _), let .truncated(file, _, _, _), let .badText(file, _, _, _),
            let .mismatch(file, _), let .invalid(file, _), let .undecodable(file, _), let .io(file, _),
            let .invalidOption(file, _):
            return file
        }
    }
}
