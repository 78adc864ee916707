import KDNN

extension Collective {
    /// Throws unless every global batch of an epoch (`samples` samples in batches of `batch`) gives
    /// every rank at least one row: an empty share would have no mean loss to contribute.
    func checkShares(samples: Int, batch: Int, dropLast: Bool) throws {
        guard size > 1 else { return }
        let last = samples % batch
        if batch < size {
            throw TrainingError.setup(
                "data.batch \(batch) is the global batch: it must hold at least one sample per rank (\(size) ranks)")
        }
        if !dropLast && last > 0 && last < size {
            throw TrainingError.setup(
                "the epoch's last batch has \(last) samples, fewer than the \(size) ranks; set data.drop_last: true")
        }
    }
}
