/// What to do when a write finds the disk (or the configured capacity) full.
public enum DiskFullPolicy: String, Sendable {
    /// Throw `StoreError.diskFull`: the run stops cleanly with a clear message.
    case stop
    /// Stop storing, keep serving hits, count the skipped samples.
    case skip
}

/// How a store writes: compression, precision/top-k, full-disk policy, durability.
public struct StoreOptions: Sendable {
    public var codec: Codec
    /// Compression level (zstd 1…19; ignored by lz4 and none).
    public var level: Int
    public var encoding: PayloadEncoding
    public var onFull: DiskFullPolicy
    /// Bytes the store's segments may take in total (nil: until the disk is full).
    public var capacityBytes: Int?
    /// Unsynced bytes after which appends are fsync'ed: the most a power loss can take.
    public var syncEveryBytes: Int
    /// Decoded records kept in memory: a shuffled batch draws one or two samples from each of
    /// many records, so without it every record is decoded again for every batch.
    public var decodedCacheBytes: Int

    public init(
        codec: Codec = .zstd, level: Int = 3, encoding: PayloadEncoding = PayloadEncoding(precision: .fp16),
        onFull: DiskFullPolicy = .stop, capacityBytes: Int? = nil, syncEveryBytes: Int = 8 << 20,
        decodedCacheBytes: Int = 256 << 20
    ) {
        self.codec = codec
        self.level = level
        self.encoding = encoding
        self.onFull = onFull
        self.capacityBytes = capacityBytes
        self.syncEveryBytes = syncEveryBytes
        self.decodedCacheBytes = decodedCacheBytes
    }
}
