/// One problem found in a pipeline file, located by file, line, column and key path.
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible, Error {
    /// How bad a problem is: errors stop a run, warnings are printed and the run goes on.
    public enum Severity: String, Sendable, Hashable {
        case error
        case warning
    }

    /// Error or warning.
    public var severity: Severity
    /// Where the offending value (or key) was written.
    public var location: SourceLocation
    /// Dotted path of keys from the document root, e.g. `loss.kd.temperature` or `data.train.shards`.
    public var keyPath: String
    /// What is wrong, in one line.
    public var message: String

    /// A diagnostic of `severity` at `location` for the value at `keyPath`.
    public init(_ severity: Severity = .error, at location: SourceLocation, keyPath: String, _ message: String) {
        self.severity = severity
        self.location = location
        self.keyPath = keyPath
        self.message = message
    }

    /// `file.yaml:12:5: error: loss.kd.temperatur: unknown key; did you mean 'temperature'?`
    public var description: String {
        let path = keyPath.isEmpty ? "" : "\(keyPath): "
        return "\(location): \(severity.rawValue): \(path)\(message)"
    }
}

/// Every problem found while loading a pipeline file; thrown when at least one is an error.
public struct PipelineDiagnostics: Error, Sendable, CustomStringConvertible {
    /// All diagnostics (errors and warnings) in file order.
    public var diagnostics: [Diagnostic]

    /// Wraps `diagnostics`.
    public init(_ diagnostics: [Diagnostic]) {
        self.diagnostics = diagnostics
    }

    /// Only the errors.
    var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }

    /// One diagnostic per line, then a count.
    public var description: String {
        let count = errors.count
        return (diagnostics.map(\.description) + ["\(count) error\(count == 1 ? "" : "s")"]).joined(separator: "\n")
    }
}

extension [Diagnostic] {
    /// Sorted by file, line, column; stable for equal positions.
    func sortedByLocation() -> [Diagnostic] {
        enumerated().sorted { a, b in
            let (l, r) = (a.element.location, b.element.location)
            if l.file != r.file { return l.file < r.file }
            if l.line != r.line { return l.line < r.line }
            if l.column != r.column { return l.column < r.column }
            return a.offset < b.offset
        }.map(\.element)
    }

    /// True when any diagnostic is an error.
    var hasErrors: Bool { contains { $0.severity == .error } }
}
