/// A record's samples after decompression and decoding.
final class DecodedRecord: Sendable {
    let identities: [RecordIdentities.Identity]
    let taps: [TapLayout]
    /// Each tap as `identities.count × elements` floats.
    let values: [String: [Float]]

    init(identities: [RecordIdentities.Identity], taps: [TapLayout], values: [String: [Float]]) {
        self.identities = identities
        self.taps = taps
        self.values = values
    }

    /// Bytes the decoded floats take.
    var bytes: Int { values.values.reduce(0) { $0 + 4 * $1.count } }
}

/// Recently decoded records, evicted oldest first past a byte budget. Records never change once
/// written, so a cached record is never stale; a record that failed its checks is never cached.
struct DecodedRecordCache {
    private(set) var records: [StoreLocation: DecodedRecord] = [:]
    private var order: [StoreLocation] = []
    private var head = 0
    private var bytes = 0

    mutating func insert(_ record: DecodedRecord, at location: StoreLocation, budget: Int) {
        guard budget > 0, records[location] == nil else { return }
        records[location] = record
        order.append(location)
        bytes += record.bytes
        while bytes > budget, head < order.count {
            if let evicted = records.removeValue(forKey: order[head]) { bytes -= evicted.bytes }
            head += 1
        }
        if head > 4096, head * 2 > order.count {
            order.removeFirst(head)
            head = 0
        }
    }
}
