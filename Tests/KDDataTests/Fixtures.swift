import Foundation
import KDData

/// A fresh temporary directory, removed by `cleanup()`.
struct TempDir {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("kddata-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> URL { url.appendingPathComponent(name) }

    func write(_ bytes: [UInt8], _ name: String) throws -> URL {
        let u = file(name)
        try Data(bytes).write(to: u)
        return u
    }

    /// Names in the directory, hidden ones included, sorted.
    func contents() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []).sorted()
    }

    func cleanup() { try? FileManager.default.removeItem(at: url) }
}

/// Small synthetic inputs in every supported format.
enum Synthetic {
    /// Pixel value of sample `n` at element `i`: varied but predictable.
    static func pixel(_ n: Int, _ i: Int) -> UInt8 { UInt8(truncatingIfNeeded: n &* 31 &+ i &* 7 &+ (n * i) % 13) }

    static func images(count: Int, elements: Int) -> [UInt8] {
        (0..<count).flatMap { n in (0..<elements).map { pixel(n, $0) } }
    }

    static func labels(count: Int, classes: Int) -> [Int] { (0..<count).map { ($0 * 7 + 3) % classes } }

    static func idxImages(count: Int, height: Int, width: Int) -> [UInt8] {
        var b: [UInt8] = [0, 0, 8, 3]
        for d in [count, height, width] { b += bigEndian(UInt32(d)) }
        return b + images(count: count, elements: height * width)
    }

    static func idxLabels(_ labels: [Int]) -> [UInt8] {
        [0, 0, 8, 1] + bigEndian(UInt32(labels.count)) + labels.map { UInt8($0) }
    }

    static func cifar10(count: Int) -> [UInt8] {
        let px = images(count: count, elements: 3072), ls = labels(count: count, classes: 10)
        return (0..<count).flatMap { [UInt8(ls[$0])] + px[($0 * 3072)..<(($0 + 1) * 3072)] }
    }

    static func npy(descr: String, shape: [Int], payload: [UInt8]) -> [UInt8] {
        let dims = shape.map(String.init).joined(separator: ", ") + (shape.count == 1 ? "," : "")
        var header = "{'descr': '\(descr)', 'fortran_order': False, 'shape': (\(dims)), }"
        while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        return [0x93] + Array("NUMPY".utf8) + [1, 0] + littleEndian(UInt16(header.utf8.count)) + Array(header.utf8)
            + payload
    }

    static func csv(count: Int, side: Int, header: Bool) -> String {
        var lines = header ? ["label," + (1...(side * side)).map { "pixel\($0)" }.joined(separator: ",")] : []
        let ls = labels(count: count, classes: 10)
        for n in 0..<count {
            lines.append(([String(ls[n])] + (0..<(side * side)).map { String(pixel(n, $0)) }).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func table(count: Int, classes: Int = 10, labeled: Bool = true, side: Int = 6) -> SampleTable {
        SampleTable(
            layout: SampleLayout(pixelType: .uint8, channels: 1, height: side, width: side),
            pixels: images(count: count, elements: side * side),
            labels: labeled ? labels(count: count, classes: classes) : nil,
            classes: (0..<classes).map(String.init), sources: [])
    }

    static func bigEndian(_ v: UInt32) -> [UInt8] { withUnsafeBytes(of: v.bigEndian, Array.init) }
    static func littleEndian<T: FixedWidthInteger>(_ v: T) -> [UInt8] {
        withUnsafeBytes(of: v.littleEndian, Array.init)
    }
}

/// Deterministic corruptions of a valid input: every truncation up to `limit` plus bytes near
/// the ends, and single-byte flips at spread positions.
enum Corruptions {
    static func truncations(_ bytes: [UInt8], limit: Int = 96) -> [[UInt8]] {
        var cuts = Set(0..<min(limit, bytes.count))
        for k in 1...min(limit, bytes.count) { cuts.insert(bytes.count - k) }
        return cuts.sorted().map { Array(bytes.prefix($0)) }
    }

    static func flips(_ bytes: [UInt8], positions: Int = 200) -> [(Int, [UInt8])] {
        let stride = max(1, bytes.count / positions)
        var out = [(Int, [UInt8])]()
        var p = 0
        while p < bytes.count {
            var b = bytes
            b[p] ^= 0x5A
            out.append((p, b))
            p += p < 96 ? 1 : stride
        }
        return out
    }
}
