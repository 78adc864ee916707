/// ValueInfoProto of a float32 tensor: a graph input or output with its shape, whose dimensions
/// are sizes or names (a named dimension, such as the batch "N", may differ per run).
struct ONNXValueInfo: ProtobufMessage {
    /// TensorProto.DataType FLOAT.
    static let float32 = 1

    enum Dimension {
        case size(Int), named(String)
    }

    var name: String
    var dims: [Dimension]

    func encode(to w: inout ProtobufWriter) {
        w.string(1, name)
        w.message(2, TypeProto(shape: ShapeProto(dims: dims)))
    }

    /// TypeProto with its `tensor_type` (a TypeProto.Tensor) set.
    private struct TypeProto: ProtobufMessage {
        var shape: ShapeProto
        func encode(to w: inout ProtobufWriter) { w.message(1, TensorType(shape: shape)) }
    }

    /// TypeProto.Tensor: element type and shape.
    private struct TensorType: ProtobufMessage {
        var shape: ShapeProto
        func encode(to w: inout ProtobufWriter) {
            w.int(1, ONNXValueInfo.float32)
            w.message(2, shape)
        }
    }

    /// TensorShapeProto: one TensorShapeProto.Dimension per axis (dim_value 1 or dim_param 2).
    private struct ShapeProto: ProtobufMessage {
        var dims: [Dimension]
        func encode(to w: inout ProtobufWriter) {
            for d in dims { w.message(1, DimensionProto(dim: d)) }
        }
    }

    private struct DimensionProto: ProtobufMessage {
        var dim: Dimension
        func encode(to w: inout ProtobufWriter) {
            switch dim {
            case let .size(n): w.int(1, n)
            case let .named(name): w.string(2, name)
            }
        }
    }
}
