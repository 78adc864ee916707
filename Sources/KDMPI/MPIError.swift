import CMPI

/// An MPI call returned an error code.
struct MPIError: Error, CustomStringConvertible {
    public let call: String, code: Int32, message: String
    public var description: String { "\(call) failed (code \(code)): \(message)" }

    static func check(_ code: Int32, _ call: String) throws {
        guard code != MPI_SUCCESS else { return }
        var text = [CChar](repeating: 0, count: Int(MPI_MAX_ERROR_STRING))
        var length: Int32 = 0
        MPI_Error_string(code, &text, &length)
        throw MPIError(
            call: call, code: code,
            message: String(decoding: text.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }
}
