import KDTensor

/// One batch out of the loader: augmented images with the ids and recorded views that key them.
public struct Batch: Sendable {
    /// The epoch the batch belongs to.
    public var epoch: Int
    /// The batch's position within the epoch.
    public var index: Int
    /// N×C×H×W Float32 images, augmented (and normalised if the ops say so).
    public var images: Tensor
    /// One class label per sample (`noLabel` for a sample of an unlabeled source), or nil when
    /// no source is labelled.
    public var labels: [Int]?
    /// The label of a sample without one; `cross_entropy` skips such samples.
    static let noLabel = -1
    /// The stable id of each sample.
    public var ids: [SampleID]
    /// The recorded view of each sample (replay with `Augmenter.render`).
    public var views: [ViewParameters]
    /// Whether each sample's view is a fresh draw of a view bank (`fresh: p`): one of no K recorded
    /// views, so a teacher store neither serves nor keeps it.
    public var isFresh: [Bool]

    public init(
        epoch: Int, index: Int, images: Tensor, labels: [Int]?, ids: [SampleID], views: [ViewParameters],
        isFresh: [Bool]
    ) {
        self.epoch = epoch
        self.index = index
        self.images = images
        self.labels = labels
        self.ids = ids
        self.views = views
        self.isFresh = isFresh
    }

    /// Number of samples.
    public var count: Int { ids.count }
}

/// The samples of one batch before any augmentation: which samples, in order, with their labels.
public struct SampleBatch: Sendable {
    /// The epoch the batch belongs to.
    public var epoch: Int
    /// The batch's position within the epoch.
    public var index: Int
    /// The samples' global indices in the loader's dataset.
    public var members: [Int]
    /// The stable id of each sample.
    public var ids: [SampleID]
    /// One class label per sample (`Batch.noLabel` where a source has none), or nil when no source is labelled.
    public var labels: [Int]?

    /// Number of samples.
    public var count: Int { members.count }
}
