import Foundation
import KDTensor

/// The stored outputs found for a batch.
public struct StoreHits: Sendable {
    /// Positions (in the looked-up keys) that were served.
    public var positions: [Int]
    /// Each tap of the served samples, rows in `positions` order (first dimension = hits).
    public var outputs: [String: Tensor]
    /// Whether every key was served.
    public var isComplete: Bool

    /// No sample served.
    public static let none = StoreHits(positions: [], outputs: [:], isComplete: false)
}

extension TeacherStore {
    /// Looks `keys` up. Each record is read, checked (header and payload checksums, key at its
    /// slot) and decoded once however many of its samples the batch asks for. A record failing a
    /// check is dropped from the index, counted in `corrupt`, and its samples are misses.
    public func lookup(_ keys: [StoreKey]) -> StoreHits {
        lock.withLock {
            let started = Date()
            var byRecord: [StoreLocation: [(position: Int, slot: Int)]] = [:]
            for (position, key) in keys.enumerated() {
                guard let loc = index.entries[key] else { continue }
                byRecord[StoreLocation(segment: loc.segment, offset: loc.offset, size: loc.size, slot: 0), default: []]
                    .append((position, loc.slot))
            }
            var rows: [(position: Int, values: [String: ArraySlice<Float>])] = []
            var layouts: [TapLayout] = []
            for (record, wanted) in byRecord {
                guard let (frame, decoded) = readRecord(record) else {
                    counters.corrupt += 1
                    for (position, _) in wanted where index.entries[keys[position]]?.offset == record.offset {
                        index.entries[keys[position]] = nil
                    }
                    continue
                }
                layouts = frame.taps
                for (position, slot) in wanted where slot < frame.keys.count && frame.keys[slot] == keys[position] {
                    var values: [String: ArraySlice<Float>] = [:]
                    for tap in frame.taps {
                        let e = tap.elements
                        values[tap.name] = decoded[tap.name]![(slot * e)..<((slot + 1) * e)]
                    }
                    rows.append((position, values))
                }
            }
            rows.sort { $0.position < $1.position }
            var outputs: [String: Tensor] = [:]
            if !rows.isEmpty {
                for tap in layouts {
                    var flat = [Float]()
                    flat.reserveCapacity(rows.count * tap.elements)
                    for row in rows { flat += row.values[tap.name]! }
                    outputs[tap.name] = Tensor(shape: Shape([rows.count] + tap.dims), scalars: flat)
                }
            }
            counters.lookups += keys.count
            counters.hits += rows.count
            counters.decodeSeconds += Date().timeIntervalSince(started)
            return StoreHits(positions: rows.map(\.position), outputs: outputs, isComplete: rows.count == keys.count)
        }
    }

    /// One record's frame and decoded taps, or nil when it is unreadable or fails a check.
    /// Call under `lock`.
    private func readRecord(_ loc: StoreLocation) -> (RecordFrame, [String: [Float]])? {
        guard let fd = readDescriptor(loc.segment) else { return nil }
        let bytes = SegmentFile.read(fd, loc.offset..<(loc.offset + loc.size))
        counters.bytesRead += bytes.count
        return bytes.withUnsafeBytes { buf -> (RecordFrame, [String: [Float]])? in
            guard case .record(let frame) = RecordFrame.parse(buf, at: 0), frame.size == loc.size,
                  frame.fingerprint == fingerprint.digest, frame.payloadIsIntact(buf, at: 0) else { return nil }
            let stored = UnsafeRawBufferPointer(rebasing: buf[frame.headerSize..<frame.size])
            guard let raw = codec.decompress(stored, codec: frame.codec, rawSize: frame.rawSize),
                  let decoded = RecordPayload.decode(raw, taps: frame.taps, count: frame.keys.count, precision: frame.precision)
            else { return nil }
            return (frame, decoded)
        }
    }
}
