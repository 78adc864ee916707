import Foundation
import KDTensor

extension TeacherStore {
    /// Stores the outputs of a batch (every tensor's first dimension is `keys.count`) as one
    /// record, compressed as a whole: per-sample compression would pay zstd's frame overhead per
    /// sample. The record keeps each key's sample and view bytes (see `RecordIdentities`).
    /// On a full disk: throws `StoreError.diskFull` (policy stop) or stops storing (policy skip).
    public func append(_ keys: [StoreKey], outputs: [String: Tensor]) throws {
        guard !keys.isEmpty else { return }
        for (name, t) in outputs where t.rank == 0 || t.shape[0] != keys.count {
            throw StoreError.invalidOutputs("tap \(name) has shape \(t.shape), expected \(keys.count) samples first")
        }
        let started = Date()
        let (taps, columns) = RecordPayload.columns(outputs, count: keys.count, encoding: options.encoding)
        try append(keys, taps: taps, columns: columns, encodingStarted: started)
    }

    /// Stores already-encoded outputs (as `StoredRecord.columns` holds them) as one record: what
    /// `kdflow cache import` writes, bit for bit what was exported. The caller has checked that
    /// every column holds `keys.count` samples of its tap's layout.
    public func append(_ keys: [StoreKey], taps: [TapLayout], columns: [String: StoredColumn]) throws {
        guard !keys.isEmpty else { return }
        try append(keys, taps: taps, columns: columns, encodingStarted: Date())
    }

    private func append(
        _ keys: [StoreKey], taps: [TapLayout], columns: [String: StoredColumn], encodingStarted started: Date
    ) throws {
        try lock.withLock {
            guard !writesDisabled else {
                counters.skippedWrites += keys.count
                return
            }
            let order = RecordIdentities.order(keys)
            let raw = RecordPayload.encode(
                columns.mapValues { $0.rows(order, of: keys.count) }, taps: taps, precision: options.encoding.precision)
            let keys = order.map { keys[$0] }
            let frame = RecordFrame.encode(
                precision: options.encoding.precision, fingerprint: fingerprint.digest, count: keys.count,
                taps: taps, identities: block(RecordIdentities.encode(keys)), payload: block(raw))
            counters.encodeSeconds += Date().timeIntervalSince(started)
            do {
                if let capacity = options.capacityBytes, storedBytes + frame.count > capacity {
                    throw StoreError.diskFull(
                        path: directory.path, reason: "store capacity of \(capacity) bytes reached")
                }
                if writer == nil {
                    let w = try SegmentWriter(directory: directory)
                    writer = w
                    writerSegment = index.segmentNumber(w.name)
                }
                let w = writer!
                let offset = try w.append(frame)
                for (slot, key) in keys.enumerated() {
                    index.entries[key.digest] = StoreLocation(
                        segment: writerSegment, offset: offset, size: frame.count, slot: slot)
                }
                index.segments[writerSegment].covered = w.size
                storedBytes += frame.count
                counters.written += keys.count
                counters.bytesWritten += frame.count
                if w.unsyncedBytes >= options.syncEveryBytes { try w.sync() }
            } catch StoreError.diskFull(let path, let reason) where options.onFull == .skip {
                writesDisabled = true
                counters.skippedWrites += keys.count
                FileHandle.standardError.write(
                    Data("teacher store: disk full at \(path) (\(reason)); continuing without storing\n".utf8))
            }
        }
    }

    /// `raw` compressed with the store's codec, or raw (codec none) when compression does not shrink it.
    /// Call under `lock`.
    private func block(_ raw: [UInt8]) -> RecordFrame.Block {
        if let compressed = codec.compress(raw, codec: options.codec, level: options.level) {
            return RecordFrame.Block(codec: options.codec, rawSize: raw.count, stored: compressed)
        }
        return RecordFrame.Block(codec: .none, rawSize: raw.count, stored: raw)
    }
}
