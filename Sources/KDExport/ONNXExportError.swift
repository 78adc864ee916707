/// What could not be exported, so that no partial or wrong graph is written.
enum ONNXExportError: Error, CustomStringConvertible {
    /// A module kind without an ONNX lowering, at its state-dict path.
    case noLowering(kind: String, path: String)
    /// A model class the exporter does not know.
    case unsupportedModel(kind: String)
    /// A normalisation whose mean/std counts fit neither one value nor one per channel.
    case normalization(means: Int, stds: Int, channels: Int)

    public var description: String {
        switch self {
        case let .noLowering(kind, path):
            return "cannot export '\(path)': no ONNX lowering for layer kind \(kind)"
        case let .unsupportedModel(kind):
            return "cannot export a \(kind): ONNX export knows mlp, cnn, the CIFAR ResNets and wide ResNets"
        case let .normalization(means, stds, channels):
            return "cannot bake normalize into the graph: \(means) means and \(stds) stds for \(channels) channels"
        }
    }
}
