import Yams

extension YAMLValue {
    /// Parses one YAML document; syntax errors become located diagnostics. An empty document is `null`.
    public static func parse(_ text: String, file: String) throws(PipelineDiagnostics) -> YAMLValue {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw PipelineDiagnostics([diagnostic(for: error, file: file)])
        } catch {
            throw PipelineDiagnostics([
                Diagnostic(
                    at: SourceLocation(file: file, line: 1, column: 1), keyPath: "",
                    "cannot parse YAML: \(error)")
            ])
        }
        guard let root else { return YAMLValue(.null, at: SourceLocation(file: file, line: 1, column: 1)) }
        var problems: [Diagnostic] = []
        var limits = Limits()
        let value = convert(root, file: file, path: [], problems: &problems, limits: &limits)
        if !problems.isEmpty { throw PipelineDiagnostics(problems) }
        return value
    }

    private static func location(_ mark: Mark?, file: String) -> SourceLocation {
        SourceLocation(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1)
    }

    /// Aliases repeat their anchor's whole subtree: a small file can expand without bound ("billion
    /// laughs"). A pipeline has a few hundred values; these bounds stop expansion long before memory
    /// or time run out.
    struct Limits {
        static let maxValues = 100_000
        static let maxDepth = 64
        var values = 0
        var exceeded = false
    }

    private static func convert(
        _ node: Node, file: String, path: [String], problems: inout [Diagnostic],
        limits: inout Limits
    ) -> YAMLValue {
        let at = location(node.mark, file: file)
        limits.values += 1
        if limits.values > Limits.maxValues || path.count > Limits.maxDepth {
            if !limits.exceeded {
                limits.exceeded = true
                problems.append(
                    Diagnostic(
                        at: at, keyPath: path.joined(separator: "."),
                        "the document expands to more than \(Limits.maxValues) values or \(Limits.maxDepth) levels (aliases repeat their anchor's subtree); a pipeline file needs far fewer"
                    ))
            }
            return YAMLValue(.null, at: at)
        }
        switch node {
        case .scalar(let scalar):
            return YAMLValue(scalarContent(scalar, node: node), at: at)
        case .sequence(let sequence):
            let items = sequence.enumerated().map { index, item in
                convert(item, file: file, path: path + ["\(index)"], problems: &problems, limits: &limits)
            }
            return YAMLValue(.list(items), at: at)
        case .mapping(let mapping):
            return YAMLValue(
                .map(entries(of: mapping, file: file, path: path, problems: &problems, limits: &limits)), at: at)
        case .alias:
            // `compose` resolves aliases; an unresolved one cannot be located more precisely.
            return YAMLValue(.null, at: at)
        }
    }

    /// Typing follows Yams' resolver (YAML 1.1 core rules); a quoted or tagged-`!!str` scalar stays a string.
    private static func scalarContent(_ scalar: Node.Scalar, node: Node) -> Content {
        switch node.tag.rawValue {
        case Tag.Name.null.rawValue: return .null
        case Tag.Name.bool.rawValue: return node.bool.map(Content.bool) ?? .string(scalar.string)
        case Tag.Name.int.rawValue: return node.int.map(Content.int) ?? .string(scalar.string)
        case Tag.Name.float.rawValue: return node.float.map(Content.float) ?? .string(scalar.string)
        default: return .string(scalar.string)
        }
    }

    /// Entries with merge keys (`<<: *base` or `<<: [*a, *b]`) expanded: explicit keys win over merged
    /// ones, and earlier merged mappings win over later ones, as the YAML merge-key spec says.
    private static func entries(
        of mapping: Node.Mapping, file: String, path: [String],
        problems: inout [Diagnostic], limits: inout Limits
    ) -> [Entry] {
        var result: [Entry] = []
        for (keyNode, valueNode) in mapping {
            if isMergeKey(keyNode) {
                let sources: [Node] = valueNode.sequence.map { Array($0) } ?? [valueNode]
                for source in sources {
                    guard source.mapping != nil else {
                        problems.append(
                            Diagnostic(
                                at: location(source.mark, file: file), keyPath: path.joined(separator: "."),
                                "a merge key (<<) takes a mapping or a list of mappings"))
                        continue
                    }
                    let merged = convert(source, file: file, path: path, problems: &problems, limits: &limits)
                    for entry in merged.entries ?? [] where !result.contains(where: { $0.key == entry.key }) {
                        result.append(entry)
                    }
                }
                continue
            }
            let key = keyNode.scalar?.string ?? "\(keyNode.any)"
            let value = convert(valueNode, file: file, path: path + [key], problems: &problems, limits: &limits)
            let entry = Entry(key: key, keyLocation: location(keyNode.mark, file: file), value: value)
            if let merged = result.firstIndex(where: { $0.key == key }) {
                result[merged] = entry
            } else {
                result.append(entry)
            }
        }
        return result
    }

    private static func isMergeKey(_ node: Node) -> Bool {
        guard let scalar = node.scalar, scalar.string == "<<" else { return false }
        return scalar.style == .plain || scalar.style == .any
    }

    private static func diagnostic(for error: YamlError, file: String) -> Diagnostic {
        func located(_ mark: Mark, _ message: String) -> Diagnostic {
            Diagnostic(at: location(mark, file: file), keyPath: "", message)
        }
        switch error {
        case let .scanner(_, problem, mark, _), let .parser(_, problem, mark, _), let .composer(_, problem, mark, _):
            return located(mark, "invalid YAML: \(problem)")
        case let .duplicatedKeysInMapping(duplicates, context):
            let names = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            return located(context.mark, "duplicate key \(names)")
        default:
            return Diagnostic(at: SourceLocation(file: file, line: 1, column: 1), keyPath: "", "invalid YAML: \(error)")
        }
    }
}
