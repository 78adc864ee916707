import Foundation

/// A long-running Python reference script (`reference/NAME.py`) that the driver interleaves its
/// own measurements with: it prints one JSON header line, then answers each request line with
/// one JSON line. OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are removed from its environment (they
/// select slower kernels in current OpenBLAS builds), as are thread-count variables, which would
/// cap what the script can set.
final class ReferenceServer {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// The header line, parsed.
    private(set) var header: [String: Any] = [:]
    private let name: String
    private let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private var pending = Data()

    /// Starts `reference/<script>` with `arguments`; throws the script's `error` if its header has one.
    init(script: String, arguments: [String] = []) throws {
        name = "reference/\(script)"
        var environment = ProcessInfo.processInfo.environment
        for variable in ["OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"] {
            environment[variable] = nil
        }
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = pythonPrefix + [referenceDirectory.appendingPathComponent(script).path] + arguments
        process.environment = environment
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        let line = try readLine()
        guard let info = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            throw Failure(description: "\(name) did not start: \(line)")
        }
        if let error = info["error"] as? String { throw Failure(description: "\(name): \(error)") }
        header = info
    }

    /// Sends one request line and returns the reply, parsed.
    func request(_ line: String) throws -> Any {
        input.fileHandleForWriting.write(Data((line + "\n").utf8))
        let reply = try readLine()
        guard let value = try? JSONSerialization.jsonObject(with: Data(reply.utf8)) else {
            throw Failure(description: "unexpected reply from \(name): \(reply)")
        }
        return value
    }

    /// Seconds of a `time …` request.
    func seconds(_ line: String) throws -> [Double] {
        guard let seconds = try request(line) as? [Double] else {
            throw Failure(description: "\(name): no timings for `\(line)`")
        }
        return seconds
    }

    func close() {
        input.fileHandleForWriting.write(Data("quit\n".utf8))
        process.waitUntilExit()
    }

    private func readLine() throws -> String {
        while true {
            if let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: pending[..<newline], as: UTF8.self)
                pending.removeSubrange(...newline)
                return line
            }
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { throw Failure(description: "\(name) exited early") }
            pending.append(chunk)
        }
    }
}
