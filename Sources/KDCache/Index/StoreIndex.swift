import Foundation
import KDTensor

/// Where one stored sample lives.
struct StoreLocation: Hashable {
    /// Position in `StoreIndex.segments`.
    var segment: Int
    var offset: Int
    /// The frame's total size, so one read fetches it.
    var size: Int
    /// The sample's position among the record's keys.
    var slot: Int
}

/// The key → location map with, per segment, how many bytes it covers. A cache of the segments:
/// on open, segments that grew are scanned from where the index stopped, and an index that is
/// missing, damaged or names a segment that shrank or vanished is rebuilt from scratch.
///
/// File `index.kdci`, little-endian: "KDI1", u32 segment count, per segment (u16 name length,
/// name, u64 covered bytes), u64 entry count, per entry (16-byte key digest, u32 segment, u64 offset,
/// u32 size, u32 slot), then the CRC-32 of everything before it. Written atomically.
struct StoreIndex {
    static let fileName = "index.kdci"
    static let magic: [UInt8] = Array("KDI1".utf8)

    var segments: [(name: String, covered: Int)] = []
    var entries: [KeyDigest: StoreLocation] = [:]

    /// Position of a segment by name, added (covering nothing) if new.
    mutating func segmentNumber(_ name: String) -> Int {
        if let i = segments.firstIndex(where: { $0.name == name }) { return i }
        segments.append((name, 0))
        return segments.count - 1
    }

    /// Indexes the records of a scan of segment `number`.
    mutating func add(_ scan: SegmentScan, segment number: Int) {
        for (offset, frame, digests) in scan.records {
            for (slot, key) in digests.enumerated() {
                entries[key] = StoreLocation(segment: number, offset: offset, size: frame.size, slot: slot)
            }
        }
        segments[number].covered = scan.validEnd
    }

    func serialized() -> [UInt8] {
        var b = Self.magic
        b.appendLE(UInt32(segments.count))
        for s in segments {
            b.appendString(s.name)
            b.appendLE(UInt64(s.covered))
        }
        b.appendLE(UInt64(entries.count))
        b.reserveCapacity(b.count + entries.count * 36 + 4)
        for (key, loc) in entries {
            b += key.bytes
            b.appendLE(UInt32(loc.segment))
            b.appendLE(UInt64(loc.offset))
            b.appendLE(UInt32(loc.size))
            b.appendLE(UInt32(loc.slot))
        }
        b.appendLE(CRC32.checksum(b))
        return b
    }

    /// The index in `directory`, or nil when it is missing or damaged.
    static func load(_ directory: URL) -> StoreIndex? {
        guard let data = try? Data(contentsOf: directory.appendingPathComponent(fileName)), data.count >= 8 else {
            return nil
        }
        return data.withUnsafeBytes { bytes -> StoreIndex? in
            let body = UnsafeRawBufferPointer(rebasing: bytes[0..<(bytes.count - 4)])
            guard
                CRC32.checksum(body)
                    == bytes.loadUnaligned(fromByteOffset: bytes.count - 4, as: UInt32.self).littleEndian
            else { return nil }
            var c = ByteCursor(body)
            guard c.readBytes(4) == magic, let n = c.read(UInt32.self) else { return nil }
            var index = StoreIndex()
            for _ in 0..<n {
                guard let name = c.readString(), let covered = c.read(UInt64.self) else { return nil }
                index.segments.append((name, Int(covered)))
            }
            guard let count = c.read(UInt64.self) else { return nil }
            index.entries.reserveCapacity(Int(count))
            for _ in 0..<count {
                guard let key = c.readBytes(16), let segment = c.read(UInt32.self), let offset = c.read(UInt64.self),
                    let size = c.read(UInt32.self), let slot = c.read(UInt32.self), Int(segment) < index.segments.count
                else { return nil }
                index.entries[KeyDigest(bytes: key)] = StoreLocation(
                    segment: Int(segment), offset: Int(offset), size: Int(size), slot: Int(slot))
            }
            return index
        }
    }

    /// Writes the index atomically.
    func save(_ directory: URL) throws {
        try AtomicFile.write(serialized(), to: directory.appendingPathComponent(Self.fileName))
    }
}
