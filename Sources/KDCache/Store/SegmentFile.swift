import Foundation
#if canImport(Glibc)
    import Glibc
#endif

/// Plain POSIX file access for segments: positioned reads, appends that undo themselves on
/// failure, advisory locks. Errors carry the path and the system's message.
enum SegmentFile {
    /// Segment files end in this extension.
    static let fileExtension = "kdcs"

    /// The segment files of a store directory, sorted by name.
    static func list(_ directory: URL) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix("." + fileExtension) && !$0.hasPrefix(".") }.sorted()
    }

    /// The file's size, or nil when it does not exist.
    static func size(_ path: String) -> Int? {
        var st = stat()
        return stat(path, &st) == 0 ? Int(st.st_size) : nil
    }

    /// Bytes `range` of the file (fewer if it ends first).
    static func read(_ fd: Int32, _ range: Range<Int>) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: range.count)
        var done = 0
        out.withUnsafeMutableBytes { buf in
            while done < range.count {
                let n = pread(fd, buf.baseAddress! + done, range.count - done, off_t(range.lowerBound + done))
                if n < 0, errno == EINTR { continue }
                if n <= 0 { break }
                done += n
            }
        }
        return done == out.count ? out : Array(out.prefix(done))
    }

    /// Bytes from `offset` to the end of the file at `path`.
    static func readTail(_ path: String, from offset: Int) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw StoreError.io(path: path, reason: "cannot open: \(systemMessage())") }
        defer { close(fd) }
        let end = Int(lseek(fd, 0, SEEK_END))
        return end > offset ? read(fd, offset..<end) : []
    }

    /// Whether some process holds the writer lock of the segment at `path`.
    static func isLocked(_ path: String) -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        if flock(fd, LOCK_EX | LOCK_NB) == 0 {
            flock(fd, LOCK_UN)
            return false
        }
        return true
    }

    static func systemMessage(_ code: Int32 = errno) -> String { String(cString: strerror(code)) }
}
