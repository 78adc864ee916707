import Foundation
import KDTensor
#if canImport(Glibc)
    import Glibc
#endif

#if canImport(Glibc)
    private let systemWrite = Glibc.write
#endif

/// One writer's segment: a new file per writer, held under an exclusive `flock` for its life, so
/// concurrent writers (threads, processes, machines on a shared disk) never append to the same
/// file and maintenance (`prune`) can tell a live segment from an abandoned one.
final class SegmentWriter {
    let name: String
    let path: String
    private let fd: Int32
    /// Bytes written (all complete frames).
    private(set) var size = 0
    private var unsynced = 0

    /// Creates and locks a fresh segment in `directory`.
    init(directory: URL) throws {
        var entropy = SystemRandomNumberGenerator()
        let stamp = String(UInt64(Date().timeIntervalSince1970 * 1000), radix: 16).leftPadded(12)
        name = "seg-\(stamp)-\(getpid())-\(String(entropy.next() as UInt32, radix: 16)).\(SegmentFile.fileExtension)"
        path = directory.appendingPathComponent(name).path
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw StoreError.io(path: path, reason: "cannot create segment: \(SegmentFile.systemMessage())")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw StoreError.io(path: path, reason: "cannot lock new segment: \(SegmentFile.systemMessage())")
        }
        AtomicFile.syncDirectory(directory)
    }

    deinit { close(fd) }

    /// Appends one frame and returns its offset. A failed write is cut back off the file, so the
    /// segment only ever holds whole frames written by this process.
    func append(_ frame: [UInt8]) throws -> Int {
        let offset = size
        var written = 0
        let failure: Int32? = frame.withUnsafeBytes { buf in
            while written < buf.count {
                let n = systemWrite(fd, buf.baseAddress! + written, buf.count - written)
                if n < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                written += n
            }
            return nil
        }
        if let code = failure {
            _ = ftruncate(fd, off_t(offset))
            if code == ENOSPC || code == EDQUOT || code == EFBIG {
                throw StoreError.diskFull(path: path, reason: SegmentFile.systemMessage(code))
            }
            throw StoreError.io(path: path, reason: "write failed: \(SegmentFile.systemMessage(code))")
        }
        size += frame.count
        unsynced += frame.count
        return offset
    }

    /// Makes every appended frame durable.
    func sync() throws {
        guard unsynced > 0 else { return }
        guard fsync(fd) == 0 else {
            throw StoreError.io(path: path, reason: "fsync failed: \(SegmentFile.systemMessage())")
        }
        unsynced = 0
    }

    /// Bytes appended since the last sync.
    var unsyncedBytes: Int { unsynced }
}
