/// Checks a YAML tree against a schema, collecting every problem, and fills in defaults.
public struct SchemaValidator: Sendable {
    /// The kinds `kinded`, `oneOf` and `registeredName` schemas look up.
    public var registry: SchemaRegistry

    /// A validator that looks kinds up in `registry`.
    public init(registry: SchemaRegistry) {
        self.registry = registry
    }

    /// All problems in `value` against `schema`, and the tree with missing defaulted fields inserted
    /// (at the location of the mapping that lacked them).
    public func validate(_ value: YAMLValue, against schema: Schema, path: [String] = []) -> (YAMLValue, [Diagnostic]) {
        var problems: [Diagnostic] = []
        let normalized = check(value, schema, path, &problems)
        return (normalized, problems)
    }

    private func check(_ value: YAMLValue, _ schema: Schema, _ path: [String], _ problems: inout [Diagnostic])
        -> YAMLValue
    {
        func typeError() -> YAMLValue {
            problems.append(
                Diagnostic(
                    at: value.location, keyPath: path.dotted,
                    "expected \(schema.expectation), got \(value.kindDescription)"))
            return value
        }
        switch schema {
        case .any:
            return value
        case .string, .reference:
            return value.string == nil ? typeError() : value
        case .int(let minimum, let maximum):
            guard let number = value.int else { return typeError() }
            if let minimum, number < minimum { return typeError() }
            if let maximum, number > maximum { return typeError() }
            return value
        case .number(let range):
            guard let number = value.double else { return typeError() }
            if !range.contains(number) {
                problems.append(
                    Diagnostic(
                        at: value.location, keyPath: path.dotted,
                        "must be \(range), got \(value.int.map(String.init) ?? String(number))"))
            }
            return value
        case .bool:
            return value.bool == nil ? typeError() : value
        case .enumeration(let names):
            // YAML 1.1 reads a plain `off` (or `on`, `yes`, `no`) as a boolean; where the choices
            // hold exactly one spelling of that boolean, the user meant that choice.
            guard let name = value.string ?? value.bool.flatMap({ Self.spelling(of: $0, among: names) }) else {
                return typeError()
            }
            if !names.contains(name) {
                problems.append(
                    Diagnostic(
                        at: value.location, keyPath: path.dotted,
                        "'\(name)' is not one of: \(names.joined(separator: ", "))"
                            + Suggestion.didYouMean(name, in: names)))
            }
            return YAMLValue(.string(name), at: value.location)
        case .registeredName(let family):
            guard let name = value.string else { return typeError() }
            if registry.kind(name, in: family) == nil {
                problems.append(unknownKind(name, family: family, at: value.location, path: path))
            }
            return value
        case .list(let element):
            guard let items = value.list else { return typeError() }
            let checked = items.enumerated().map { check($1, element, path + ["\($0)"], &problems) }
            return YAMLValue(.list(checked), at: value.location)
        case .oneOrList(let element):
            if value.list != nil { return check(value, .list(element), path, &problems) }
            if element.takesMapping && value.entries == nil { return typeError() }
            return check(value, element, path, &problems)
        case .map(let element):
            guard let entries = value.entries else { return typeError() }
            let checked = entries.map { entry in
                var entry = entry
                entry.value = check(entry.value, element, path + [entry.key], &problems)
                return entry
            }
            return YAMLValue(.map(checked), at: value.location)
        case .object(let object):
            guard value.entries != nil else { return typeError() }
            return checkFields(value, object.fields, path, &problems)
        case .kinded(let kinded):
            guard value.entries != nil else { return typeError() }
            guard let fields = fields(of: kinded, in: value, path: path, problems: &problems) else { return value }
            return checkFields(value, fields, path, &problems)
        case .variants(let variants):
            guard value.entries != nil else { return typeError() }
            guard let variant = variant(of: variants, in: value, path: path, problems: &problems) else { return value }
            return checkFields(value, fields(of: variant, in: value), path, &problems)
        case .oneOf(let family):
            guard let entries = value.entries, entries.count == 1, let entry = entries.first else {
                let names = registry.names(in: family).joined(separator: ", ")
                problems.append(
                    Diagnostic(
                        at: value.location, keyPath: path.dotted,
                        "expected a single-key mapping {name: value} with name one of: \(names); got \(value.kindDescription)"
                    ))
                return value
            }
            guard let kind = registry.kind(entry.key, in: family) else {
                problems.append(unknownKind(entry.key, family: family, at: entry.keyLocation, path: path + [entry.key]))
                return value
            }
            var checked = entry
            checked.value = check(entry.value, kind.schema, path + [entry.key], &problems)
            return YAMLValue(.map([checked]), at: value.location)
        }
    }

    /// The fields of a `kinded` object given the kind it names, or nil after reporting why none apply.
    func fields(of kinded: KindedSchema, in value: YAMLValue, path: [String], problems: inout [Diagnostic]) -> [Field]?
    {
        let discriminator = Field(kinded.discriminator, .string, .required)
        guard let kindValue = value[kinded.discriminator] else {
            problems.append(
                Diagnostic(
                    at: value.location, keyPath: (path + [kinded.discriminator]).dotted,
                    "missing required key '\(kinded.discriminator)'"))
            return nil
        }
        guard let name = kindValue.string else {
            problems.append(
                Diagnostic(
                    at: kindValue.location, keyPath: (path + [kinded.discriminator]).dotted,
                    "expected a string, got \(kindValue.kindDescription)"))
            return nil
        }
        guard let kind = registry.kind(name, in: kinded.family) else {
            problems.append(
                unknownKind(name, family: kinded.family, at: kindValue.location, path: path + [kinded.discriminator]))
            return nil
        }
        guard case .object(let own) = kind.schema else { return [discriminator] + kinded.commonFields }
        return [discriminator] + kinded.commonFields + own.fields
    }

    /// A variant's fields, plus the own fields of the kind its key names when that key is a
    /// registered name (a connector stage's kind adds `to:` and its options).
    func fields(of variant: Variant, in value: YAMLValue) -> [Field] {
        guard
            case .registeredName(let family)? = variant.schema.fields.first(where: { $0.name == variant.key })?.schema,
            let name = value[variant.key]?.string, case .object(let own)? = registry.kind(name, in: family)?.schema
        else { return variant.schema.fields }
        return variant.schema.fields + own.fields
    }

    /// The variant whose distinguishing key `value` has, or nil after reporting none or several.
    func variant(of variants: [Variant], in value: YAMLValue, path: [String], problems: inout [Diagnostic]) -> Variant?
    {
        let present = variants.filter { value[$0.key] != nil }
        let keys = variants.map { "'\($0.key)'" }.joined(separator: ", ")
        if present.count == 1 { return present[0] }
        let message =
            present.isEmpty
            ? "needs exactly one of \(keys)"
            : "has \(present.map { "'\($0.key)'" }.joined(separator: " and ")); it needs exactly one of \(keys)"
        problems.append(Diagnostic(at: value.location, keyPath: path.dotted, message))
        return nil
    }

    private func checkFields(_ value: YAMLValue, _ fields: [Field], _ path: [String], _ problems: inout [Diagnostic])
        -> YAMLValue
    {
        let entries = value.entries ?? []
        var result: [YAMLValue.Entry] = []
        for entry in entries {
            guard let field = fields.first(where: { $0.name == entry.key }) else {
                let names = fields.map(\.name)
                let hint =
                    Suggestion.closest(to: entry.key, in: names).map { "; did you mean '\($0)'?" }
                    ?? "; expected one of: \(names.joined(separator: ", "))"
                problems.append(
                    Diagnostic(at: entry.keyLocation, keyPath: (path + [entry.key]).dotted, "unknown key" + hint))
                continue
            }
            if entry.value.isNull, case .optional = field.requirement { continue }
            var checked = entry
            checked.value = check(entry.value, field.schema, path + [entry.key], &problems)
            result.append(checked)
        }
        for field in fields where !entries.contains(where: { $0.key == field.name }) {
            switch field.requirement {
            case .required:
                problems.append(
                    Diagnostic(
                        at: value.location, keyPath: (path + [field.name]).dotted,
                        "missing required key '\(field.name)'"))
            case .optional:
                break
            case .defaultValue(let content):
                let defaulted = check(
                    YAMLValue(content, at: value.location), field.schema, path + [field.name], &problems)
                result.append(YAMLValue.Entry(key: field.name, keyLocation: value.location, value: defaulted))
            }
        }
        return YAMLValue(.map(result), at: value.location)
    }

    private func unknownKind(_ name: String, family: String, at location: SourceLocation, path: [String]) -> Diagnostic
    {
        let known = registry.names(in: family)
        let message =
            known.isEmpty
            ? "unknown \(family) kind '\(name)'; no \(family) kinds are registered"
            : "unknown \(family) kind '\(name)'\(Suggestion.didYouMean(name, in: known)) (known: \(known.joined(separator: ", ")))"
        return Diagnostic(at: location, keyPath: path.dotted, message)
    }
}

extension [String] {
    /// `a.b.c`
    var dotted: String { joined(separator: ".") }
}

extension SchemaValidator {
    /// The one choice in `names` that YAML 1.1 reads as `flag` (`off`, `no`, `false`, `n` or
    /// their opposites), if exactly one is there.
    static func spelling(of flag: Bool, among names: [String]) -> String? {
        let spellings = flag ? ["on", "yes", "true", "y"] : ["off", "no", "false", "n"]
        let matches = names.filter { spellings.contains($0.lowercased()) }
        return matches.count == 1 ? matches[0] : nil
    }
}
