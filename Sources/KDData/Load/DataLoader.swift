import KDTensor

/// Batches a dataset (or the union of several) through an augmenter. The epoch's sample order
/// (seeded shuffle across all shards of all sources) and every batch are pure functions of
/// (seed, epoch, batch index). A sample of an unlabeled
/// source in a batch with labels carries `Batch.noLabel`.
public struct DataLoader: Sendable {
    /// The source datasets, read as one.
    public let dataset: DatasetUnion
    /// Samples per batch.
    public let batchSize: Int
    /// Drop the last batch when it is short.
    public let dropLast: Bool
    /// Shuffle each epoch (false: dataset order, e.g. for evaluation).
    public let shuffle: Bool
    /// Seed of the per-epoch order.
    public let seed: UInt64
    /// The augmentation applied to every sample.
    public let augmenter: Augmenter

    /// A loader over one dataset; `augmenter` nil means no ops (pixels scaled to [0, 1], one fixed view).
    public init(
        dataset: ShardedDataset, batchSize: Int, dropLast: Bool = false, shuffle: Bool = true,
        seed: UInt64, augmenter: Augmenter? = nil
    ) throws {
        try self.init(
            sources: DatasetUnion([dataset]), batchSize: batchSize, dropLast: dropLast, shuffle: shuffle,
            seed: seed, augmenter: augmenter)
    }

    /// A loader drawing batches from the union of `sources`.
    public init(
        sources dataset: DatasetUnion, batchSize: Int, dropLast: Bool = false, shuffle: Bool = true,
        seed: UInt64, augmenter: Augmenter? = nil
    ) throws {
        guard batchSize > 0 else { throw DataError.invalid(file: dataset.path, reason: "batch size must be positive") }
        let aug = try augmenter ?? Augmenter(ops: [], views: 1, seed: seed, input: dataset.layout)
        guard aug.input == dataset.layout else {
            throw DataError.mismatch(
                file: dataset.path,
                reason: "augmenter expects \(aug.input), dataset holds \(dataset.layout)")
        }
        self.dataset = dataset
        self.batchSize = batchSize
        self.dropLast = dropLast
        self.shuffle = shuffle
        self.seed = seed
        self.augmenter = aug
    }

    /// Batches per epoch.
    public var batchCount: Int {
        dropLast ? dataset.count / batchSize : (dataset.count + batchSize - 1) / batchSize
    }

    /// The epoch's order of global sample indices.
    public func order(epoch: Int) -> [Int] {
        shuffle
            ? EpochOrder.permutation(count: dataset.count, seed: seed, epoch: UInt64(epoch)) : Array(0..<dataset.count)
    }

    /// Batch `index` of `epoch`, given that epoch's `order`, rendered by the loader's augmenter.
    public func batch(_ index: Int, epoch: Int, order: [Int], share: (part: Int, of: Int) = (0, 1)) -> Batch {
        render(samples(index, epoch: epoch, order: order, share: share), with: augmenter)
    }

    /// The samples of batch `index` of `epoch`, given that epoch's `order`; of its n rows only
    /// `share`'s contiguous part, rows part·n/of ..< (part+1)·n/of (a data-parallel rank's rows of
    /// the global batch).
    public func samples(_ index: Int, epoch: Int, order: [Int], share: (part: Int, of: Int) = (0, 1)) -> SampleBatch {
        let start = index * batchSize, rows = min(order.count, start + batchSize) - start
        let members = Array(
            order[(start + rows * share.part / share.of)..<(start + rows * (share.part + 1) / share.of)])
        return SampleBatch(
            epoch: epoch, index: index, members: members, ids: members.map(dataset.id(at:)),
            labels: dataset.isLabeled ? members.map { dataset.label(at: $0) ?? Batch.noLabel } : nil)
    }

    /// `samples` rendered by `augmenter` (one stream's view of the batch); `augmenter` must take
    /// this dataset's layout.
    public func render(_ samples: SampleBatch, with augmenter: Augmenter) -> Batch {
        precondition(
            augmenter.input == dataset.layout, "augmenter expects \(augmenter.input), dataset holds \(dataset.layout)")
        let per = augmenter.outputCount
        var views = [ViewParameters]()
        views.reserveCapacity(samples.count)
        var scratch = RenderScratch(capacity: augmenter.scratchCapacity)
        let images = Tensor(shape: Shape([samples.count] + augmenter.outputDims)) { out in
            for (n, g) in samples.members.enumerated() {
                let params = augmenter.parameters(
                    for: samples.ids[n], view: augmenter.viewIndex(of: samples.ids[n], epoch: samples.epoch))
                let slot = UnsafeMutableBufferPointer(rebasing: out[(n * per)..<((n + 1) * per)])
                dataset.withPixels(at: g) { augmenter.render($0, parameters: params, into: slot, scratch: &scratch) }
                views.append(params)
            }
        }
        return Batch(
            epoch: samples.epoch, index: samples.index, images: images, labels: samples.labels, ids: samples.ids,
            views: views, isFresh: views.map { augmenter.isFreshDraw($0.view) })
    }

    /// Re-renders a recorded view of sample `id` (byte-identical to the batch that carried it),
    /// or nil when the id is not in this dataset.
    func replay(_ id: SampleID, view parameters: ViewParameters) -> [Float]? {
        guard let g = dataset.index(of: id) else { return nil }
        return dataset.withPixels(at: g) { augmenter.render($0, parameters: parameters) }
    }

    /// The batches of `epoch`, in order, each rendered when reached (the pipelined executor's data
    /// and stream stages are what run ahead).
    public func epoch(_ epoch: Int) -> LazyMapSequence<Range<Int>, Batch> {
        let order = order(epoch: epoch)
        return (0..<batchCount).lazy.map { batch($0, epoch: epoch, order: order) }
    }
}
