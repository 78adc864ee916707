extension ViewParameters {
    /// The view index of a `stableBytes` encoding (from a store record or an export, named
    /// `origin` in errors). The steps are not decoded: a reader that needs them redraws the view
    /// and compares encodings, so a view from a file never drives rendering.
    public static func viewIndex(stableBytes bytes: [UInt8], origin: String) throws -> Int {
        var r = ByteReader(bytes, file: origin)
        guard Array(try r.readBytes(4)) == Array("KDV1".utf8) else {
            throw DataError.invalid(file: origin, reason: "not a KDV1 view encoding")
        }
        return Int(Int64(bitPattern: try r.u64LE()))
    }
}
