import Foundation

/// `manifest.json` of a dataset directory: what the shards hold and where they came from.
/// Written last (atomically), so a directory with a manifest is a complete dataset.
public struct DatasetManifest: Codable, Hashable, Sendable {
    /// One shard file of the dataset.
    public struct ShardEntry: Codable, Hashable, Sendable {
        /// File name inside the dataset directory.
        public var file: String
        /// Records in the shard.
        public var count: Int
        /// File size in bytes.
        public var bytes: Int
        /// The shard's footer CRC-32 (of every byte before the footer).
        public var crc32: UInt32
    }

    public static let fileName = "manifest.json"
    public static let formatName = "kdflow-dataset"

    /// Always "kdflow-dataset".
    public var format: String
    /// Manifest format version (1).
    public var version: Int
    /// Dataset name; the `dataset` part of every `SampleID`.
    public var name: String
    /// Pixel layout of every sample.
    public var layout: SampleLayout
    /// Whether records carry labels.
    public var labeled: Bool
    /// Class names, index = label.
    public var classes: [String]
    /// Samples per class (nil when unlabeled).
    var classCounts: [Int]?
    /// Total samples.
    public var sampleCount: Int
    /// Maximum records per shard the dataset was split with.
    public var shardSize: Int
    /// Shards in order; global index runs through them in this order.
    public var shards: [ShardEntry]
    /// The input files the import read.
    public var sources: [SourceFile]

    /// The manifest's canonical JSON (sorted keys, so equal manifests give equal bytes).
    func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        return try encoder.encode(self)
    }

    /// Reads and checks `manifest.json` in `directory`.
    public static func read(from directory: URL) throws -> DatasetManifest {
        let url = directory.appendingPathComponent(fileName)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw DataError.invalid(file: url.path, reason: "no dataset manifest (missing or incomplete import)")
        }
        let bytes = try FileBytes.readRaw(url)
        let manifest: DatasetManifest
        do {
            manifest = try JSONDecoder().decode(DatasetManifest.self, from: Data(bytes))
        } catch {
            throw DataError.invalid(
                file: url.path, reason: "not a kdflow dataset manifest (\(Self.decodingProblem(error)))")
        }
        guard manifest.format == formatName, manifest.version == 1 else {
            throw DataError.invalid(file: url.path, reason: "not a version-1 kdflow dataset manifest")
        }
        guard manifest.shards.reduce(0, { $0 + $1.count }) == manifest.sampleCount else {
            throw DataError.mismatch(
                file: url.path, reason: "shard counts do not add up to sampleCount \(manifest.sampleCount)")
        }
        return manifest
    }
}

extension DatasetManifest {
    /// What a JSON decoding error says, without Foundation's type names.
    static func decodingProblem(_ error: any Error) -> String {
        switch error as? DecodingError {
        case .keyNotFound(let key, _)?: return "no '\(key.stringValue)'"
        case .typeMismatch(_, let context)?, .valueNotFound(_, let context)?:
            return "'\(context.codingPath.map(\.stringValue).joined(separator: "."))' has the wrong type"
        case .dataCorrupted(let context)?:
            return context.codingPath.isEmpty
                ? "not JSON" : "'\(context.codingPath.map(\.stringValue).joined(separator: "."))' is invalid"
        default: return error.localizedDescription
        }
    }
}
