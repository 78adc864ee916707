import Foundation
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

#if canImport(Glibc)
    private let systemWrite = Glibc.write
#else
    private let systemWrite = Darwin.write
#endif

/// Crash-safe file writes: the bytes go to a temporary file in the target's directory, are
/// fsync'ed, then renamed over the target, and the directory is fsync'ed. A reader sees the old
/// file or the complete new one, never a torn write. Shared by shards, checkpoints and the
/// teacher store; the directory must exist.
public enum AtomicFile {
    /// Writes `data` to `url` atomically and durably.
    public static func write(_ data: Data, to url: URL) throws {
        try data.withUnsafeBytes { try write($0, to: url) }
    }

    /// Writes `bytes` to `url` atomically and durably.
    public static func write(_ bytes: [UInt8], to url: URL) throws {
        try bytes.withUnsafeBytes { try write($0, to: url) }
    }

    /// Writes the buffer to `url` atomically and durably.
    public static func write(_ bytes: UnsafeRawBufferPointer, to url: URL) throws {
        let directory = url.deletingLastPathComponent()
        let temp = directory.appendingPathComponent(temporaryName(for: url.lastPathComponent))
        let fd = open(temp.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ioError(temp, "cannot create temporary file") }
        var ok = false
        defer {
            if !ok { unlink(temp.path) }
        }
        do {
            defer { close(fd) }
            var written = 0
            while written < bytes.count {
                let n = systemWrite(fd, bytes.baseAddress! + written, bytes.count - written)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw ioError(temp, "write failed")
                }
                written += n
            }
            guard fsync(fd) == 0 else { throw ioError(temp, "fsync failed") }
        }
        guard rename(temp.path, url.path) == 0 else { throw ioError(url, "rename from temporary file failed") }
        ok = true
        syncDirectory(directory)
    }

    /// Flushes a directory's entries (renames, creations) to disk; best effort.
    public static func syncDirectory(_ directory: URL) {
        let fd = open(directory.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = fsync(fd)
        close(fd)
    }

    /// Temporary names start with a dot and end in `.tmp`, so nothing globbing for the real
    /// name (or its extension) mistakes one for a complete file.
    /// The random suffix only needs uniqueness (it never reaches an output), not reproducibility.
    static func temporaryName(for name: String) -> String {
        var entropy = SystemRandomNumberGenerator()
        return ".\(name).\(getpid()).\(String(entropy.next() as UInt64, radix: 16)).tmp"
    }

    private static func ioError(_ url: URL, _ what: String) -> WriteError {
        WriteError(path: url.path, reason: "\(what): \(String(cString: strerror(errno)))")
    }

    /// A failed write, naming the file and the failing step.
    public struct WriteError: Error, CustomStringConvertible {
        /// The file being written.
        public let path: String
        /// What failed, with the system's message.
        public let reason: String
        public var description: String { "\(path): \(reason)" }
    }
}
