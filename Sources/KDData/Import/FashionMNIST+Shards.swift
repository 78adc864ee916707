import Foundation

extension FashionMNIST {
    /// The shard directories of the train and test splits under `root`.
    public static func shardDirectories(root: URL) -> (train: URL, test: URL) {
        (root.appendingPathComponent("train"), root.appendingPathComponent("test"))
    }

    /// Imports from Debian's package (`source`) whichever split is missing under `root`; returns
    /// the directories it wrote.
    @discardableResult
    public static func importMissing(root: URL, source: URL = defaultDirectory) throws -> [String] {
        let dirs = shardDirectories(root: root)
        var imported: [String] = []
        for (train, dir) in [(true, dirs.train), (false, dirs.test)]
        where !FileManager.default.fileExists(atPath: dir.appendingPathComponent(DatasetManifest.fileName).path) {
            guard isInstalled(directory: source) else {
                throw DataError.invalid(
                    file: source.path, reason: "Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)")
            }
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
            try DatasetImport.run(
                self.source(train: train, directory: source), name: "fashion-mnist-\(train ? "train" : "test")",
                to: dir, options: ImportOptions(classes: classes, overwrite: true))
            imported.append(dir.path)
        }
        return imported
    }
}
