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
    /// Looks `keys` up. Each record is read, checked (header and data checksums, the exact
    /// sample and view bytes at the slot) and decoded once however many of its samples the batch asks for; decoded records
    /// are kept (up to `options.decodedCacheBytes`) because a shuffled batch draws on many
    /// records. A record failing a check is dropped from the index, counted in `corrupt`, and
    /// its samples are misses.
    public func lookup(_ keys: [StoreKey]) -> StoreHits {
        lock.withLock {
            let started = Date()
            var byRecord: [StoreLocation: [(position: Int, slot: Int)]] = [:]
            for (position, key) in keys.enumerated() {
                guard let loc = index.entries[key.digest] else { continue }
                byRecord[StoreLocation(segment: loc.segment, offset: loc.offset, size: loc.size, slot: 0), default: []]
                    .append((position, loc.slot))
            }
            var served: [(position: Int, record: DecodedRecord, slot: Int)] = []
            for (location, wanted) in byRecord {
                guard let record = decodedRecord(location) else {
                    // Forget every sample of the record, so it is counted once and its samples recomputed.
                    counters.corrupt += 1
                    index.entries = index.entries.filter {
                        $0.value.segment != location.segment || $0.value.offset != location.offset
                    }
                    continue
                }
                for (position, slot) in wanted
                where slot < record.identities.count && record.identities[slot] == .init(keys[position]) {
                    served.append((position, record, slot))
                }
            }
            served.sort { $0.position < $1.position }
            var outputs: [String: Tensor] = [:]
            for tap in served.first?.record.taps ?? [] {
                let e = tap.elements
                outputs[tap.name] = Tensor(shape: Shape([served.count] + tap.dims)) { out in
                    for (i, hit) in served.enumerated() {
                        hit.record.values[tap.name]!.withUnsafeBufferPointer { v in
                            for j in 0..<e { out[i * e + j] = v[hit.slot * e + j] }
                        }
                    }
                }
            }
            counters.lookups += keys.count
            counters.hits += served.count
            counters.decodeSeconds += Date().timeIntervalSince(started)
            return StoreHits(
                positions: served.map(\.position), outputs: outputs, isComplete: served.count == keys.count)
        }
    }

    /// A record's keys and decoded taps, from the decoded-record cache or the segment.
    /// Call under `lock`.
    private func decodedRecord(_ location: StoreLocation) -> DecodedRecord? {
        if let cached = decoded.records[location] { return cached }
        guard let record = readRecord(location) else { return nil }
        decoded.insert(record, at: location, budget: options.decodedCacheBytes)
        return record
    }

    /// One record's identities and decoded taps, or nil when it is unreadable or fails a check.
    /// Call under `lock`.
    private func readRecord(_ loc: StoreLocation) -> DecodedRecord? {
        guard let fd = readDescriptor(loc.segment) else { return nil }
        let bytes = SegmentFile.read(fd, loc.offset..<(loc.offset + loc.size))
        counters.bytesRead += bytes.count
        return bytes.withUnsafeBytes { buf -> DecodedRecord? in
            guard case .record(let frame) = RecordFrame.parse(buf, at: 0), frame.size == loc.size,
                frame.fingerprint == fingerprint.digest, frame.storedIsIntact(buf, at: 0),
                let identities = frame.identities(buf, at: 0, codec: codec),
                let values = frame.values(buf, at: 0, codec: codec)
            else { return nil }
            return DecodedRecord(identities: identities, taps: frame.taps, values: values)
        }
    }
}
