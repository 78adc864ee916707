/// The ONNX messages an exported classifier needs (onnx.proto, proto2). Each `encode` writes its
/// fields in field-number order, as the reference protobuf library does, so its bytes can be
/// compared with Python's.
struct ONNXModel: ProtobufMessage {
    /// IR version 9 (ONNX 1.15) reads in every ONNX Runtime since 1.16.
    var irVersion = 9
    var producerName = "kdflow"
    var graph: ONNXGraph
    /// The default ("ai.onnx") domain's operator set.
    var opsetVersion = 17

    func encode(to w: inout ProtobufWriter) {
        w.int(1, irVersion)
        w.string(2, producerName)
        w.message(7, graph)
        w.message(8, ONNXOperatorSet(version: opsetVersion))
    }
}

/// OperatorSetIdProto; the domain stays unset, which means the default one.
struct ONNXOperatorSet: ProtobufMessage {
    var version: Int

    func encode(to w: inout ProtobufWriter) { w.int(2, version) }
}

/// GraphProto.
struct ONNXGraph: ProtobufMessage {
    var nodes: [ONNXNode]
    var name: String
    var initializers: [ONNXTensor]
    var inputs: [ONNXValueInfo]
    var outputs: [ONNXValueInfo]

    func encode(to w: inout ProtobufWriter) {
        for node in nodes { w.message(1, node) }
        w.string(2, name)
        for tensor in initializers { w.message(5, tensor) }
        for input in inputs { w.message(11, input) }
        for output in outputs { w.message(12, output) }
    }
}

/// NodeProto.
struct ONNXNode: ProtobufMessage {
    var inputs: [String]
    var outputs: [String]
    var name: String
    var opType: String
    var attributes: [ONNXAttribute] = []

    func encode(to w: inout ProtobufWriter) {
        for input in inputs { w.string(1, input) }
        for output in outputs { w.string(2, output) }
        w.string(3, name)
        w.string(4, opType)
        for attribute in attributes { w.message(5, attribute) }
    }
}

/// AttributeProto holding one float, one int or a list of ints.
struct ONNXAttribute: ProtobufMessage {
    enum Value {
        case float(Float), int(Int), ints([Int])
    }

    var name: String
    var value: Value

    func encode(to w: inout ProtobufWriter) {
        w.string(1, name)
        // AttributeType: FLOAT = 1, INT = 2, INTS = 7.
        switch value {
        case let .float(f):
            w.float(2, f)
            w.int(20, 1)
        case let .int(i):
            w.int(3, i)
            w.int(20, 2)
        case let .ints(list):
            for i in list { w.int(8, i) }
            w.int(20, 7)
        }
    }
}

/// TensorProto of FLOAT elements in `raw_data` (little-endian float32, row-major), or of INT64
/// ones when `int64Values` is set (a Reshape's target shape).
struct ONNXTensor: ProtobufMessage {
    var name: String
    var dims: [Int]
    var values: [Float]
    /// The elements of an INT64 tensor (then `values` is empty).
    var int64Values: [Int64]? = nil

    /// TensorProto.DataType INT64.
    static let int64 = 7

    func encode(to w: inout ProtobufWriter) {
        for d in dims { w.int(1, d) }
        w.int(2, int64Values == nil ? ONNXValueInfo.float32 : Self.int64)
        w.string(8, name)
        var raw = [UInt8]()
        if let int64Values {
            for v in int64Values { withUnsafeBytes(of: v.littleEndian) { raw.append(contentsOf: $0) } }
        } else {
            raw.reserveCapacity(values.count * 4)
            for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { raw.append(contentsOf: $0) } }
        }
        w.bytes(9, raw)
    }
}
