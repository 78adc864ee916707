import Foundation

// `kdbench NAME [args…]`: one entry per benchmark; `Benchmarks/run NAME` builds and calls it
// beside the Python reference of the same name.
let registry: [String: ([String]) throws -> Void] = [
    "cache": runCacheBenchmark,
    "data": runDataBenchmark,
    "gemm": runGEMMBenchmark,
    "kd-table": runKDTableBenchmark,
    "pipeline": runPipelineBenchmark,
    "scale": runScaleBenchmark,
    "store-accuracy": runStoreAccuracyBenchmark,
    "teacher-forward": runTeacherForwardBenchmark,
    "train-step": runTrainStepBenchmark,
]

let args = Array(CommandLine.arguments.dropFirst())
guard let name = args.first, let bench = registry[name] else {
    let names = registry.keys.sorted().joined(separator: ", ")
    FileHandle.standardError.write("usage: kdbench NAME [args…]; names: \(names)\n".data(using: .utf8)!)
    exit(2)
}
try bench(Array(args.dropFirst()))
