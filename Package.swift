// swift-tools-version:6.0
import PackageDescription
import Foundation

// Kernels must be compiled for a CPU with native FMA: without a target CPU, SIMD `addProduct`
// lowers to `fmaf` library calls (~0.7 GFLOP/s). KDFLOW_TARGET_CPU picks the CPU
// (default `native`; e.g. `x86-64-v3` for a portable AVX2+FMA build, `generic` for none).
let targetCPU = ProcessInfo.processInfo.environment["KDFLOW_TARGET_CPU"] ?? "native"
let cpuFlags: [SwiftSetting] = targetCPU == "generic" ? [] : [.unsafeFlags(["-target-cpu", targetCPU])]
// Only the kernels (KDTensor: loops over buffers whose sizes the layers above have checked) drop
// Swift's runtime checks; every target that reads files, arrays or options keeps them. The tensor
// kernels are optimised in debug builds too, so `swift test` trains real models in seconds.
let kernelFlags: [SwiftSetting] = cpuFlags + [.unsafeFlags(["-Ounchecked"], .when(configuration: .release)),
                                             .unsafeFlags(["-O"], .when(configuration: .debug))]
// Hashing, checksums and fp16 packing run per sample on the teacher stage: optimised in debug too.
let cacheFlags: [SwiftSetting] = cpuFlags + [.unsafeFlags(["-O"], .when(configuration: .debug))]

let package = Package(
    name: "kdflow",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "KDTensor", targets: ["KDTensor"]),
        .library(name: "KDAutodiff", targets: ["KDAutodiff"]),
        .library(name: "KDNN", targets: ["KDNN"]),
        .library(name: "KDLoss", targets: ["KDLoss"]),
        .library(name: "KDData", targets: ["KDData"]),
        .library(name: "KDPipeline", targets: ["KDPipeline"]),
        .library(name: "KDCache", targets: ["KDCache"]),
        .library(name: "KDTraining", targets: ["KDTraining"]),
        .executable(name: "kdflow", targets: ["kdflow"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // Thread placement calls that glibc declares only under _GNU_SOURCE, and a prefetch builtin.
        .systemLibrary(name: "CSched"),
        .target(name: "KDTensor", dependencies: ["CSched"], swiftSettings: kernelFlags),
        .target(name: "KDAutodiff", dependencies: ["KDTensor"], swiftSettings: cpuFlags),
        .target(name: "KDNN", dependencies: ["KDAutodiff"], swiftSettings: cpuFlags),
        .target(name: "KDLoss", dependencies: ["KDAutodiff"], swiftSettings: cpuFlags),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // Image decoding for `import folder` and `predict`: libpng's simplified API, libjpeg(-turbo).
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CJPEG", pkgConfig: "libjpeg", providers: [.apt(["libjpeg-dev"])]),
        .target(name: "KDData", dependencies: ["KDTensor", "CZlib", "CPNG", "CJPEG"], swiftSettings: cpuFlags),
        .target(name: "KDPipeline", dependencies: [.product(name: "Yams", package: "Yams")]),
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CLZ4", pkgConfig: "liblz4", providers: [.apt(["liblz4-dev"])]),
        .target(name: "KDCache", dependencies: ["KDTensor", "CZstd", "CLZ4"], swiftSettings: cacheFlags),
        .target(name: "KDTraining", dependencies: ["KDNN", "KDLoss", "KDData", "KDPipeline", "KDCache"], swiftSettings: cpuFlags),
        // ONNX export: the protobuf writer and the model-to-graph lowering (for the CLI only).
        .target(name: "KDExport", dependencies: ["KDNN"]),
        .executableTarget(
            name: "kdflow",
            dependencies: ["KDTraining", "KDCache", "KDExport", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: cpuFlags),
        .testTarget(name: "KDTensorTests", dependencies: ["KDTensor", "KDGradCheck"], resources: [.copy("Fixtures")]),
        // Seeded inputs and the finite-difference gradient check, shared by the test targets.
        .target(name: "KDGradCheck", dependencies: ["KDAutodiff"], path: "Tests/KDGradCheck"),
        .testTarget(name: "KDAutodiffTests", dependencies: ["KDAutodiff", "KDGradCheck"]),
        .testTarget(name: "KDNNTests", dependencies: ["KDNN", "KDLoss", "KDGradCheck"], resources: [.copy("Fixtures")]),
        .testTarget(name: "KDDataTests", dependencies: ["KDData"], resources: [.copy("Fixtures")]),
        .testTarget(name: "KDPipelineTests", dependencies: ["KDPipeline"]),
        .testTarget(name: "KDCacheTests", dependencies: ["KDCache"], resources: [.copy("Fixtures")]),
        .testTarget(name: "KDTrainingTests", dependencies: ["KDTraining", "KDCache"], resources: [.copy("Pipelines")]),
        .testTarget(name: "KDExportTests", dependencies: ["KDExport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "KDLossTests", dependencies: ["KDLoss", "KDGradCheck"], resources: [.copy("Fixtures")]),
    ]
)

// Data-parallel training over Open MPI only when asked for: KDFLOW_MPI=1 adds the CMPI and KDMPI
// targets, links KDMPI into kdflow and marks kdflow and the tests that launch `mpirun` with
// KDFLOW_MPI, so the package builds and tests where MPI is absent.
if ProcessInfo.processInfo.environment["KDFLOW_MPI"] == "1" {
    package.targets += [
        .systemLibrary(name: "CMPI", pkgConfig: "ompi-c", providers: [.apt(["libopenmpi-dev"])]),
        .target(name: "KDMPI", dependencies: ["KDTraining", "CMPI"]),
    ]
    for target in package.targets where ["kdflow", "KDTrainingTests"].contains(target.name) {
        target.swiftSettings = (target.swiftSettings ?? []) + [.define("KDFLOW_MPI")]
        if target.name == "kdflow" { target.dependencies.append("KDMPI") }
    }
}
