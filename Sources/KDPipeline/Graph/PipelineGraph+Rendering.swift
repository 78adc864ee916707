extension PipelineGraph {
    /// One line per node in topological order: `id  [detail]  <- input.output, …`.
    public func renderText() -> String {
        let width = nodes.map(\.id.count).max() ?? 0
        return nodes.map { node in
            let reads = edges.filter { $0.to == node.id }.map { edge in edge.output.map { "\(edge.from).\($0)" } ?? edge.from }
            let padded = node.id.padding(toLength: width, withPad: " ", startingAt: 0)
            return "\(padded)  [\(node.detail)]" + (reads.isEmpty ? "" : "  <- " + reads.joined(separator: ", "))
        }.joined(separator: "\n") + "\n"
    }

    /// Graphviz DOT: one statement per node (shape by kind), one per edge (labelled with the output read).
    public func renderDOT(name: String = "pipeline") -> String {
        var lines = ["digraph \(quoted(name)) {", "  rankdir=LR;", "  node [fontname=\"Helvetica\"];"]
        for node in nodes {
            lines.append("  \(quoted(node.id)) [shape=\(shape(node.kind)), label=\(quoted("\(node.id)\\n\(node.detail)"))];")
        }
        for edge in edges {
            let label = edge.output.map { " [label=\(quoted($0))]" } ?? ""
            lines.append("  \(quoted(edge.from)) -> \(quoted(edge.to))\(label);")
        }
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }

    private func shape(_ kind: Node.Kind) -> String {
        switch kind {
        case .source: "cylinder"
        case .augmentation, .forward: "box"
        case .connector: "component"
        case .lossTerm: "ellipse"
        case .optimiser: "doubleoctagon"
        }
    }

    private func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
