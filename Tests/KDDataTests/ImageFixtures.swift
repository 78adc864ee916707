import Foundation
import KDData

/// `Fixtures/images.json` (PIL's decode, conversions and resizes of the fixture images, written by
/// `Fixtures/make_image_fixtures.py`) and helpers to lay the fixtures out as image folders.
struct ImageFixtures: Decodable {
    struct Decoded: Decodable {
        let width: Int, height: Int, mode: String
        /// PIL's `convert('RGB')` and `convert('L')`, row-major, RGB interleaved.
        let rgb: [UInt8], l: [UInt8]
    }

    struct Resized: Decodable {
        let file: String, channels: Int, width: Int, height: Int
        let pixels: [UInt8]
    }

    let decoded: [String: Decoded]
    let resized: [Resized]

    static let directory = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!

    static func load() throws -> ImageFixtures {
        try JSONDecoder().decode(
            ImageFixtures.self, from: Data(contentsOf: directory.appendingPathComponent("images.json")))
    }

    static func url(_ name: String) -> URL { directory.appendingPathComponent(name) }

    /// Copies fixture `name` to `folder/as` (creating `folder`).
    static func copy(_ name: String, to folder: URL, as target: String? = nil) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: url(name), to: folder.appendingPathComponent(target ?? name))
    }

    /// Interleaved H×W×C pixels as C×H×W planes.
    static func planar(_ pixels: [UInt8], channels: Int) -> [UInt8] {
        let plane = pixels.count / channels
        return (0..<channels).flatMap { c in (0..<plane).map { pixels[$0 * channels + c] } }
    }
}
