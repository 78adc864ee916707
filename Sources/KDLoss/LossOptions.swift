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
            if let d = Double(raw) { values[key] = .number(d) }
            else if raw == "true" || raw == "false" { values[key] = .flag(raw == "true") }
            else if raw.contains(","), case let parts = raw.split(separator: ",").compactMap({ Double($0) }),
                    parts.count == raw.split(separator: ",").count { values[key] = .numbers(parts) }
            else { values[key] = .text(raw) }
        }
        self.values = values
    }

    func number(_ key: String, default value: Float) throws(LossOptionError) -> Float {
        switch values[key] {
        case nil: return value
        case .number(let d): return Float(d)
        default: throw .wrongType(key: key, expected: "a number")
        }
    }

    func choice<E: RawRepresentable & CaseIterable>(_ key: String, default value: E) throws(LossOptionError) -> E
    where E.RawValue == String {
        switch values[key] {
        case nil: return value
        case .text(let t):
            guard let e = E(rawValue: t) else {
                throw .wrongType(key: key, expected: "one of " + E.allCases.map(\.rawValue).joined(separator: ", "))
            }
            return e
        default: throw .wrongType(key: key, expected: "one of " + E.allCases.map(\.rawValue).joined(separator: ", "))
        }
    }

    func numbers(_ key: String) throws(LossOptionError) -> [Float]? {
        switch values[key] {
        case nil: return nil
        case .number(let d): return [Float(d)]
        case .numbers(let ds): return ds.map { Float($0) }
        default: throw .wrongType(key: key, expected: "a list of numbers")
        }
    }
}

/// A loss kind or option that cannot be built.
public enum LossOptionError: Error, Equatable, CustomStringConvertible {
    case unknownKind(String)
    case unknownOption(kind: String, key: String)
    case wrongType(key: String, expected: String)
    case malformed(String)

    public var description: String {
        switch self {
        case .unknownKind(let k): "unknown loss kind '\(k)'; known: \(LossCatalog.kinds.joined(separator: ", "))"
        case .unknownOption(let kind, let key):
            "\(kind) has no option '\(key)'; its options: \(LossCatalog.options[kind, default: []].joined(separator: ", "))"
        case .wrongType(let key, let expected): "option '\(key)' must be \(expected)"
        case .malformed(let pair): "'\(pair)' is not key=value"
        }
    }
}
