import Foundation
import KDTensor
#if canImport(Glibc)
    import Glibc
#endif

/// A directory of teacher outputs keyed by (teacher fingerprint, sample, view): append-only
/// segments of framed records plus an index. Any number of processes may open the same
/// directory; each writes only its own segment.
///
/// `@unchecked Sendable`: all mutable state (index, read descriptors, writer, codec contexts,
/// metrics) is only touched while holding `lock`.
public final class TeacherStore: @unchecked Sendable {
    public let directory: URL
    public let options: StoreOptions
    public let fingerprint: TeacherFingerprint
    // The state below is used by this file's extensions (lookup, append) under `lock` only.
    let lock = NSLock()
    var index = StoreIndex()
    var readers: [Int: Int32] = [:]
    var writer: SegmentWriter?
    var writerSegment = -1
    let codec = BlockCodec()
    var counters = StoreMetrics()
    var storedBytes = 0
    var writesDisabled = false
    var decoded = DecodedRecordCache()
    /// What opening found: damaged regions and torn tails in the segments (counted, never served).
    public private(set) var openReport: (corrupt: Int, tornTailBytes: Int, rebuiltIndex: Bool) = (0, 0, false)

    /// Opens (creating if needed) the store in `directory` and brings its index up to date.
    public init(directory: URL, options: StoreOptions, fingerprint: TeacherFingerprint) throws {
        self.directory = directory
        self.options = options
        self.fingerprint = fingerprint
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try refresh()
    }

    deinit {
        for fd in readers.values { close(fd) }
    }

    /// Samples currently indexed.
    public var count: Int { lock.withLock { index.entries.count } }

    /// Re-reads the index and scans what other writers appended since.
    func refresh() throws {
        try lock.withLock {
            let onDisk = SegmentFile.list(directory)
            var loaded = StoreIndex.load(directory)
            if let l = loaded,
                l.segments.contains(where: { s in
                    !onDisk.contains(s.name)
                        || (SegmentFile.size(directory.appendingPathComponent(s.name).path) ?? 0) < s.covered
                })
            {
                loaded = nil
            }
            let rebuilt = loaded == nil && !onDisk.isEmpty
            var next = loaded ?? StoreIndex()
            var corrupt = 0, torn = 0
            for name in onDisk {
                let number = next.segmentNumber(name)
                let path = directory.appendingPathComponent(name).path
                let start = next.segments[number].covered
                let tail = try SegmentFile.readTail(path, from: start)
                let scan = tail.withUnsafeBytes { SegmentScan.scan($0, base: start, codec: codec) }
                next.add(scan, segment: number)
                corrupt += scan.corrupt.count
                torn += scan.tornTailBytes
            }
            if let w = writer {
                next.segments[next.segmentNumber(w.name)].covered = w.size
            }
            for fd in readers.values { close(fd) }
            readers = [:]
            index = next
            writerSegment = writer.map { index.segmentNumber($0.name) } ?? -1
            storedBytes = onDisk.reduce(0) { $0 + (SegmentFile.size(directory.appendingPathComponent($1).path) ?? 0) }
            openReport = (corrupt, torn, rebuilt)
        }
    }

    /// Counters since the last call, then reset.
    public func takeMetrics() -> StoreMetrics {
        lock.withLock {
            defer { counters = StoreMetrics() }
            return counters
        }
    }

    /// Counts `count` samples of a view bank's fresh draws: looked up (as misses) without reading.
    public func countFreshDraws(_ count: Int) {
        lock.withLock {
            counters.lookups += count
            counters.fresh += count
        }
    }

    /// Counts a comparison of served hits with live outputs in the metrics.
    public func recordAudit(_ drift: [String: OutputDrift]) {
        lock.withLock {
            for (tap, d) in drift { counters.audit[tap, default: OutputDrift()].merge(d) }
        }
    }

    /// Makes appended records durable and saves the index.
    public func flush() throws {
        try lock.withLock {
            try writer?.sync()
            try index.save(directory)
        }
    }

    /// Whether writes were switched off by a full disk under `on_full: skip`.
    var isWritingDisabled: Bool { lock.withLock { writesDisabled } }

    /// A read descriptor of segment `segment` (call under `lock`).
    func readDescriptor(_ segment: Int) -> Int32? {
        if let fd = readers[segment] { return fd }
        let fd = open(directory.appendingPathComponent(index.segments[segment].name).path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        readers[segment] = fd
        return fd
    }
}
