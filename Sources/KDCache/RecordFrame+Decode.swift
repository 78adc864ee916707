extension RecordFrame {
    /// The record's sample and view bytes, in slot order, or nil when they do not decode.
    func identities(_ bytes: UnsafeRawBufferPointer, at offset: Int, codec: BlockCodec) -> [RecordIdentities.Identity]? {
        let stored = UnsafeRawBufferPointer(rebasing: bytes[(offset + identitiesRange.lowerBound)..<(offset + identitiesRange.upperBound)])
        guard let raw = codec.decompress(stored, codec: identitiesCodec, rawSize: identitiesRawSize) else { return nil }
        return RecordIdentities.decode(raw, count: count)
    }

    /// Every tap of the record as `count × elements` floats, or nil when the payload does not decode.
    func values(_ bytes: UnsafeRawBufferPointer, at offset: Int, codec: BlockCodec) -> [String: [Float]]? {
        let stored = UnsafeRawBufferPointer(rebasing: bytes[(offset + payloadRange.lowerBound)..<(offset + payloadRange.upperBound)])
        guard let raw = codec.decompress(stored, codec: self.codec, rawSize: rawSize) else { return nil }
        return RecordPayload.decode(raw, taps: taps, count: count, precision: precision)
    }
}
