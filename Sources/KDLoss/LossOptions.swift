/// A loss kind's options by name, as written in a pipeline file or `--set key=value`.
public struct LossOptions: Sendable {
    /// One option value.
    public enum Value: Sendable, Equatable {
        case number(Double)
        case text(String)
        case numbers([Double])
        case flag(Bool)
    }

    /// The values by option name.
    public var values: [String: Value]

    public init(_ values: [String: Value] = [:]) { self.values = values }

    /// Parses command-line `key=value` pairs: numbers, `true`/`false`, comma-separated number
    /// lists, otherwise text.
    public init(parsing pairs: [String]) throws(LossOptionError) {
        var values: [String: Value] = [:]
        for pair in pairs {
            guard let eq = pair.firstIndex(of: "="), eq != pair.startIndex else { throw .malformed(pair) }
            let key = String(pair[..<eq]), raw = String(pair[pair.index(after: eq)...])
            if let d = Double(raw) {
                values[key] = .number(d)
            } else if raw == "true" || raw == "false" {
                values[key] = .flag(raw == "true")
            } else if raw.contains(","), case let parts = raw.split(separator: ",").compactMap({ Double($0) }),
                parts.count == raw.split(separator: ",").count
            {
                values[key] = .numbers(parts)
            } else {
                values[key] = .text(raw)
            }
        }
        self.values = values
    }

    // Accessors for a kind's `build`: `LossKind.make` has checked every value and filled the
    // declared defaults, so a missing or mistyped value is a declaration bug.
    func number(_ key: String) throws(LossOptionError) -> Float {
        guard case .number(let d)? = values[key] else { throw .undeclared(key: key) }
        return Float(d)
    }

    func choice<E: RawRepresentable>(_ key: String) throws(LossOptionError) -> E where E.RawValue == String {
        guard case .text(let t)? = values[key], let e = E(rawValue: t) else { throw .undeclared(key: key) }
        return e
    }

    func flag(_ key: String) throws(LossOptionError) -> Bool {
        guard case .flag(let b)? = values[key] else { throw .undeclared(key: key) }
        return b
    }

    func numbers(_ key: String) -> [Float]? {
        guard case .numbers(let ds)? = values[key] else { return nil }
        return ds.map { Float($0) }
    }
}

/// A loss kind or option that cannot be built.
public enum LossOptionError: Error, Equatable, CustomStringConvertible {
    case unknownKind(String)
    case unknownOption(kind: String, key: String, known: [String])
    case wrongType(key: String, expected: String)
    case outOfRange(key: String, value: Double, bounds: String)
    case missing(kind: String, key: String, reason: String)
    case undeclared(key: String)
    case malformed(String)

    public var description: String {
        switch self {
        case .unknownKind(let k): "unknown loss kind '\(k)'; known: \(LossCatalog.names.joined(separator: ", "))"
        case .unknownOption(let kind, let key, let known):
            "\(kind) has no option '\(key)'" + (known.isEmpty ? "" : "; its options: \(known.joined(separator: ", "))")
        case .wrongType(let key, let expected): "option '\(key)' must be \(expected)"
        case .outOfRange(let key, let value, let bounds): "option '\(key)' must be \(bounds), got \(value)"
        case .missing(let kind, let key, let reason): "\(kind) needs '\(key)': \(reason)"
        case .undeclared(let key): "option '\(key)' is not declared with a value of this type"
        case .malformed(let pair): "'\(pair)' is not key=value"
        }
    }
}
