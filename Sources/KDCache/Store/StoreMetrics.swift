/// Counters of a store's traffic since it was opened (or since `takeMetrics`).
public struct StoreMetrics: Sendable, Equatable {
    /// Samples looked up, and how many were served.
    public var lookups = 0, hits = 0
    /// Records or regions that failed their checks: never served, counted, recomputed.
    public var corrupt = 0
    /// Samples written.
    public var written = 0
    /// Bytes read from and appended to segments.
    public var bytesRead = 0, bytesWritten = 0
    /// Time spent decompressing and decoding hits, and encoding and compressing writes.
    public var decodeSeconds = 0.0, encodeSeconds = 0.0
    /// Samples not stored because the disk was full and the policy said to go on.
    var skippedWrites = 0
    /// Samples of a view bank's fresh draws (counted in `lookups`, never stored).
    public var fresh = 0
    /// Hits recomputed live and compared with what was served, by tap (`store: {audit: F}`).
    public var audit: [String: OutputDrift] = [:]

    public init() {}

    /// Served / looked up (0 when nothing was looked up).
    public var hitRate: Double { lookups == 0 ? 0 : Double(hits) / Double(lookups) }

    /// The counters as a metrics record.
    public var record: [String: Any] {
        var r: [String: Any] = [
            "lookups": lookups, "hits": hits, "hit_rate": hitRate, "corrupt": corrupt, "written": written,
            "bytes_read": bytesRead, "bytes_written": bytesWritten, "decode_s": decodeSeconds,
            "encode_s": encodeSeconds,
            "skipped_writes": skippedWrites, "fresh": fresh,
        ]
        if !audit.isEmpty { r["audit"] = audit.mapValues(\.record) }
        return r
    }

    static func + (a: StoreMetrics, b: StoreMetrics) -> StoreMetrics {
        var m = a
        m.lookups += b.lookups
        m.hits += b.hits
        m.corrupt += b.corrupt
        m.written += b.written
        m.bytesRead += b.bytesRead
        m.bytesWritten += b.bytesWritten
        m.decodeSeconds += b.decodeSeconds
        m.encodeSeconds += b.encodeSeconds
        m.skippedWrites += b.skippedWrites
        m.fresh += b.fresh
        for (tap, drift) in b.audit { m.audit[tap, default: OutputDrift()].merge(drift) }
        return m
    }
}
