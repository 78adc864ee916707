import Foundation

/// Reads whole input files, transparently inflating gzip.
enum FileBytes {
    /// The file's bytes, raw.
    static func readRaw(_ url: URL) throws -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: url.path) else {
            throw DataError.io(file: url.path, reason: "cannot open for reading")
        }
        defer { try? handle.close() }
        do {
            let data = try handle.readToEnd() ?? Data()
            return [UInt8](data)
        } catch {
            throw DataError.io(file: url.path, reason: "read failed: \(error.localizedDescription)")
        }
    }

    /// The file's bytes, inflated when they are gzip.
    static func read(_ url: URL) throws -> (bytes: [UInt8], source: SourceFile) {
        let raw = try readRaw(url)
        let source = SourceFile(name: url.lastPathComponent, bytes: raw.count, crc32: Checksum.crc32(raw))
        let bytes = Gzip.isGzip(raw) ? try Gzip.decompress(raw, file: url.path) : raw
        return (bytes, source)
    }
}
