import Foundation
import Testing
@testable import KDData

/// PNG and JPEG decoding, conversion and resizing against PIL's, and folder imports.
@Suite struct FolderImportTests {
    let fixtures: ImageFixtures
    init() throws { fixtures = try ImageFixtures.load() }

    static let pngs = ["rgb.png", "gray.png", "rgba.png", "palette.png", "large.png"]
    static let jpegs = ["rgb.jpg", "gray.jpg"]

    /// The largest per-pixel difference between `a` and `b` (equal lengths required).
    func maxDifference(_ a: [UInt8], _ b: [UInt8]) -> Int {
        guard a.count == b.count else { return .max }
        return zip(a, b).map { abs(Int($0) - Int($1)) }.max() ?? 0
    }

    /// Decoded in the file's own channels (grey stays grey, alpha and palettes become RGB), then
    /// converted to 1 and 3 channels, every pixel as PIL decodes and converts it.
    @Test(arguments: pngs + jpegs) func decodesAndConvertsAsPIL(_ name: String) throws {
        let expected = try #require(fixtures.decoded[name])
        let image = try DecodedImage.read(ImageFixtures.url(name)).image
        #expect(image.width == expected.width && image.height == expected.height)
        #expect(image.channels == (expected.mode == "L" ? 1 : 3))
        // libjpeg-turbo 2.1 (Debian) and PIL's bundled 3.x decode the fixtures identically: exact for both formats.
        #expect(image.pixels == (expected.mode == "L" ? expected.l : expected.rgb))
        for (channels, pil) in [(3, expected.rgb), (1, expected.l)] {
            let sample = try FolderImporter.sample(
                ImageFixtures.url(name), channels: channels, height: image.height, width: image.width)
            #expect(sample == ImageFixtures.planar(pil, channels: channels), "\(name) as \(channels) channel(s)")
        }
    }

    /// Shrinking (antialiased) and enlarging, grey and RGB: exactly PIL's bilinear resize.
    @Test func resizesAsPILBilinear() throws {
        for r in fixtures.resized {
            let sample = try FolderImporter.sample(
                ImageFixtures.url(r.file), channels: r.channels, height: r.height, width: r.width)
            #expect(
                maxDifference(sample, ImageFixtures.planar(r.pixels, channels: r.channels)) == 0,
                "\(r.file) to \(r.height)×\(r.width)×\(r.channels)")
        }
    }

    @Test func importsClassFoldersInNameOrder() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let root = dir.file("images")
        try ImageFixtures.copy("rgb.png", to: root.appendingPathComponent("zebra"), as: "b.png")
        try ImageFixtures.copy("gray.jpg", to: root.appendingPathComponent("zebra"), as: "a.JPG")
        try ImageFixtures.copy("palette.png", to: root.appendingPathComponent("ant"))
        try Data().write(to: root.appendingPathComponent("ant/.DS_Store"))
        let options = FolderImporter.Options(channels: 1, height: 6, width: 8)
        let m = try DatasetImport.run(.folder(root, options), name: "pics", to: dir.file("out"))[0]
        #expect(m.classes == ["ant", "zebra"] && m.classCounts == [1, 2] && m.labeled)
        #expect(m.layout == SampleLayout(pixelType: .uint8, channels: 1, height: 6, width: 8))
        #expect(m.sources.map(\.name) == ["ant/", "zebra/"])
        let data = try ShardedDataset(directory: dir.file("out"))
        #expect((0..<3).map { data.label(at: $0) } == [0, 1, 1])
        let second = data.withPixels(at: 1) { Array($0) }
        #expect(second == (try FolderImporter.sample(ImageFixtures.url("gray.jpg"), channels: 1, height: 6, width: 8)))
    }

    @Test func unlabeledReadsAFlatFolder() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        for name in ["rgb.png", "rgb.jpg", "rgba.png"] { try ImageFixtures.copy(name, to: dir.file("flat")) }
        let options = FolderImporter.Options(channels: 3, height: 5, width: 7, flat: true)
        let m = try DatasetImport.run(.folder(dir.file("flat"), options), name: "u", to: dir.file("out"))[0]
        #expect(!m.labeled && m.sampleCount == 3 && m.classes.isEmpty)
        // With class folders expected, a file beside them is named.
        #expect(
            throws: DataError.invalid(
                file: dir.file("flat/rgb.jpg").path,
                reason: "a file beside the class folders (an unlabeled folder needs --unlabeled)")
        ) {
            try FolderImporter.load(dir.file("flat"), options: FolderImporter.Options())
        }
    }

    @Test func withoutASizeEveryImageMustMatchTheFirst() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        try ImageFixtures.copy("rgb.png", to: dir.file("in/a"))
        try ImageFixtures.copy("rgba.png", to: dir.file("in/b"))
        let error = try #require(throws: DataError.self) { try FolderImporter.load(dir.file("in"), options: .init()) }
        #expect(error.file == dir.file("in/b/rgba.png").path && "\(error)".contains("is 4×5"))
    }

    /// A truncated JPEG (libjpeg would pad it with grey), a PNG with a flipped data byte, and a
    /// file that is no image: each named, and no dataset (nor staging directory) left behind.
    @Test(arguments: ["truncated.jpg", "flipped.png", "notes.png"]) func badImageNamesItsFileAndLeavesNothing(
        _ bad: String
    ) throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let root = dir.file("in")
        try ImageFixtures.copy("rgb.png", to: root.appendingPathComponent("a"))
        var bytes: [UInt8]
        switch bad {
        case "truncated.jpg": bytes = Array(try Data(contentsOf: ImageFixtures.url("rgb.jpg")).prefix(500))
        case "flipped.png":
            bytes = Array(try Data(contentsOf: ImageFixtures.url("large.png")))
            bytes[bytes.count / 2] ^= 0x40
        default: bytes = Array("not an image".utf8)
        }
        try FileManager.default.createDirectory(at: root.appendingPathComponent("b"), withIntermediateDirectories: true)
        let badURL = root.appendingPathComponent("b/\(bad)")
        try Data(bytes).write(to: badURL)
        let options = FolderImporter.Options(channels: 3, height: 5, width: 7)
        let error = try #require(throws: DataError.self) {
            try DatasetImport.run(.folder(root, options), name: "x", to: dir.file("out"))
        }
        #expect(error.file == badURL.path, "\(error)")
        #expect(dir.contents() == ["in"])
    }
}
