import Foundation

/// `manifest.json` of a soft-label export: what the shards hold and which teacher made them.
/// Versioned; `kdflow cache import` reads only what it recognises.
public struct SoftLabelManifest: Codable, Sendable {
    public static let fileName = "manifest.json"
    public static let formatName = "kdflow-soft-labels"

    /// The teacher whose outputs these are.
    public struct Teacher: Codable, Sendable {
        /// The store's teacher fingerprint (hex of 16 bytes).
        public var fingerprint: String
        /// Architecture, taps and precision, readable.
        public var summary: String
        /// How the fingerprint is computed.
        var computedAs: String

        enum CodingKeys: String, CodingKey { case fingerprint, summary, computedAs = "computed_as" }
    }

    /// One stored output of every sample.
    public struct Tap: Codable, Sendable, Equatable {
        public var name: String
        /// One sample's shape.
        public var shape: [Int]
        /// k when stored as top-k (tensors `<name>.indices`, `<name>.probabilities`, `<name>.leftover`), else 0.
        public var topK: Int

        enum CodingKeys: String, CodingKey { case name, shape, topK = "top_k" }
    }

    /// One safetensors file.
    public struct Shard: Codable, Sendable {
        public var file: String
        public var samples: Int
        /// SHA-256 (hex) of the file.
        public var sha256: String
    }

    public var format = formatName
    public var version = 1
    public var teacher: Teacher
    /// fp32 | fp16 | bf16: the dtype of every float tensor (F32, F16, BF16).
    public var precision: String
    public var taps: [Tap]
    public var samples: Int
    /// What each tensor of a shard holds (rows are samples, sorted by their key bytes).
    public var tensors: [String: String]
    public var shards: [Shard]

    /// The tensor documentation every export carries.
    static func tensorDocs(taps: [Tap], extra: [String: String]) -> [String: String] {
        var docs = extra
        docs["key.sample"] =
            "U8 [n, L]: the sample id, u32 LE dataset-name length, UTF-8 name, i64 LE shard, i64 LE index"
        docs["key.view"] =
            "U8 [n, L]: the recorded view, \"KDV1\", i64 LE view index, u32 LE step count, per step a tag (1 crop: 6 × i32 x y w h outH outW; 2 flip: u8; 3 normalize: u32 n, n × f32 mean, u32 n, n × f32 std; 4 cutout: 4 × i32 x y w h)"
        for tap in taps {
            if tap.topK > 0 {
                docs["\(tap.name).indices"] = "I32 [n, \(tap.topK)]: the k most probable classes, most probable first"
                docs["\(tap.name).probabilities"] = "[n, \(tap.topK)]: their softmax probabilities"
                docs["\(tap.name).leftover"] =
                    "[n]: 1 − their sum (kdflow serves log p, spreading the leftover evenly over the other classes)"
            } else {
                docs[tap.name] =
                    "[n, \(tap.shape.map(String.init).joined(separator: ", "))]: the teacher's output as served"
            }
        }
        return docs
    }

    /// `fingerprint`'s documented derivation.
    static let fingerprintDoc =
        "first 16 bytes of SHA-256 over \"KDTF1\", the architecture and its options (sorted), the sorted tap names, the stored precision and top-k, evaluation mode, and the teacher's full state (parameters and buffers) as safetensors in name order"
}
