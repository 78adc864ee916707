import Foundation
import KDTensor

/// `kdbench gemm [--rounds R] [--reps N]`: kdflow's sgemm against NumPy/OpenBLAS on square and
/// im2col-shaped products, 1 and 2 threads. Each round times a batch of N calls of kdflow and
/// one of NumPy for every case, so machine noise hits both alike; medians are over R·N calls.
///
/// Each batch follows a pause (so the other side's spinning threads have parked) and starts
/// with `warmUpSeconds` of untimed calls: cores idle for the pause run the first calls up to
/// 4× slower (measured for both libraries at 256³), which would otherwise time the waking
/// machine. Rounds alternate which side goes first. GFLOP/s are medians over all calls; the
/// ratio is the median over rounds of each round's ratio of medians.
func runGEMMBenchmark(_ args: [String]) throws {
    let rounds = intOption("--rounds", in: args) ?? 10
    let reps = intOption("--reps", in: args) ?? 5
    let shapes: [(m: Int, n: Int, k: Int)] = [
        (256, 256, 256), (512, 512, 512), (1024, 1024, 1024),
        (128 * 26 * 26, 32, 9), (128 * 24 * 24, 64, 288),
    ]
    let only = args.firstIndex(of: "--shape").map { args[$0 + 1] }
    let threadList = args.firstIndex(of: "--threads").map { [Int(args[$0 + 1])!] } ?? [1, 2]
    let cases = shapes.filter { only == nil || "\($0.m)x\($0.n)x\($0.k)" == only }.flatMap { shape in threadList.map { GEMMCase(m: shape.m, n: shape.n, k: shape.k, threads: $0) } }

    let reference: NumPyReference
    do {
        reference = try NumPyReference()
    } catch {
        FileHandle.standardError.write(Data("kdbench gemm: \(error)\n".utf8))
        exit(1)
    }
    defer { reference.close() }
    print("reference: \(reference.description)")

    var kdflowSeconds = [[[Double]]](repeating: [], count: cases.count)
    var numpySeconds = [[[Double]]](repeating: [], count: cases.count)
    for round in 0..<rounds {
        for (index, test) in cases.enumerated() {
            for kdflowTurn in round % 2 == 0 ? [true, false] : [false, true] {
                // OpenBLAS worker threads busy-wait for about 2^28 cycles (~0.1 s) after a call,
                // kdflow's for 5 ms: let them park so they do not steal a core from the other.
                Thread.sleep(forTimeInterval: 0.25)
                if kdflowTurn {
                    kdflowSeconds[index].append(test.timeKDFlow(reps: reps))
                } else {
                    numpySeconds[index].append(try reference.time(test, reps: reps))
                }
            }
        }
    }

    print("shape (m×n×k)        threads  kdflow GFLOP/s  numpy GFLOP/s  ratio")
    var ratios: [String: Double] = [:]
    for (index, test) in cases.enumerated() {
        let kdflow = test.flops / median(kdflowSeconds[index].flatMap { $0 }) / 1e9
        let numpy = test.flops / median(numpySeconds[index].flatMap { $0 }) / 1e9
        // The machine's speed drifts between rounds; each round's two batches run within a
        // second of each other, so the ratio is taken per round, then its median.
        let ratio = median(zip(kdflowSeconds[index], numpySeconds[index]).map { median($1) / median($0) })
        ratios["gemm_\(test.m)x\(test.n)x\(test.k)_t\(test.threads)"] = (ratio * 1000).rounded() / 1000
        let shape = "\(test.m)×\(test.n)×\(test.k)".padding(toLength: 20, withPad: " ", startingAt: 0)
        print("\(shape) \(pad(test.threads, 7))  \(pad(kdflow, 14))  \(pad(numpy, 13))  \(pad(ratio, 5, digits: 3))")
    }
    ratios["gemm_ratio_min"] = ratios.values.min()
    let json = try JSONSerialization.data(withJSONObject: ratios, options: [.sortedKeys])
    print(String(decoding: json, as: UTF8.self))
}

/// Untimed calls before each batch, on both sides (reference/gemm.py uses the same).
private let warmUpSeconds = 0.02

/// One benchmarked product C = A·B (row-major, no transposes) with its operands.
private struct GEMMCase {
    let m: Int, n: Int, k: Int, threads: Int
    var flops: Double { 2 * Double(m) * Double(n) * Double(k) }

    /// Seconds of `reps` calls, after `warmUpSeconds` of untimed calls.
    func timeKDFlow(reps: Int) -> [Double] {
        var state: UInt32 = 12345
        func next() -> Float {
            state = state &* 1_664_525 &+ 1_013_904_223
            return Float(state >> 8) / Float(1 << 23) - 1
        }
        let a = alignedFloats(m * k), b = alignedFloats(k * n), c = alignedFloats(m * n)
        defer { [a, b, c].forEach { $0.deallocate() } }
        for i in 0..<m * k { a[i] = next() }
        for i in 0..<k * n { b[i] = next() }
        c.initialize(repeating: 0, count: m * n)
        func multiply() {
            GEMM.sgemm(transA: false, transB: false, m: m, n: n, k: k, a: a, lda: k, b: b, ldb: n,
                       c: c, ldc: n, threads: threads)
        }
        let warmUpEnd = DispatchTime.now().uptimeNanoseconds + UInt64(warmUpSeconds * 1e9)
        repeat { multiply() } while DispatchTime.now().uptimeNanoseconds < warmUpEnd
        return (0..<reps).map { _ in
            let start = DispatchTime.now().uptimeNanoseconds
            multiply()
            return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        }
    }

    /// Operands start on a cache line on both sides (here and in reference/gemm.py), as
    /// PyTorch's CPU allocator places every tensor.
    private func alignedFloats(_ count: Int) -> UnsafeMutablePointer<Float> {
        UnsafeMutableRawPointer.allocate(byteCount: count * MemoryLayout<Float>.stride, alignment: 64)
            .bindMemory(to: Float.self, capacity: count)
    }
}

/// The long-running `reference/gemm.py` process. OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are
/// removed from its environment (they select slower kernels in current OpenBLAS builds), as are
/// thread-count variables, which would cap what threadpoolctl can set.
private final class NumPyReference {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    let description: String
    private let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private var pending = Data()

    init() throws {
        let script = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("reference/gemm.py")
        var environment = ProcessInfo.processInfo.environment
        for name in ["OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"] {
            environment[name] = nil
        }
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [environment["KDBENCH_PYTHON"] ?? "python3", script.path]
        process.environment = environment
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        let header = try Self.readLine(from: output, pending: &pending)
        guard let info = try? JSONSerialization.jsonObject(with: Data(header.utf8)) as? [String: Any] else {
            throw Failure(description: "reference/gemm.py did not start: \(header)")
        }
        if let error = info["error"] as? String {
            throw Failure(description: "NumPy reference unavailable: \(error)")
        }
        let blas = (info["blas"] as? [[String: Any]] ?? []).map { library in
            "\(library["internal_api"] ?? "?") \(library["version"] ?? "?") coretype=\(library["architecture"] ?? "?")"
        }
        description = "numpy \(info["numpy"] ?? "?"), \(blas.isEmpty ? "no BLAS reported" : blas.joined(separator: ", "))"
    }

    func time(_ test: GEMMCase, reps: Int) throws -> [Double] {
        input.fileHandleForWriting.write(Data("time \(test.m) \(test.n) \(test.k) \(test.threads) \(reps)\n".utf8))
        let line = try Self.readLine(from: output, pending: &pending)
        guard let seconds = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [Double] else {
            throw Failure(description: "unexpected reply from reference/gemm.py: \(line)")
        }
        return seconds
    }

    func close() {
        input.fileHandleForWriting.write(Data("quit\n".utf8))
        process.waitUntilExit()
    }

    private static func readLine(from pipe: Pipe, pending: inout Data) throws -> String {
        while true {
            if let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: pending[..<newline], as: UTF8.self)
                pending.removeSubrange(...newline)
                return line
            }
            let chunk = pipe.fileHandleForReading.availableData
            if chunk.isEmpty { throw Failure(description: "reference/gemm.py exited early") }
            pending.append(chunk)
        }
    }
}

private func intOption(_ name: String, in args: [String]) -> Int? {
    guard let index = args.firstIndex(of: name), index + 1 < args.count else { return nil }
    return Int(args[index + 1])
}

private func pad(_ value: Int, _ width: Int) -> String {
    String(repeating: " ", count: max(0, width - String(value).count)) + String(value)
}

private func pad(_ value: Double, _ width: Int, digits: Int = 1) -> String {
    let text = String(format: "%.\(digits)f", value)
    return String(repeating: " ", count: max(0, width - text.count)) + text
}
