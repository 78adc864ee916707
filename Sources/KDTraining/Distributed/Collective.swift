/// The processes that train one model together, data-parallel: every rank runs the same pipeline
/// on its share of each global batch and they combine gradients through these calls. KDTraining
/// knows no transport; `SingleProcess` is the default and the MPI binding lives in `KDMPI`.
public protocol Collective: AnyObject {
    /// This process's index, 0..<size; rank 0 writes checkpoints, metrics and progress.
    var rank: Int { get }
    /// The number of processes.
    var size: Int { get }
    /// Replaces `values` on every rank by their element-wise sum over all ranks.
    func sum(_ values: UnsafeMutableBufferPointer<Float>) throws
    /// Every rank's `value`, indexed by rank.
    func gather(_ value: UInt64) throws -> [UInt64]
    /// Returns once every rank has called it.
    func barrier() throws
}

/// One process alone: every collective call is the identity.
public final class SingleProcess: Collective {
    public init() {}
    public var rank: Int { 0 }
    public var size: Int { 1 }
    public func sum(_ values: UnsafeMutableBufferPointer<Float>) {}
    public func gather(_ value: UInt64) -> [UInt64] { [value] }
    public func barrier() {}
}

extension Collective {
    /// Whether this rank writes the run's files and log lines.
    public var isLeader: Bool { rank == 0 }

    /// This rank's part of every global batch, as `DataLoader.batch(_:epoch:order:share:)` takes it.
    public var share: (part: Int, of: Int) { (rank, size) }
}
