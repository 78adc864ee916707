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
    let cases = shapes.filter { only == nil || "\($0.m)x\($0.n)x\($0.k)" == only }.flatMap { shape in
        threadList.map { GEMMCase(m: shape.m, n: shape.n, k: shape.k, threads: $0) }
    }

    let reference: ReferenceServer
    do {
        reference = try ReferenceServer(script: "gemm.py")
    } catch {
        FileHandle.standardError.write(Data("kdbench gemm: \(error)\n".utf8))
        exit(1)
    }
    defer { reference.close() }
    let blas = (reference.header["blas"] as? [[String: Any]] ?? []).map { library in
        "\(library["internal_api"] ?? "?") \(library["version"] ?? "?") coretype=\(library["architecture"] ?? "?")"
    }
    print(
        "reference: numpy \(reference.header["numpy"] ?? "?"), \(blas.isEmpty ? "no BLAS reported" : blas.joined(separator: ", "))"
    )

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
                    numpySeconds[index].append(
                        try reference.seconds("time \(test.m) \(test.n) \(test.k) \(test.threads) \(reps)"))
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
        defer { for buffer in [a, b, c] { buffer.deallocate() } }
        for i in 0..<m * k { a[i] = next() }
        for i in 0..<k * n { b[i] = next() }
        c.initialize(repeating: 0, count: m * n)
        func multiply() {
            GEMM.sgemm(
                transA: false, transB: false, m: m, n: n, k: k, a: a, lda: k, b: b, ldb: n,
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
