import Foundation

/// Fashion-MNIST, kdflow's default data set, where Debian's `dataset-fashion-mnist` installs it.
public enum FashionMNIST {
    /// /usr/share/datasets/fashion-mnist
    public static let defaultDirectory = URL(fileURLWithPath: "/usr/share/datasets/fashion-mnist")
    /// The ten class names, index = label.
    public static let classes = [
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
        "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    ]
    /// Pixel mean of the training set ([0, 1] values), for `normalize`.
    public static let mean: Float = 0.2860
    /// Pixel standard deviation of the training set ([0, 1] values), for `normalize`.
    public static let std: Float = 0.3530

    /// The IDX source of the training (60,000) or test (10,000) split.
    public static func source(train: Bool, directory: URL = defaultDirectory) -> ImportSource {
        let prefix = train ? "train" : "t10k"
        return .idx(
            images: directory.appendingPathComponent("\(prefix)-images-idx3-ubyte.gz"),
            labels: directory.appendingPathComponent("\(prefix)-labels-idx1-ubyte.gz"))
    }

    /// Whether all four files are present in `directory`.
    public static func isInstalled(directory: URL = defaultDirectory) -> Bool {
        [
            "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz",
            "t10k-labels-idx1-ubyte.gz",
        ]
        .allSatisfy { FileManager.default.fileExists(atPath: directory.appendingPathComponent($0).path) }
    }
}
