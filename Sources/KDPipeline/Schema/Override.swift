/// A command-line override `key.path=value`, applied to the YAML tree before validation.
///
/// The value is parsed as YAML (`0.05`, `true`, `[1, 2]`, `'007'`). The path may name any field its schema
/// declares, present in the file or not, but not a new entry of a free-form mapping (`models.x`, `loss.x`):
/// overrides change a pipeline, they do not add stages or terms. Values set by an override are located
/// in the pseudo-file `override 'key.path=value'`, so validation errors name the override.
struct Override: Sendable {
    /// The override as written.
    public var text: String
    /// The key path, split at dots.
    public var path: [String]
    /// The parsed value.
    public var value: YAMLValue

    /// The pseudo-file that override locations use.
    var file: String { "override '\(text)'" }

    /// Parses `key.path=value`.
    public init(_ text: String) throws(Diagnostic) {
        self.text = text
        let file = "override '\(text)'"
        guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
            throw Diagnostic(at: SourceLocation(file: file, line: 1, column: 1), keyPath: "", "expected key.path=value")
        }
        path = text[..<equals].split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        let valueColumn = text.distance(from: text.startIndex, to: equals) + 2
        if path.contains(where: \.isEmpty) {
            throw Diagnostic(at: SourceLocation(file: file, line: 1, column: 1), keyPath: "", "empty key in key path")
        }
        do {
            value = try YAMLValue.parse(String(text[text.index(after: equals)...]), file: file)
                .shifted(toColumn: valueColumn, file: file)
        } catch {
            var problem =
                error.diagnostics.first
                ?? Diagnostic(
                    at: SourceLocation(file: file, line: 1, column: valueColumn), keyPath: "", "invalid value")
            problem.keyPath = path.dotted
            throw problem
        }
    }

    /// Sets the value in `root`, or reports why the path does not exist in the schema.
    public func apply(to root: inout YAMLValue, schema: Schema, validator: SchemaValidator) -> Diagnostic? {
        set(in: &root, schema: schema, depth: 0, validator: validator)
    }

    private func column(ofComponent index: Int) -> Int {
        path[..<index].reduce(1) { $0 + $1.count + 1 }
    }

    private func unknown(_ depth: Int, _ message: String) -> Diagnostic {
        Diagnostic(
            at: SourceLocation(file: file, line: 1, column: column(ofComponent: depth)),
            keyPath: path[...depth].joined(separator: "."), message)
    }

    private func set(in node: inout YAMLValue, schema: Schema, depth: Int, validator: SchemaValidator) -> Diagnostic? {
        let key = path[depth]
        let isLast = depth == path.count - 1
        var entries = node.entries ?? []
        let childSchema: Schema
        var ignored: [Diagnostic] = []
        switch schema {
        case .oneOrList(let element):
            return set(
                in: &node, schema: node.list == nil ? element : .list(element), depth: depth, validator: validator)
        case .object(let object):
            guard let field = object.fields.first(where: { $0.name == key }) else {
                return unknown(depth, "unknown key" + hint(key, object.fields.map(\.name)))
            }
            childSchema = field.schema
        case .kinded(let kinded):
            let fields =
                validator.fields(of: kinded, in: node, path: [], problems: &ignored)
                ?? [Field(kinded.discriminator, .string)] + kinded.commonFields
            guard let field = fields.first(where: { $0.name == key }) else {
                return unknown(depth, "unknown key" + hint(key, fields.map(\.name)))
            }
            childSchema = field.schema
        case .variants(let variants):
            guard let variant = validator.variant(of: variants, in: node, path: [], problems: &ignored) else {
                return unknown(depth, "cannot tell which kind of entry this is")
            }
            let fields = validator.fields(of: variant, in: node)
            guard let field = fields.first(where: { $0.name == key }) else {
                return unknown(depth, "unknown key" + hint(key, fields.map(\.name)))
            }
            childSchema = field.schema
        case .map(let element):
            guard entries.contains(where: { $0.key == key }) else {
                return unknown(
                    depth, "no entry '\(key)'" + hint(key, entries.map(\.key)) + "; an override cannot add entries")
            }
            childSchema = element
        case .list(let element):
            guard let items = node.list, let index = Int(key), items.indices.contains(index) else {
                return unknown(depth, "no element \(key) in this list")
            }
            var items2 = items
            if isLast {
                items2[index] = value
            } else if let problem = set(in: &items2[index], schema: element, depth: depth + 1, validator: validator) {
                return problem
            }
            node = YAMLValue(.list(items2), at: node.location)
            return nil
        default:
            return unknown(
                depth, "'\(path[..<depth].joined(separator: "."))' is a single value; it has no key '\(key)'")
        }
        let location = SourceLocation(file: file, line: 1, column: column(ofComponent: depth))
        let index =
            entries.firstIndex { $0.key == key }
            ?? {
                entries.append(
                    YAMLValue.Entry(key: key, keyLocation: location, value: YAMLValue(.map([]), at: location)))
                return entries.count - 1
            }()
        if isLast {
            entries[index].value = value
        } else if let problem = set(
            in: &entries[index].value, schema: childSchema, depth: depth + 1, validator: validator)
        {
            return problem
        }
        node = YAMLValue(.map(entries), at: node.location)
        return nil
    }

    private func hint(_ key: String, _ names: [String]) -> String {
        Suggestion.didYouMean(key, in: names)
    }
}

extension YAMLValue {
    /// The same tree relocated to one line of `file`, starting at `column` (override values are one line).
    func shifted(toColumn column: Int, file: String) -> YAMLValue {
        let location = SourceLocation(file: file, line: 1, column: self.location.column + column - 1)
        switch content {
        case .list(let items):
            return YAMLValue(.list(items.map { $0.shifted(toColumn: column, file: file) }), at: location)
        case .map(let entries):
            return YAMLValue(
                .map(
                    entries.map { entry in
                        var entry = entry
                        entry.keyLocation = SourceLocation(
                            file: file, line: 1, column: entry.keyLocation.column + column - 1)
                        entry.value = entry.value.shifted(toColumn: column, file: file)
                        return entry
                    }), at: location)
        default:
            return YAMLValue(content, at: location)
        }
    }
}
