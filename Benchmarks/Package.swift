// swift-tools-version:6.0
import PackageDescription
import Foundation

// Same CPU target as the root package, so kernels inlined here are compiled the same way.
let targetCPU = ProcessInfo.processInfo.environment["KDFLOW_TARGET_CPU"] ?? "native"
let flags: [SwiftSetting] = targetCPU == "generic" ? [] : [.unsafeFlags(["-target-cpu", targetCPU])]

let package = Package(
    name: "kdflow-benchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [.package(name: "kdflow", path: "../")],
    targets: [
        .executableTarget(
            name: "kdbench",
            dependencies: [
                .product(name: "KDTensor", package: "kdflow"),
                .product(name: "KDAutodiff", package: "kdflow"),
                .product(name: "KDNN", package: "kdflow"),
                .product(name: "KDLoss", package: "kdflow"),
                .product(name: "KDData", package: "kdflow"),
                .product(name: "KDTraining", package: "kdflow"),
            ],
            swiftSettings: flags),
    ]
)
