import Foundation
import KDCache

/// A forward stage's teacher-output store: which model's outputs, where, and how they are kept.
public struct StorePlan: Sendable {
    /// What the teacher stage does with the store.
    public enum Mode: String, Sendable {
        /// Serve hits; forward and store misses.
        case readwrite
        /// Serve hits; forward misses without storing them.
        case read
        /// Forward every sample and store it (refreshes the store).
        case write
        /// Ignore the store.
        case off
    }

    /// The frozen model whose outputs are stored.
    public var model: String
    public var directory: URL
    public var options: StoreOptions
    public var mode: Mode
    /// The fraction of hits also recomputed live and compared with what was served.
    public var audit: Double

    public init(
        model: String, directory: URL, options: StoreOptions = StoreOptions(), mode: Mode = .readwrite,
        audit: Double = 0
    ) {
        self.model = model
        self.directory = directory
        self.options = options
        self.mode = mode
        self.audit = audit
    }
}
