import CZlib

/// gzip decompression through zlib (`inflateInit2` with windowBits 16 + MAX_WBITS, i.e. gzip
/// framing only), for `.gz` IDX files.
enum Gzip {
    /// Whether `bytes` start with the gzip magic (1f 8b).
    static func isGzip(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B
    }

    /// Inflates a gzip file's bytes (concatenated members too); `file` names it in errors.
    /// Corrupt or truncated input throws with the compressed byte offset where zlib stopped.
    public static func decompress(_ input: [UInt8], file: String) throws -> [UInt8] {
        guard isGzip(input) else {
            throw DataError.corrupt(file: file, offset: 0, reason: "not a gzip file (bad magic)")
        }
        var stream = z_stream()
        // The windowBits 16 + MAX_WBITS form of inflateInit2 accepts only gzip framing.
        let initStatus = inflateInit2_(&stream, 16 + MAX_WBITS, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard initStatus == Z_OK else {
            throw DataError.io(file: file, reason: "zlib inflateInit2 failed (\(initStatus))")
        }
        defer { inflateEnd(&stream) }

        // The trailer's ISIZE (size mod 2^32) is a good first guess for the output size; it is
        // untrusted (a truncated file ends in arbitrary bytes), so it is capped by deflate's
        // maximum ratio (~1032:1).
        var capacity = max(input.count * 2, 1 << 16)
        if input.count >= 18 {
            let n = input.count
            let isize = Int(input[n - 4]) | Int(input[n - 3]) << 8 | Int(input[n - 2]) << 16 | Int(input[n - 1]) << 24
            capacity = max(capacity, min(isize + 1, input.count * 1032))
        }
        var output = [UInt8](repeating: 0, count: capacity)
        var produced = 0

        try input.withUnsafeBytes { inRaw in
            guard let inBase = inRaw.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
            var consumed = 0
            while true {
                if produced == output.count {
                    output.append(contentsOf: repeatElement(0, count: output.count))
                }
                let inChunk = min(input.count - consumed, Int(UInt32.max))
                let outChunk = min(output.count - produced, Int(UInt32.max))
                let status: Int32 = output.withUnsafeMutableBytes { outRaw in
                    stream.next_in = UnsafeMutablePointer(mutating: inBase + consumed)
                    stream.avail_in = UInt32(inChunk)
                    stream.next_out = outRaw.baseAddress!.assumingMemoryBound(to: UInt8.self) + produced
                    stream.avail_out = UInt32(outChunk)
                    let s = inflate(&stream, Z_NO_FLUSH)
                    consumed += inChunk - Int(stream.avail_in)
                    produced += outChunk - Int(stream.avail_out)
                    return s
                }
                switch status {
                case Z_STREAM_END:
                    // Another member may follow; trailing zero padding is tolerated.
                    let rest = input[consumed...]
                    if rest.count >= 2, rest[consumed] == 0x1F, rest[consumed + 1] == 0x8B {
                        inflateReset(&stream)
                        continue
                    }
                    return
                case Z_OK:
                    continue
                case Z_BUF_ERROR where consumed == input.count:
                    throw DataError.truncated(file: file, offset: consumed, needed: 1, available: 0)
                case Z_BUF_ERROR:
                    continue
                default:
                    let message = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                    throw DataError.corrupt(file: file, offset: consumed, reason: "gzip: \(message)")
                }
            }
        }
        output.removeSubrange(produced...)
        return output
    }
}

extension Gzip {
    /// Compresses `input` into one gzip member (zlib's default level); for writing fixtures and
    /// exports in the same framing `decompress` reads.
    public static func compress(_ input: [UInt8]) -> [UInt8] {
        var stream = z_stream()
        guard
            deflateInit2_(
                &stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY,
                zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK
        else { return [] }
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(input.count))) + 32)
        var input = input
        let produced: Int = input.withUnsafeMutableBytes { inRaw in
            output.withUnsafeMutableBytes { outRaw in
                stream.next_in = inRaw.baseAddress?.assumingMemoryBound(to: UInt8.self)
                stream.avail_in = UInt32(inRaw.count)
                stream.next_out = outRaw.baseAddress!.assumingMemoryBound(to: UInt8.self)
                stream.avail_out = UInt32(outRaw.count)
                _ = deflate(&stream, Z_FINISH)
                return outRaw.count - Int(stream.avail_out)
            }
        }
        output.removeSubrange(produced...)
        return output
    }
}
