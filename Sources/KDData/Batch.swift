import KDTensor

/// One batch out of the loader: augmented images with the ids and recorded views that key them.
public struct Batch: Sendable {
    /// The epoch the batch belongs to.
    public var epoch: Int
    /// The batch's position within the epoch.
    public var index: Int
    /// N×C×H×W Float32 images, augmented (and normalised if the ops say so).
    public var images: Tensor
    /// One class label per sample, or nil when the dataset is unlabeled.
    public var labels: [Int]?
    /// The stable id of each sample.
    public var ids: [SampleID]
    /// The recorded view of each sample (replay with `Augmenter.render`).
    public var views: [ViewParameters]

    public init(epoch: Int, index: Int, images: Tensor, labels: [Int]?, ids: [SampleID], views: [ViewParameters]) {
        self.epoch = epoch
        self.index = index
        self.images = images
        self.labels = labels
        self.ids = ids
        self.views = views
    }

    /// Number of samples.
    public var count: Int { ids.count }
}
