import Foundation
import KDTensor

/// `kdflow cache prune`: rewrites a store's live records into one new segment and deletes the
/// old ones. Damaged records, torn tails, records whose every sample was rewritten later and
/// (when `keep` is given) records of other teachers are dropped. Segments held by a live writer
/// are left alone.
public enum StoreCompaction {
    /// What a prune did.
    public struct Report: Sendable {
        public var keptRecords = 0, droppedRecords = 0
        public var bytesBefore = 0, bytesAfter = 0
        public var skippedLockedSegments = 0
        /// Files with a segment's name that kdflow did not write (left in place).
        public var foreignFiles: [String] = []
    }

    /// Compacts `directory`, keeping only records of fingerprint `keep` when given. A file named
    /// like a segment that does not start with a record frame is not kdflow's: it is left alone
    /// and named in `foreignFiles`.
    public static func prune(_ directory: URL, keep: TeacherFingerprint?) throws -> Report {
        var report = Report()
        let names = SegmentFile.list(directory).filter { name in
            let locked = SegmentFile.isLocked(directory.appendingPathComponent(name).path)
            if locked { report.skippedLockedSegments += 1 }
            return !locked
        }
        var scans: [(name: String, bytes: [UInt8], scan: SegmentScan)] = []
        let codec = BlockCodec()
        var latest: [KeyDigest: (segment: Int, offset: Int)] = [:]
        for name in names {
            let bytes = try SegmentFile.readTail(directory.appendingPathComponent(name).path, from: 0)
            guard bytes.isEmpty || bytes.starts(with: RecordFrame.magic) else {
                report.foreignFiles.append(name)
                continue
            }
            report.bytesBefore += bytes.count
            let scan = bytes.withUnsafeBytes { SegmentScan.scan($0, base: 0, codec: codec) }
            for (offset, frame, digests) in scan.records where keep.map({ $0.digest == frame.fingerprint }) ?? true {
                for digest in digests { latest[digest] = (scans.count, offset) }
            }
            scans.append((name, bytes, scan))
        }
        var writer: SegmentWriter?
        for (i, s) in scans.enumerated() {
            for (offset, frame, digests) in s.scan.records {
                // Only records of the kept teacher are in `latest`.
                guard digests.contains(where: { latest[$0].map { $0 == (i, offset) } ?? false }) else {
                    report.droppedRecords += 1
                    continue
                }
                if writer == nil { writer = try SegmentWriter(directory: directory) }
                _ = try writer!.append(Array(s.bytes[offset..<(offset + frame.size)]))
                report.keptRecords += 1
            }
        }
        try writer?.sync()
        report.bytesAfter = writer?.size ?? 0
        for s in scans { try FileManager.default.removeItem(at: directory.appendingPathComponent(s.name)) }
        try? FileManager.default.removeItem(at: directory.appendingPathComponent(StoreIndex.fileName))
        AtomicFile.syncDirectory(directory)
        return report
    }
}
