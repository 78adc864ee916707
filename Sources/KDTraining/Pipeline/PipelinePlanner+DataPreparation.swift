import Foundation
import KDData
import KDPipeline

extension PipelinePlanner {
    /// Imports the data sources whose shards are missing (no directory, or an empty one) and have
    /// an `import:` entry. With `labeled_fraction` or `hold_out_per_class` the import writes one
    /// `part` of the seeded per-class split; the split is the same every time, so a file's parts
    /// are complementary (a tuning file trains on one and evaluates on the held-out other).
    public static func prepareData(_ spec: PipelineSpec, log: (String) -> Void) throws {
        for source in spec.data.train + (spec.data.eval.map { [$0] } ?? []) {
            let dir = URL(fileURLWithPath: source.shards)
            guard !FileManager.default.fileExists(atPath: dir.appendingPathComponent(DatasetManifest.fileName).path)
            else { continue }
            guard let importer = source.importer else {
                throw TrainingError.plan(
                    source.location, "\(source.name): no shards in \(source.shards) and no import: entry to make them")
            }
            // Only a missing or empty directory is imported into: never one holding something else.
            do {
                try DatasetWriter.checkTarget(dir, overwrite: true)
            } catch {
                throw TrainingError.plan(source.location, "\(source.name).shards: \(error)")
            }
            if importer.kind.value == "folder" {
                log("importing image folder \(importer.path) into \(source.shards)")
                try FileManager.default.createDirectory(
                    at: dir.deletingLastPathComponent(), withIntermediateDirectories: true)
                let options = try folderOptions(importer, source: source)
                try DatasetImport.run(
                    .folder(URL(fileURLWithPath: importer.path), options), name: dir.lastPathComponent, to: dir,
                    options: ImportOptions(unlabeled: options.flat, overwrite: true))
                continue
            }
            let train = importer.node["split"]?.string != "test"
            log("importing \(importer.path) (\(train ? "train" : "test")) into \(source.shards)")
            try FileManager.default.createDirectory(
                at: dir.deletingLastPathComponent(), withIntermediateDirectories: true)
            let from = URL(fileURLWithPath: importer.path)
            let classes = FashionMNIST.isInstalled(directory: from) ? FashionMNIST.classes : nil
            let raw = FashionMNIST.source(train: train, directory: from)
            let options = ImportOptions(classes: classes, overwrite: true)
            var split = options
            if let fraction = importer.node["labeled_fraction"]?.double {
                split.split = .labeledFraction(fraction)
            } else if let heldOut = importer.node["hold_out_per_class"]?.int {
                split.split = .holdOutPerClass(heldOut)
            } else {
                try DatasetImport.run(raw, name: dir.lastPathComponent, to: dir, options: options)
                continue
            }
            split.splitDirectory = dir
            let parts = try DatasetImport.split(try raw.load(classes: classes), options: split, file: dir.path)
            // A split always has its second part (the unlabeled rest, or the held-out samples).
            let second = importer.node["part"]?.string != "labeled"
            try DatasetWriter.write(
                second ? parts.second! : parts.first,
                name: dir.lastPathComponent, to: dir, shardSize: options.shardSize, overwrite: true)
        }
    }
}
