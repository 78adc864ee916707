import Foundation

/// Runs a command and returns its last stdout line parsed as a JSON object (the convention of
/// every kdbench worker and Python reference script).
func runJSONWorker(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> [String:
    Any]
{
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    var env = ProcessInfo.processInfo.environment
    for (k, v) in environment { env[k] = v }
    process.environment = env
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let text = String(decoding: data, as: UTF8.self)
    guard process.terminationStatus == 0,
        let last = text.split(separator: "\n").last,
        let object = try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any]
    else {
        throw WorkerError(
            command: ([executable] + arguments).joined(separator: " "), status: process.terminationStatus, output: text)
    }
    return object
}

/// Runs a command (in `directory`, with `environment` added) with its output on standard error,
/// throwing when it fails.
func runChecked(
    _ executable: String, _ arguments: [String], in directory: URL? = nil,
    environment: [String: String] = [:]
) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    if let directory { process.currentDirectoryURL = directory }
    process.standardOutput = FileHandle.standardError
    try process.run()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        throw WorkerError(
            command: ([executable] + arguments).joined(separator: " "), status: process.terminationStatus, output: "")
    }
}

/// The epoch records of a run's `metrics.jsonl`, in order.
func epochRecords(_ run: URL) throws -> [[String: Any]] {
    try String(contentsOf: run.appendingPathComponent("metrics.jsonl"), encoding: .utf8).split(separator: "\n")
        .compactMap { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        .filter { $0["kind"] as? String == "epoch" }
}

struct WorkerError: Error, CustomStringConvertible {
    let command: String
    let status: Int32
    let output: String
    var description: String { "worker `\(command)` failed (exit \(status)):\n\(output.suffix(2000))" }
}

/// Runs `kdflow run` with `arguments`; false when its loss went non-finite (exit status 3, the
/// run's result), throwing on any other failure.
func runKdflowUnlessDiverged(_ arguments: [String]) throws -> Bool {
    do {
        try runChecked(".build/release/kdflow", ["run"] + arguments)
        return true
    } catch let error as WorkerError where error.status == 3 {
        return false
    }
}

/// The Python reference scripts beside this package.
let referenceDirectory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("reference")

/// The python3 on PATH.
let python = ProcessInfo.processInfo.environment["PYTHON"] ?? "/usr/bin/env"
let pythonPrefix = ProcessInfo.processInfo.environment["PYTHON"] == nil ? ["python3"] : []

/// Environment for a reference process: OpenBLAS's coretype overrides slow a current NumPy here.
let referenceEnvironment = ["OPENBLAS_CORETYPE": "", "OPENBLAS_L2_SIZE": ""]

/// Peak resident memory of this process in MiB.
func peakMemoryMiB() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
}

/// Median of a non-empty list.
func median(_ xs: [Double]) -> Double {
    let s = xs.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

/// Prints a JSON object as one line.
func printJSONLine(_ object: [String: Any]) {
    let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    print(String(decoding: data, as: UTF8.self))
}
