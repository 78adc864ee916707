import Foundation

/// Whole-file writes that are all-or-nothing: temp file in the same directory, fsync, rename,
/// fsync of the directory. A crash leaves either the old file or the new one, never a torn one.
public enum AtomicFile {
    /// Errors writing a file, naming the path and the failing call.
    public struct WriteError: Error, CustomStringConvertible {
        /// The file being written.
        public let path: String
        /// The system call that failed.
        public let operation: String
        /// errno at the failure.
        public let code: Int32
        public var description: String { "\(path): \(operation) failed: \(String(cString: strerror(code)))" }
    }

    /// Atomically replaces the file at `url` with `data`, creating parent directories.
    public static func write(_ data: Data, to url: URL) throws {
        let dir = url.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let temp = dir.appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        let fd = open(temp.path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard fd >= 0 else { throw WriteError(path: temp.path, operation: "open", code: errno) }
        var ok = false
        defer {
            if !ok { unlink(temp.path) }
        }
        do {
            defer { close(fd) }
            try data.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let n = Foundation.write(fd, raw.baseAddress! + offset, raw.count - offset)
                    if n < 0 {
                        if errno == EINTR { continue }
                        throw WriteError(path: temp.path, operation: "write", code: errno)
                    }
                    offset += n
                }
            }
            guard fsync(fd) == 0 else { throw WriteError(path: temp.path, operation: "fsync", code: errno) }
        }
        guard rename(temp.path, url.path) == 0 else { throw WriteError(path: url.path, operation: "rename", code: errno) }
        ok = true
        let dfd = open(dir.path, O_RDONLY)
        if dfd >= 0 {
            fsync(dfd)
            close(dfd)
        }
    }
}
