import Foundation
import KDData

/// Imports Fashion-MNIST from Debian's package into kdflow shards when a run needs it.
public enum DatasetPreparation {
    /// The shard directories of the train and test splits under `root`.
    public static func fashionMNIST(root: URL) -> (train: URL, test: URL) {
        (root.appendingPathComponent("train"), root.appendingPathComponent("test"))
    }

    /// Imports whichever split is missing under `root`; returns what it imported.
    @discardableResult
    public static func ensureFashionMNIST(root: URL, source: URL = FashionMNIST.defaultDirectory) throws -> [String] {
        let dirs = fashionMNIST(root: root)
        var imported: [String] = []
        for (train, dir) in [(true, dirs.train), (false, dirs.test)]
        where !FileManager.default.fileExists(atPath: dir.appendingPathComponent(DatasetManifest.fileName).path) {
            guard FashionMNIST.isInstalled(directory: source) else {
                throw DataError.invalid(file: source.path, reason: "Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)")
            }
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
            try DatasetImport.run(FashionMNIST.source(train: train, directory: source), name: "fashion-mnist-\(train ? "train" : "test")",
                                  to: dir, options: ImportOptions(classes: FashionMNIST.classes, overwrite: true))
            imported.append(dir.path)
        }
        return imported
    }
}
