import ArgumentParser
import Foundation
import KDTensor

/// Float tensors as NumPy `.npy` files (format 1.0/2.0, C order, little-endian f4/f8 and integer
/// labels on read; f4 on write).
enum NPYTensor {
    static func read(_ url: URL) throws -> Tensor {
        func fail(_ why: String) -> InputError { InputError("\(url.path): \(why)") }
        guard let data = FileManager.default.contents(atPath: url.path) else { throw fail("cannot be read") }
        let bytes = [UInt8](data)
        guard bytes.count >= 10, bytes[0] == 0x93, String(decoding: bytes[1..<6], as: UTF8.self) == "NUMPY" else {
            throw fail("not a .npy file")
        }
        let major = bytes[6]
        let lengthSize = major == 1 ? 2 : 4
        let headerLength = (0..<lengthSize).reduce(0) { $0 | Int(bytes[8 + $1]) << (8 * $1) }
        let start = 8 + lengthSize + headerLength
        guard bytes.count >= start else { throw fail("truncated header") }
        let header = String(decoding: bytes[(8 + lengthSize)..<start], as: UTF8.self)
        guard !header.contains("'fortran_order': True") else {
            throw fail("Fortran order is not supported; save C order")
        }
        guard let descr = header.firstMatch(of: /'descr':\s*'([^']+)'/)?.1,
            let shapeText = header.firstMatch(of: /'shape':\s*\(([^)]*)\)/)?.1
        else { throw fail("unreadable header \(header)") }
        let parts = shapeText.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter {
            !$0.isEmpty
        }
        let shape = parts.compactMap { Int($0) }
        guard shape.count == parts.count, shape.allSatisfy({ $0 >= 0 }) else {
            throw fail("unreadable shape (\(shapeText))")
        }
        guard
            let count = shape.reduce(
                Optional(1),
                { total, dim in
                    total.flatMap { $0.multipliedReportingOverflow(by: dim) }.flatMap {
                        $0.overflow ? nil : $0.partialValue
                    }
                }),
            count <= bytes.count
        else { throw fail("shape \(shape) holds more elements than the file has bytes") }
        let size: Int
        let decode: (UnsafeRawBufferPointer, Int) -> Float
        switch descr {
        case "<f4":
            size = 4
            decode = { Float(bitPattern: UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: $1, as: UInt32.self))) }
        case "<f8":
            size = 8
            decode = {
                Float(Double(bitPattern: UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: $1, as: UInt64.self))))
            }
        case "<i8":
            size = 8
            decode = { Float(Int64(littleEndian: $0.loadUnaligned(fromByteOffset: $1, as: Int64.self))) }
        case "<i4":
            size = 4
            decode = { Float(Int32(littleEndian: $0.loadUnaligned(fromByteOffset: $1, as: Int32.self))) }
        default: throw fail("dtype \(descr) unsupported (need <f4, <f8, <i4 or <i8)")
        }
        guard bytes.count - start >= count * size else { throw fail("payload shorter than shape \(shape)") }
        let scalars = bytes[start...].withUnsafeBytes { raw in (0..<count).map { decode(raw, $0 * size) } }
        return Tensor(shape: Shape(shape), scalars: scalars)
    }

    static func write(_ tensor: Tensor, to url: URL) throws {
        let dims = tensor.shape.dims.map(String.init).joined(separator: ", ") + (tensor.shape.rank == 1 ? "," : "")
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (\(dims)), }"
        // Magic (6) + version (2) + length (2) + header + newline, padded to a multiple of 64.
        header += String(repeating: " ", count: (64 - (10 + header.utf8.count + 1) % 64) % 64) + "\n"
        var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
        data.append(contentsOf: [UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)])
        data.append(contentsOf: Array(header.utf8))
        for s in tensor.scalars { withUnsafeBytes(of: s.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        try data.write(to: url, options: .atomic)
    }
}
