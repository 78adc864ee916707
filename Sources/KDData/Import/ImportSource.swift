import Foundation

/// What an import reads.
public enum ImportSource: Sendable, Hashable {
    /// MNIST-family IDX image file and optional label file (raw or .gz).
    case idx(images: URL, labels: URL?)
    /// CIFAR-10 / CIFAR-100 binary batch files, read in order.
    case cifar(batches: [URL], variant: CIFARImporter.Variant)
    /// NumPy arrays: images and optional labels.
    case npy(images: URL, labels: URL?, channelsLast: Bool)
    /// A CSV file of pixel rows.
    case csv(URL, CSVImporter.Options)
    /// A folder of PNG/JPEG images in class subfolders (or flat); its class names are the folders'.
    case folder(URL, FolderImporter.Options)

    /// Parses the input into memory (nothing is written).
    public func load(classes: [String]? = nil) throws -> SampleTable {
        switch self {
        case let .idx(images, labels):
            return try IDXImporter.load(images: images, labels: labels, classes: classes)
        case let .cifar(batches, variant):
            return try CIFARImporter.load(batches: batches, variant: variant, classes: classes)
        case let .npy(images, labels, channelsLast):
            return try NPYImporter.load(images: images, labels: labels, channelsLast: channelsLast, classes: classes)
        case let .csv(url, options):
            var o = options
            if let classes { o.classes = classes }
            return try CSVImporter.load(url, options: o)
        case let .folder(url, options):
            return try FolderImporter.load(url, options: options)
        }
    }
}
