import Foundation
import Testing
@testable import KDData

/// Runs `body` and requires a `DataError` naming `file` (never a crash, never success).
func expectLocatedError(_ file: String, _ what: String, _ body: () throws -> Void) {
    do {
        try body()
        Issue.record("\(what): accepted")
    } catch let error as DataError {
        #expect(error.description.contains(file), "\(what): \(error)")
    } catch {
        Issue.record("\(what): unexpected \(error)")
    }
}

/// A fuzzed input may parse (e.g. a flipped pixel); if not, the error must be a `DataError`
/// naming the file.
func expectNames(_ error: any Error, _ url: URL) {
    guard let e = error as? DataError else {
        Issue.record("\(url.lastPathComponent): unexpected \(error)")
        return
    }
    #expect(e.description.contains(url.lastPathComponent), "\(e)")
}

@Suite struct IDXImporterTests {
    @Test func rawAndGzipGiveTheSameTable() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let images = Synthetic.idxImages(count: 20, height: 5, width: 4)
        let labels = Synthetic.idxLabels(Synthetic.labels(count: 20, classes: 10))
        let raw = try IDXImporter.load(images: try dir.write(images, "i.idx"), labels: try dir.write(labels, "l.idx"))
        let gz = try IDXImporter.load(
            images: try dir.write(Gzip.compress(images), "i.gz"),
            labels: try dir.write(Gzip.compress(labels), "l.gz"))
        #expect(raw.count == 20 && raw.layout == SampleLayout(pixelType: .uint8, channels: 1, height: 5, width: 4))
        #expect(raw.pixels == gz.pixels && raw.labels == gz.labels)
        #expect(raw.pixels == Synthetic.images(count: 20, elements: 20))
        #expect(gz.sources.map(\.name) == ["i.gz", "l.gz"])
        let members = Gzip.compress(Array(images.prefix(50))) + Gzip.compress(Array(images.dropFirst(50)))
        #expect(try IDXImporter.load(images: try dir.write(members, "m.gz"), labels: nil).pixels == raw.pixels)
    }

    @Test func badInputsAreLocated() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let images = Synthetic.idxImages(count: 6, height: 3, width: 3)
        let labels = Synthetic.idxLabels(Synthetic.labels(count: 6, classes: 10))
        let goodLabels = try dir.write(labels, "good-labels")
        var wrongMagic = images
        wrongMagic[0] = 1
        expectLocatedError("magic", "wrong magic") {
            _ = try IDXImporter.load(images: try dir.write(wrongMagic, "magic"), labels: nil)
        }
        expectLocatedError("short", "truncated") {
            _ = try IDXImporter.load(images: try dir.write(Array(images.dropLast(5)), "short"), labels: nil)
        }
        expectLocatedError("five-labels", "count mismatch") {
            _ = try IDXImporter.load(
                images: try dir.write(images, "imgs"),
                labels: try dir.write(Synthetic.idxLabels([1, 2, 3, 4, 5]), "five-labels"))
        }
        let gz = Gzip.compress(images)
        expectLocatedError("cut.gz", "truncated gzip") {
            _ = try IDXImporter.load(
                images: try dir.write(Array(gz.prefix(gz.count - 6)), "cut.gz"), labels: goodLabels)
        }
        // A file five bytes short must fail, and say where its data ran out.
        #expect {
            _ = try IDXImporter.load(images: try dir.write(Array(images.dropLast(5)), "short2"), labels: nil)
        } throws: { error in
            (error as? DataError)?.description.contains("offset \(images.count - 5)") ?? false
        }
    }

    @Test func fuzzedFilesNeverCrash() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let images = Synthetic.idxImages(count: 4, height: 4, width: 4)
        let labelURL = try dir.write(Synthetic.idxLabels([0, 1, 2, 3]), "labels")
        for (i, bad) in (Corruptions.truncations(images).map { (0, $0) } + Corruptions.flips(images)).enumerated() {
            let url = try dir.write(bad.1, "fuzz-\(i)")
            do { _ = try IDXImporter.load(images: url, labels: labelURL) } catch { expectNames(error, url) }
        }
        let gz = Gzip.compress(images)
        for (i, bad) in (Corruptions.truncations(gz).map { (0, $0) } + Corruptions.flips(gz)).enumerated() {
            let url = try dir.write(bad.1, "gzfuzz-\(i)")
            do { _ = try IDXImporter.load(images: url, labels: labelURL) } catch { expectNames(error, url) }
        }
    }
}

@Suite struct CIFARImporterTests {
    @Test func readsRecordsAndLabels() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let a = try dir.write(Synthetic.cifar10(count: 3), "data_batch_1.bin")
        let b = try dir.write(Synthetic.cifar10(count: 2), "data_batch_2.bin")
        let t = try CIFARImporter.load(batches: [a, b], variant: .cifar10)
        #expect(t.count == 5 && t.layout.dims == [3, 32, 32])
        #expect(t.labels == [3, 0, 7, 3, 0])
        #expect(Array(t.pixels[3072..<3080]) == Array(Synthetic.cifar10(count: 3)[3074..<3082]))
        #expect(t.classes.first == "airplane")
    }

    @Test func cifar100PicksFineOrCoarse() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let record = [UInt8(4), UInt8(42)] + [UInt8](repeating: 9, count: 3072)
        let url = try dir.write(record + record, "train.bin")
        #expect(try CIFARImporter.load(batches: [url], variant: .cifar100(fine: true)).labels == [42, 42])
        #expect(try CIFARImporter.load(batches: [url], variant: .cifar100(fine: false)).labels == [4, 4])
    }

    @Test func badInputsAreLocated() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let good = Synthetic.cifar10(count: 2)
        expectLocatedError("short.bin", "truncated") {
            _ = try CIFARImporter.load(
                batches: [try dir.write(Array(good.dropLast(1)), "short.bin")], variant: .cifar10)
        }
        var badLabel = good
        badLabel[3073] = 10
        do {
            _ = try CIFARImporter.load(batches: [try dir.write(badLabel, "label.bin")], variant: .cifar10)
            Issue.record("label 10 accepted")
        } catch let e as DataError {
            #expect(e.description.contains("label.bin") && e.description.contains("offset 3073"))
        }
    }
}

@Suite struct NPYImporterTests {
    @Test func readsUInt8AndFloatArrays() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let px = Synthetic.images(count: 3, elements: 16)
        let images = try dir.write(Synthetic.npy(descr: "|u1", shape: [3, 4, 4], payload: px), "x.npy")
        let labelBytes = [Int64(2), 0, 1].flatMap { Synthetic.littleEndian($0) }
        let labels = try dir.write(Synthetic.npy(descr: "<i8", shape: [3], payload: labelBytes), "y.npy")
        let t = try NPYImporter.load(images: images, labels: labels)
        #expect(t.layout == SampleLayout(pixelType: .uint8, channels: 1, height: 4, width: 4))
        #expect(t.pixels == px && t.labels == [2, 0, 1] && t.classes == ["0", "1", "2"])

        let doubles = (0..<(2 * 2 * 2 * 3)).flatMap { Synthetic.littleEndian(Double($0).bitPattern) }
        let nhwc = try dir.write(Synthetic.npy(descr: "<f8", shape: [2, 2, 2, 3], payload: doubles), "f.npy")
        let f = try NPYImporter.load(images: nhwc, labels: nil, channelsLast: true)
        #expect(f.layout == SampleLayout(pixelType: .float32, channels: 3, height: 2, width: 2))
        let floats = stride(from: 0, to: f.pixels.count, by: 4).map { i in
            Float(
                bitPattern: UInt32(f.pixels[i]) | UInt32(f.pixels[i + 1]) << 8 | UInt32(f.pixels[i + 2]) << 16 | UInt32(
                    f.pixels[i + 3]) << 24)
        }
        #expect(Array(floats.prefix(12)) == [0, 3, 6, 9, 1, 4, 7, 10, 2, 5, 8, 11])
        #expect(f.labels == nil)
    }

    @Test func badInputsAreLocated() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let good = Synthetic.npy(descr: "|u1", shape: [3, 4, 4], payload: Synthetic.images(count: 3, elements: 16))
        let labels2 = try dir.write(Synthetic.npy(descr: "|u1", shape: [2], payload: [0, 1]), "y2.npy")
        expectLocatedError("y2.npy", "count mismatch") {
            _ = try NPYImporter.load(images: try dir.write(good, "x.npy"), labels: labels2)
        }
        expectLocatedError("cut.npy", "truncated") {
            _ = try NPYImporter.load(images: try dir.write(Array(good.dropLast(3)), "cut.npy"), labels: nil)
        }
        expectLocatedError("big.npy", "big-endian") {
            _ = try NPYImporter.load(
                images: try dir.write(
                    Synthetic.npy(descr: ">f4", shape: [1, 1, 1], payload: [0, 0, 0, 0]), "big.npy"), labels: nil)
        }
        for (i, bad) in (Corruptions.truncations(good).map { (0, $0) } + Corruptions.flips(good)).enumerated() {
            let url = try dir.write(bad.1, "fuzz-\(i).npy")
            do { _ = try NPYImporter.load(images: url, labels: nil) } catch { expectNames(error, url) }
        }
    }
}

@Suite struct CSVImporterTests {
    @Test func readsRowsWithAndWithoutHeader() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let withHeader = try CSVImporter.load(
            try dir.write(Array(Synthetic.csv(count: 5, side: 3, header: true).utf8), "h.csv"))
        let without = try CSVImporter.load(
            try dir.write(Array(Synthetic.csv(count: 5, side: 3, header: false).utf8), "n.csv"))
        #expect(withHeader.count == 5 && withHeader.layout.dims == [1, 3, 3])
        #expect(withHeader.pixels == without.pixels && withHeader.labels == without.labels)
        #expect(withHeader.pixels == Synthetic.images(count: 5, elements: 9))
        #expect(withHeader.labels == Synthetic.labels(count: 5, classes: 10))
        let unlabeled = try CSVImporter.load(
            try dir.write(Array("1,2,3,4\n5,6,7,8\n".utf8), "u.csv"),
            options: .init(labelColumn: nil))
        #expect(unlabeled.labels == nil && unlabeled.count == 2 && unlabeled.layout.dims == [1, 2, 2])
        let floats = try CSVImporter.load(
            try dir.write(Array("0.5,1e-1,-2,3,1\r\n\"0.25\",0,0,0,0\r\n".utf8), "f.csv"),
            options: .init(labelColumn: 4, shape: [2, 1, 2], pixelType: .float32))
        #expect(floats.layout == SampleLayout(pixelType: .float32, channels: 2, height: 1, width: 2))
        #expect(floats.labels == [1, 0] && floats.pixels.count == 32)
        #expect(Array(floats.pixels[4..<8]) == Synthetic.littleEndian(Float(0.1).bitPattern))
    }

    @Test func errorsNameLineAndColumn() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let cases: [(String, String)] = [
            ("label,p1,p2,p3,p4\n1,0,0,0,0\n2,0,0,0\n", "rows.csv:3:5"),
            ("1,0,0,0,0\n2,0,256,0,0\n", "range.csv:2:3"),
            ("1,0,0,0,0\nx,0,0,0,0\n", "label.csv:2:1"),
            ("1,0,0,0\n", "square.csv:1:1"),
        ]
        for (text, location) in cases {
            let name = String(location.prefix { $0 != ":" })
            do {
                _ = try CSVImporter.load(try dir.write(Array(text.utf8), name))
                Issue.record("\(name) accepted")
            } catch let e as DataError {
                #expect(e.description.contains(location), "\(e)")
            }
        }
        let good = Array(Synthetic.csv(count: 3, side: 2, header: true).utf8)
        for (i, bad) in (Corruptions.truncations(good).map { (0, $0) } + Corruptions.flips(good)).enumerated() {
            let url = try dir.write(bad.1, "fuzz-\(i).csv")
            do { _ = try CSVImporter.load(url) } catch { expectNames(error, url) }
        }
    }
}
