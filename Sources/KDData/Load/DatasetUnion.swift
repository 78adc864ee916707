import Foundation

/// Several datasets read as one training source (e.g. SSLD's labelled and unlabeled splits):
/// global indices run through the members in order. A sample keeps its member's `SampleID`, so
/// augmentation views and teacher-store keys are those of the member alone.
public final class DatasetUnion: Sendable {
    /// The member datasets, in the order given.
    public let members: [ShardedDataset]
    /// Global index of each member's first sample (plus the total at the end).
    private let memberStarts: [Int]

    /// The union of `members`; they must share one pixel layout and have distinct names (a
    /// name is part of every sample's id).
    public init(_ members: [ShardedDataset]) throws {
        guard let first = members.first else {
            throw DataError.invalid(file: "data.train", reason: "a union needs at least one dataset")
        }
        var starts = [0], names = Set<String>()
        for member in members {
            guard member.layout == first.layout else {
                throw DataError.mismatch(
                    file: member.directory.path,
                    reason: "holds \(member.layout) samples, \(first.directory.path) holds \(first.layout)")
            }
            guard names.insert(member.name).inserted else {
                throw DataError.invalid(
                    file: member.directory.path,
                    reason: "dataset name '\(member.name)' is used by another training source; sample ids would collide"
                )
            }
            starts.append(starts[starts.count - 1] + member.count)
        }
        self.members = members
        self.memberStarts = starts
    }

    /// The union of the datasets in `directories`.
    public convenience init(directories: [URL]) throws {
        try self.init(directories.map { try ShardedDataset(directory: $0) })
    }

    /// Number of samples over all members.
    public var count: Int { memberStarts[memberStarts.count - 1] }
    /// Pixel layout of every sample.
    public var layout: SampleLayout { members[0].layout }
    /// Whether any member carries labels (samples of the others then have none).
    public var isLabeled: Bool { members.contains { $0.isLabeled } }

    /// Classes the labels index: the most any labelled member's manifest names (0 when none is labelled).
    public var classCount: Int { members.filter(\.isLabeled).map(\.manifest.classes.count).max() ?? 0 }
    /// The member directories, for messages.
    public var path: String { members.map(\.directory.path).joined(separator: " + ") }

    /// (member, index within it) of a global index.
    @inline(__always)
    func locate(_ index: Int) -> (member: Int, index: Int) {
        var m = 0
        while memberStarts[m + 1] <= index { m += 1 }
        return (m, index - memberStarts[m])
    }

    /// The shard, within its member, of the sample at a global index.
    public func shard(of index: Int) -> Int {
        let (m, i) = locate(index)
        return members[m].location(of: i).shard
    }

    /// The stable id of the sample at a global index.
    public func id(at index: Int) -> SampleID {
        let (m, i) = locate(index)
        return members[m].id(at: i)
    }

    /// The global index of `id`, or nil if no member holds it.
    public func index(of id: SampleID) -> Int? {
        for (m, member) in members.enumerated() {
            if let i = member.index(of: id) { return memberStarts[m] + i }
        }
        return nil
    }

    /// The label of the sample at a global index (nil when its member is unlabeled).
    public func label(at index: Int) -> Int? {
        let (m, i) = locate(index)
        return members[m].label(at: i)
    }

    /// Calls `body` with the pixel bytes of the sample at a global index.
    @inline(__always)
    public func withPixels<R>(at index: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        let (m, i) = locate(index)
        return try members[m].withPixels(at: i, body)
    }
}
