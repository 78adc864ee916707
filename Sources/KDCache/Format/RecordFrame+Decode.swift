extension RecordFrame {
    /// The record's sample and view bytes, in slot order, or nil when they do not decode.
    func identities(_ bytes: UnsafeRawBufferPointer, at offset: Int, codec: BlockCodec) -> [RecordIdentities.Identity]?
    {
        let stored = UnsafeRawBufferPointer(
            rebasing: bytes[(offset + identitiesRange.lowerBound)..<(offset + identitiesRange.upperBound)])
        guard let raw = codec.decompress(stored, codec: identitiesCodec, rawSize: identitiesRawSize) else { return nil }
        return RecordIdentities.decode(raw, count: count)
    }

    /// Every tap of the record as `count × elements` floats, or nil when the payload does not decode.
    func values(_ bytes: UnsafeRawBufferPointer, at offset: Int, codec: BlockCodec) -> [String: [Float]]? {
        payload(bytes, at: offset, codec: codec).flatMap {
            RecordPayload.decode($0, taps: taps, count: count, precision: precision)
        }
    }

    /// Every tap of the record as stored, or nil when the payload does not decode.
    func columns(_ bytes: UnsafeRawBufferPointer, at offset: Int, codec: BlockCodec) -> [String: StoredColumn]? {
        payload(bytes, at: offset, codec: codec).flatMap {
            RecordPayload.columns($0, taps: taps, count: count, precision: precision)
        }
    }

    private func payload(_ bytes: UnsafeRawBufferPointer, at offset: Int, codec: BlockCodec) -> [UInt8]? {
        let stored = UnsafeRawBufferPointer(
            rebasing: bytes[(offset + payloadRange.lowerBound)..<(offset + payloadRange.upperBound)])
        return codec.decompress(stored, codec: self.codec, rawSize: rawSize)
    }
}
