import KDTensor

extension ONNXGraphBuilder {
    /// The `normalize` augmentation op as Sub and Mul constants of shape [1, C, 1, 1]. It
    /// multiplies by 1/std computed in Float, as the augmenter does, so the graph's inputs to
    /// the model are the augmenter's bit for bit.
    func normalize(_ x: String, _ n: ONNXExport.Normalization, channels: Int, name: String) throws -> String {
        guard n.mean.count == n.std.count, n.mean.count == 1 || n.mean.count == channels else {
            throw ONNXExportError.normalization(means: n.mean.count, stds: n.std.count, channels: channels)
        }
        let perChannel = { (values: [Float]) in
            Tensor(
                shape: [1, channels, 1, 1], scalars: (0..<channels).map { values.count == 1 ? values[0] : values[$0] })
        }
        let mean = constant("\(name).mean", perChannel(n.mean))
        let inverseStd = constant("\(name).inverse_std", perChannel(n.std.map { 1 / $0 }))
        return node("Mul", [node("Sub", [x, mean]), inverseStd])
    }
}
