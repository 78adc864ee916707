/// How floats are stored.
public enum StoredPrecision: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    case fp32 = 0, fp16 = 1, bf16 = 2

    /// Parses `fp32`, `fp16`, `bf16`.
    public init?(name: String) {
        guard let p = Self.allCases.first(where: { $0.description == name }) else { return nil }
        self = p
    }

    /// Bytes per stored value.
    public var width: Int { self == .fp32 ? 4 : 2 }

    public var description: String { ["fp32", "fp16", "bf16"][Int(rawValue)] }
}

/// How a teacher's outputs are turned into payload values: the precision of every tap and,
/// optionally, top-k for `logits`. Part of the teacher fingerprint, since it changes what is served.
public struct PayloadEncoding: Hashable, Sendable, CustomStringConvertible {
    public var precision: StoredPrecision
    /// Keep only the k most probable classes of `logits` plus the leftover mass (nil: all logits).
    public var topK: Int?

    public init(precision: StoredPrecision, topK: Int? = nil) {
        self.precision = precision
        self.topK = topK
    }

    public var description: String { precision.description + (topK.map { " top-\($0)" } ?? "") }
}

/// Block compression of a record's payload.
public enum Codec: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    case none = 0, zstd = 1, lz4 = 2

    /// Parses `none`, `zstd`, `lz4`.
    public init?(name: String) {
        guard let c = Self.allCases.first(where: { $0.description == name }) else { return nil }
        self = c
    }

    public var description: String { ["none", "zstd", "lz4"][Int(rawValue)] }
}

extension PayloadEncoding {
    /// Whether served values equal the teacher's bit for bit (fp32, no top-k).
    public var isLossless: Bool { precision == .fp32 && topK == nil }
}
