/// Why the store could not do what was asked; each case names the file.
public enum StoreError: Error, CustomStringConvertible {
    /// The disk (or the configured capacity) is full.
    case diskFull(path: String, reason: String)
    /// A system call failed.
    case io(path: String, reason: String)
    /// The outputs given to `append` do not fit the store (shapes, counts).
    case invalidOutputs(String)

    public var description: String {
        switch self {
        case let .diskFull(path, reason):
            return
                "teacher store: disk full writing \(path) (\(reason)); free space, or set store.on_full: skip to train on without storing"
        case let .io(path, reason): return "teacher store: \(path): \(reason)"
        case let .invalidOutputs(message): return "teacher store: \(message)"
        }
    }
}
