import ArgumentParser
import Foundation
import KDData
import KDTraining

/// `kdflow import`: turns a data set into kdflow shards.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a data set (Fashion-MNIST, IDX, CIFAR, .npy, CSV, image folder) into kdflow shards.",
        discussion: """
            FORMAT is fashion-mnist (Debian's dataset-fashion-mnist; writes TO/train and TO/test), idx, cifar10, \
            cifar100, npy, csv or folder (PNG/JPEG images in class subfolders, whose sorted names are the classes). \
            Imports are atomic: an interrupted or failed import leaves nothing behind.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case fashionMNIST = "fashion-mnist", idx, cifar10, cifar100, npy, csv, folder
    }

    @Argument(help: "fashion-mnist | idx | cifar10 | cifar100 | npy | csv | folder")
    var format: Format
    @Argument(
        help: "Input files: IDX images [labels]; CIFAR batch files; .npy images [labels]; one CSV file; one folder.")
    var inputs: [String] = []
    @Option(help: "Output directory.")
    var to: String = "data/fashion-mnist"
    @Option(help: "Dataset name (default: the output directory's name).")
    var name: String?
    @Option(help: "Samples per shard.")
    var shardSize = 10_000
    @Flag(help: "Drop the labels (an unlabeled dataset, e.g. for SSLD); folder: the images lie directly in it.")
    var unlabeled = false
    @Option(help: "Hold out N samples per class into --split-to.")
    var holdOutPerClass: Int?
    @Option(
        help: "Keep this fraction of each class labelled; the rest goes unlabeled into --split-to (SSLD's setting).")
    var labeledFraction: Double?
    @Option(help: "Directory of the split's second part.")
    var splitTo: String?
    @Option(help: "Seed of the split's per-class selection.")
    var seed: UInt64 = 0
    @Flag(help: "CIFAR-100: keep the coarse (20-class) labels instead of the fine ones.")
    var coarse = false
    @Option(help: "CSV: column of the label (-1: no label column).")
    var labelColumn = 0
    @Option(help: "CSV/npy: sample shape C,H,W when it cannot be inferred.")
    var shape: String?
    @Flag(help: "npy: images are N×H×W×C.")
    var channelsLast = false
    @Option(
        help: ArgumentHelp(
            "folder: resize every image to H×H or H×W (PIL's bilinear; default: all images must share one size).",
            valueName: "H[xW]"))
    var size: ImageSize?
    @Option(help: "folder: 1 (grey, PIL's convert('L')) or 3 (RGB) (default: all images must share one).")
    var channels: ImageChannels?
    @Flag(help: "Replace existing output directories.")
    var overwrite = false

    func run() throws {
        let out = URL(fileURLWithPath: to)
        if format == .fashionMNIST {
            let dirs = FashionMNIST.shardDirectories(root: out)
            for (train, dir) in [(true, dirs.train), (false, dirs.test)] {
                let m = try DatasetImport.run(
                    FashionMNIST.source(train: train), name: "fashion-mnist-\(train ? "train" : "test")",
                    to: dir,
                    options: ImportOptions(
                        shardSize: shardSize, unlabeled: unlabeled,
                        classes: FashionMNIST.classes, overwrite: overwrite))
                report(m)
            }
            return
        }
        let urls = inputs.map { URL(fileURLWithPath: $0) }
        guard !urls.isEmpty else { throw ValidationError("\(format.rawValue) needs input files") }
        let dims = try shape.map { s -> [Int] in
            let parts = s.split(separator: ",").compactMap { Int($0) }
            guard parts.count == 3 else { throw ValidationError("--shape takes C,H,W, got '\(s)'") }
            return parts
        }
        let source: ImportSource
        switch format {
        case .idx: source = .idx(images: urls[0], labels: urls.count > 1 ? urls[1] : nil)
        case .cifar10: source = .cifar(batches: urls, variant: .cifar10)
        case .cifar100: source = .cifar(batches: urls, variant: .cifar100(fine: !coarse))
        case .npy: source = .npy(images: urls[0], labels: urls.count > 1 ? urls[1] : nil, channelsLast: channelsLast)
        case .csv:
            source = .csv(urls[0], CSVImporter.Options(labelColumn: labelColumn < 0 ? nil : labelColumn, shape: dims))
        case .folder:
            source = .folder(
                urls[0],
                FolderImporter.Options(
                    channels: channels?.rawValue, height: size?.height,
                    width: size?.width, flat: unlabeled))
        case .fashionMNIST: return
        }
        var split = DatasetSplit.none
        if let n = holdOutPerClass { split = .holdOutPerClass(n) }
        if let f = labeledFraction { split = .labeledFraction(f) }
        if split != .none && splitTo == nil {
            throw ValidationError("a split needs --split-to DIR for its second part")
        }
        let options = ImportOptions(
            shardSize: shardSize, unlabeled: unlabeled, split: split,
            splitDirectory: splitTo.map { URL(fileURLWithPath: $0) }, seed: seed, overwrite: overwrite)
        report(try DatasetImport.run(source, name: name ?? out.lastPathComponent, to: out, options: options))
    }

    private func report(_ manifests: [DatasetManifest]) {
        for m in manifests {
            print(
                "\(m.name): \(m.sampleCount) samples \(m.layout), \(m.shards.count) shard(s)\(m.labeled ? "" : ", unlabeled")"
            )
        }
    }
}
