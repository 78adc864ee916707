import Foundation
import KDTensor

/// One stored record of a store's teacher, limited to the samples the index serves from it (a
/// sample stored again later is served from the newer record).
public struct StoredRecord: Sendable {
    /// Where the record is: segment file name and byte offset.
    var segment: String
    public var offset: Int
    /// The served samples' keys, in slot order.
    public var keys: [StoreKey]
    /// Each tap's layout (per-sample dims, top-k).
    public var taps: [TapLayout]
    /// Each tap as stored, rows in `keys` order.
    public var columns: [String: StoredColumn]

    /// `segment@offset`, how reports name a record.
    public var location: String { "\(segment)@\(offset)" }

    /// Every tap as the store serves it (top-k taps as log-probabilities), rows in `keys` order.
    public var served: [String: Tensor] {
        var out: [String: Tensor] = [:]
        for tap in taps {
            out[tap.name] = Tensor(
                shape: Shape([keys.count] + tap.dims),
                scalars: RecordPayload.served(columns[tap.name]!, tap: tap, count: keys.count))
        }
        return out
    }
}

extension TeacherStore {
    /// Every record of this store's teacher that the index still serves samples from, in file
    /// order; `damaged` counts records of this teacher that fail their checks (never served).
    public func records() throws -> (records: [StoredRecord], damaged: Int) {
        try refresh()
        return try lock.withLock {
            var records: [StoredRecord] = []
            var damaged = 0
            for name in SegmentFile.list(directory) {
                let number = index.segmentNumber(name)
                let bytes = try SegmentFile.readTail(directory.appendingPathComponent(name).path, from: 0)
                let scan = bytes.withUnsafeBytes { SegmentScan.scan($0, base: 0, codec: codec) }
                for (offset, frame, digests) in scan.records where frame.fingerprint == fingerprint.digest {
                    let slots = digests.indices.filter { slot in
                        index.entries[digests[slot]].map {
                            $0.segment == number && $0.offset == offset && $0.slot == slot
                        } ?? false
                    }
                    guard !slots.isEmpty else { continue }
                    let parsed = bytes.withUnsafeBytes { buf in
                        (frame.identities(buf, at: offset, codec: codec), frame.columns(buf, at: offset, codec: codec))
                    }
                    guard let identities = parsed.0, let columns = parsed.1 else {
                        damaged += 1
                        continue
                    }
                    records.append(
                        StoredRecord(
                            segment: name, offset: offset,
                            keys: slots.map {
                                StoreKey(
                                    fingerprint: fingerprint, sample: identities[$0].sample, view: identities[$0].view)
                            },
                            taps: frame.taps, columns: columns.mapValues { $0.rows(slots, of: frame.count) }))
                }
            }
            return (records, damaged)
        }
    }
}
