import Foundation

/// The safetensors file format (8-byte little-endian header length, a JSON header, raw
/// little-endian data), as read and written by `safetensors.torch`.
public struct Safetensors: Sendable {
    /// Element types kdflow reads (all converted to Float32) and writes (F32, I64).
    public enum DType: String, Sendable {
        case f32 = "F32", f64 = "F64", f16 = "F16", bf16 = "BF16", i64 = "I64", i32 = "I32", u8 = "U8"

        var byteSize: Int {
            switch self {
            case .f64, .i64: 8
            case .f32, .i32: 4
            case .f16, .bf16: 2
            case .u8: 1
            }
        }
    }

    /// One stored tensor.
    public struct Entry: Sendable {
        /// Stored element type.
        public var dtype: DType
        /// Stored shape.
        public var shape: Shape
        /// Raw little-endian bytes.
        public var bytes: Data

        /// An entry of `shape` whose `bytes` hold its elements in `dtype`, little-endian.
        public init(dtype: DType, shape: Shape, bytes: Data) {
            precondition(
                bytes.count == shape.count * dtype.byteSize,
                "\(shape) of \(dtype) needs \(shape.count * dtype.byteSize) bytes")
            self.dtype = dtype
            self.shape = shape
            self.bytes = bytes
        }
    }

    /// Problems reading a safetensors file.
    public enum FormatError: Error, CustomStringConvertible {
        case truncated(String, needed: Int, available: Int)
        case badHeader(String, reason: String)
        case badEntry(String, tensor: String, reason: String)
        case missing(String, tensor: String)
        case unreadable(String, reason: String)

        public var description: String {
            switch self {
            case let .truncated(file, needed, available):
                "\(file): truncated: needs \(needed) bytes, has \(available)"
            case let .badHeader(file, reason): "\(file): bad safetensors header: \(reason)"
            case let .badEntry(file, tensor, reason): "\(file): tensor '\(tensor)': \(reason)"
            case let .missing(file, tensor): "\(file): no tensor named '\(tensor)'"
            case let .unreadable(file, reason): "\(file): cannot be read (\(reason))"
            }
        }
    }

    /// Tensors by name.
    public var entries: [String: Entry]
    /// The free-form `__metadata__` strings.
    public var metadata: [String: String]
    /// Where the file came from, for error messages.
    public var origin: String

    /// An empty file.
    public init(metadata: [String: String] = [:]) {
        self.entries = [:]
        self.metadata = metadata
        self.origin = "<memory>"
    }

    /// Stores a Float32 tensor.
    public mutating func set(_ name: String, _ tensor: Tensor) {
        let data = tensor.withUnsafeBufferPointer { Data(buffer: $0) }
        entries[name] = Entry(dtype: .f32, shape: tensor.shape, bytes: data)
    }

    /// Stores integers as I64 (e.g. BatchNorm's num_batches_tracked).
    public mutating func setInt64(_ name: String, _ values: [Int64], shape: Shape) {
        precondition(values.count == shape.count)
        entries[name] = Entry(dtype: .i64, shape: shape, bytes: values.withUnsafeBufferPointer { Data(buffer: $0) })
    }

    /// A stored tensor converted to Float32.
    public func tensor(_ name: String) throws -> Tensor {
        guard let e = entries[name] else { throw FormatError.missing(origin, tensor: name) }
        let n = e.shape.count
        return e.bytes.withUnsafeBytes { raw in
            Tensor(shape: e.shape) { out in
                for i in 0..<n {
                    let o = i * e.dtype.byteSize
                    switch e.dtype {
                    case .f32:
                        out[i] = Float(bitPattern: raw.loadUnaligned(fromByteOffset: o, as: UInt32.self).littleEndian)
                    case .f64:
                        out[i] = Float(
                            Double(bitPattern: raw.loadUnaligned(fromByteOffset: o, as: UInt64.self).littleEndian))
                    case .f16:
                        out[i] = Float(
                            Float16(bitPattern: raw.loadUnaligned(fromByteOffset: o, as: UInt16.self).littleEndian))
                    case .bf16:
                        out[i] = Float(
                            bitPattern: UInt32(raw.loadUnaligned(fromByteOffset: o, as: UInt16.self).littleEndian) << 16
                        )
                    case .i64: out[i] = Float(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: o, as: Int64.self)))
                    case .i32: out[i] = Float(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: o, as: Int32.self)))
                    case .u8: out[i] = Float(raw[o])
                    }
                }
            }
        }
    }

    /// Parses a safetensors file's bytes; `origin` names it in errors.
    public init(data: Data, origin: String) throws {
        self.origin = origin
        guard data.count >= 8 else { throw FormatError.truncated(origin, needed: 8, available: data.count) }
        let headerLength = data.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        guard headerLength <= UInt64(data.count - 8) else {
            throw FormatError.truncated(origin, needed: 8 + Int(clamping: headerLength), available: data.count)
        }
        let headerEnd = 8 + Int(headerLength)
        let json: Any
        do {
            json = try JSONSerialization.jsonObject(with: data.subdata(in: 8..<headerEnd))
        } catch {
            throw FormatError.badHeader(origin, reason: "header is not JSON (\(error.localizedDescription))")
        }
        guard let header = json as? [String: Any] else {
            throw FormatError.badHeader(origin, reason: "header is not a JSON object")
        }
        let body = data.subdata(in: headerEnd..<data.count)
        entries = [:]
        metadata = (header["__metadata__"] as? [String: String]) ?? [:]
        for (name, value) in header where name != "__metadata__" {
            guard let info = value as? [String: Any],
                let dtypeName = info["dtype"] as? String,
                let dims = info["shape"] as? [Int],
                let offsets = info["data_offsets"] as? [Int], offsets.count == 2
            else { throw FormatError.badEntry(origin, tensor: name, reason: "needs dtype, shape and data_offsets") }
            guard let dtype = DType(rawValue: dtypeName) else {
                throw FormatError.badEntry(origin, tensor: name, reason: "unsupported dtype \(dtypeName)")
            }
            guard dims.allSatisfy({ $0 >= 0 }) else {
                throw FormatError.badEntry(origin, tensor: name, reason: "negative dimension in \(dims)")
            }
            // This target compiles without overflow checks: bound the element count explicitly.
            var elements = 1
            for d in dims {
                let (product, overflow) = elements.multipliedReportingOverflow(by: d)
                guard !overflow, product <= body.count else {
                    throw FormatError.badEntry(
                        origin, tensor: name, reason: "shape \(dims) holds more elements than the file has bytes")
                }
                elements = product
            }
            let shape = Shape(dims)
            let (begin, end) = (offsets[0], offsets[1])
            guard begin >= 0, end >= begin, end <= body.count else {
                throw FormatError.badEntry(
                    origin, tensor: name, reason: "data_offsets \(offsets) outside the \(body.count)-byte body")
            }
            guard end - begin == shape.count * dtype.byteSize else {
                throw FormatError.badEntry(
                    origin, tensor: name,
                    reason: "\(end - begin) bytes for shape \(shape) of \(dtypeName)")
            }
            entries[name] = Entry(dtype: dtype, shape: shape, bytes: body.subdata(in: begin..<end))
        }
    }

    /// Reads a safetensors file.
    public init(contentsOf url: URL) throws {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw FormatError.unreadable(
                url.path,
                reason: FileManager.default.fileExists(atPath: url.path) ? error.localizedDescription : "no such file")
        }
        try self.init(data: data, origin: url.path)
    }

    /// The file's bytes, tensors laid out in name order.
    public func serialized() -> Data {
        var header: [String: Any] = [:]
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var offset = 0
        let names = entries.keys.sorted()
        for name in names {
            let e = entries[name]!
            header[name] =
                ["dtype": e.dtype.rawValue, "shape": e.shape.dims, "data_offsets": [offset, offset + e.bytes.count]]
                as [String: Any]
            offset += e.bytes.count
        }
        var json = try! JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        // Pad the header with spaces so the data starts 8-byte aligned, as safetensors does.
        while (8 + json.count) % 8 != 0 { json.append(0x20) }
        var out = Data()
        var length = UInt64(json.count).littleEndian
        out.append(Data(bytes: &length, count: 8))
        out.append(json)
        for name in names { out.append(entries[name]!.bytes) }
        return out
    }
}
