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
