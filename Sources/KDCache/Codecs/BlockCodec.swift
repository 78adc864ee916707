import CLZ4
import CZstd

/// Compresses and decompresses whole payload blocks, reusing zstd contexts between calls (a
/// fresh context per record costs more than decoding a small record). Not thread-safe: each
/// store owns one behind its lock.
final class BlockCodec {
    private let cctx = ZSTD_createCCtx()
    private let dctx = ZSTD_createDCtx()

    deinit {
        ZSTD_freeCCtx(cctx)
        ZSTD_freeDCtx(dctx)
    }

    /// `raw` compressed with `codec` at `level`; nil when that would not be smaller than `raw`
    /// (the caller then stores it raw, codec none).
    func compress(_ raw: [UInt8], codec: Codec, level: Int) -> [UInt8]? {
        guard !raw.isEmpty else { return nil }
        switch codec {
        case .none:
            return nil
        case .zstd:
            var out = [UInt8](repeating: 0, count: ZSTD_compressBound(raw.count))
            let n = out.withUnsafeMutableBytes { o in
                raw.withUnsafeBytes {
                    ZSTD_compressCCtx(cctx, o.baseAddress, o.count, $0.baseAddress, $0.count, Int32(level))
                }
            }
            guard ZSTD_isError(n) == 0, n < raw.count else { return nil }
            return Array(out.prefix(n))
        case .lz4:
            var out = [UInt8](repeating: 0, count: Int(LZ4_compressBound(Int32(raw.count))))
            let n = out.withUnsafeMutableBytes { o in
                raw.withUnsafeBytes {
                    LZ4_compress_default(
                        $0.baseAddress!.assumingMemoryBound(to: CChar.self),
                        o.baseAddress!.assumingMemoryBound(to: CChar.self), Int32($0.count), Int32(o.count))
                }
            }
            guard n > 0, Int(n) < raw.count else { return nil }
            return Array(out.prefix(Int(n)))
        }
    }

    /// The `rawSize` bytes `stored` decompresses to, or nil when the block does not decode to
    /// exactly that size.
    func decompress(_ stored: UnsafeRawBufferPointer, codec: Codec, rawSize: Int) -> [UInt8]? {
        switch codec {
        case .none:
            return stored.count == rawSize ? Array(stored) : nil
        case .zstd:
            var out = [UInt8](repeating: 0, count: rawSize)
            let n = out.withUnsafeMutableBytes {
                ZSTD_decompressDCtx(dctx, $0.baseAddress, $0.count, stored.baseAddress, stored.count)
            }
            return ZSTD_isError(n) == 0 && n == rawSize ? out : nil
        case .lz4:
            var out = [UInt8](repeating: 0, count: rawSize)
            let n = out.withUnsafeMutableBytes { o in
                LZ4_decompress_safe(
                    stored.baseAddress!.assumingMemoryBound(to: CChar.self),
                    o.baseAddress!.assumingMemoryBound(to: CChar.self), Int32(stored.count), Int32(rawSize))
            }
            return Int(n) == rawSize ? out : nil
        }
    }
}
