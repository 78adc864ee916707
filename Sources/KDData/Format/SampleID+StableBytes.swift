/// A fixed byte encoding of a sample id, for keys that outlive the process (the teacher store
/// puts it beside `ViewParameters.stableBytes`).
extension SampleID {
    /// Little-endian: dataset name length (u32) and UTF-8 bytes, shard (i64), index (i64).
    public var stableBytes: [UInt8] {
        let name = Array(dataset.utf8)
        var b = [UInt8]()
        b.reserveCapacity(4 + name.count + 16)
        b.appendLE(UInt32(name.count))
        b.append(contentsOf: name)
        b.appendLE(Int64(shard))
        b.appendLE(Int64(index))
        return b
    }
}

extension SampleID {
    /// Decodes `stableBytes` (from a store record or an export, named `origin` in errors).
    public init(stableBytes bytes: [UInt8], origin: String) throws {
        var r = ByteReader(bytes, file: origin)
        let name = try r.readBytes(Int(try r.u32LE()))
        let shard = Int64(bitPattern: try r.u64LE()), index = Int64(bitPattern: try r.u64LE())
        guard r.remaining == 0, let dataset = String(validating: name, as: UTF8.self) else {
            throw DataError.invalid(file: origin, reason: "not a sample id encoding")
        }
        self.init(dataset: dataset, shard: Int(shard), index: Int(index))
    }
}
