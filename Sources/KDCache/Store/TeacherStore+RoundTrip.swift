import KDTensor

extension TeacherStore {
    /// `outputs` as a later hit would serve them: through the store's precision and top-k
    /// encoding, without compression or disk.
    public func roundTrip(_ outputs: [String: Tensor], count: Int) -> [String: Tensor] {
        let (taps, raw) = RecordPayload.encode(outputs, count: count, encoding: options.encoding)
        guard let decoded = RecordPayload.decode(raw, taps: taps, count: count, precision: options.encoding.precision)
        else {
            preconditionFailure("a freshly encoded payload must decode")
        }
        var result: [String: Tensor] = [:]
        for tap in taps { result[tap.name] = Tensor(shape: Shape([count] + tap.dims), scalars: decoded[tap.name]!) }
        return result
    }
}
