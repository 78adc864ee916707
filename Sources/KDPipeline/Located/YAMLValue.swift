/// A YAML value with the location of every node and every key, aliases and merge keys already resolved.
///
/// Yams' `Node` is not `Sendable` and keeps no key locations once merged, so the pipeline works on this tree.
public struct YAMLValue: Sendable, Hashable {
    /// What a node holds; plain scalars are typed by the YAML 1.1 core rules, quoted scalars are strings.
    public enum Content: Sendable, Hashable {
        case null
        case bool(Bool)
        case int(Int)
        case float(Double)
        case string(String)
        case list([YAMLValue])
        case map([Entry])
    }

    /// One `key: value` pair of a mapping.
    public struct Entry: Sendable, Hashable {
        /// The key as written.
        public var key: String
        /// Where the key was written (diagnostics about the key itself point here).
        public var keyLocation: SourceLocation
        /// The value.
        public var value: YAMLValue

        /// A pair `key: value` with the key written at `keyLocation`.
        public init(key: String, keyLocation: SourceLocation, value: YAMLValue) {
            self.key = key
            self.keyLocation = keyLocation
            self.value = value
        }
    }

    /// The node's content.
    public var content: Content
    /// Where the node starts.
    public var location: SourceLocation

    /// A node holding `content`, written at `location`.
    public init(_ content: Content, at location: SourceLocation) {
        self.content = content
        self.location = location
    }
}

extension YAMLValue {
    /// The value for `key` when this is a mapping.
    public subscript(key: String) -> YAMLValue? { entry(key)?.value }

    /// The entry for `key` when this is a mapping.
    public func entry(_ key: String) -> Entry? { entries?.first { $0.key == key } }

    /// The entries when this is a mapping.
    public var entries: [Entry]? {
        if case .map(let entries) = content { return entries }
        return nil
    }

    /// The elements when this is a sequence.
    public var list: [YAMLValue]? {
        if case .list(let items) = content { return items }
        return nil
    }

    /// The string when this is a string scalar.
    public var string: String? {
        if case .string(let text) = content { return text }
        return nil
    }

    /// The integer when this is an integer scalar.
    public var int: Int? {
        if case .int(let number) = content { return number }
        return nil
    }

    /// The number when this is an integer or floating-point scalar.
    public var double: Double? {
        switch content {
        case .int(let number): Double(number)
        case .float(let number): number
        default: nil
        }
    }

    /// The Boolean when this is a Boolean scalar.
    public var bool: Bool? {
        if case .bool(let flag) = content { return flag }
        return nil
    }

    /// True for `null`, `~` or an empty value.
    var isNull: Bool { content == .null }

    /// The value at a dotted path of mapping keys, e.g. `["optimisers", "student", "lr"]`.
    public func value(at path: some Collection<String>) -> YAMLValue? {
        guard let first = path.first else { return self }
        return self[first]?.value(at: path.dropFirst())
    }

    /// How a diagnostic names what it found: `string 'abc'`, `integer 3`, `a list`, `a mapping`.
    var kindDescription: String {
        switch content {
        case .null: "null"
        case .bool(let flag): "boolean \(flag)"
        case .int(let number): "integer \(number)"
        case .float(let number): "number \(number)"
        case .string(let text): "string '\(text)'"
        case .list: "a list"
        case .map: "a mapping"
        }
    }
}
