import KDData
import KDPipeline

extension TrainingPlan {
    /// What a node does, in a few words.
    func detail(_ stage: Stage) -> String {
        switch stage.kind {
        case .data:
            return "shards " + trainData.map(\.relativePath).joined(separator: " + ")
        case .stream(let s):
            return "augment " + (s.ops.isEmpty ? "(none)" : s.ops.map(\.name).joined(separator: ", "))
                + ", views \(s.views)"
                + (s.fresh > 0 ? ", fresh \(s.fresh)" : "")
        case .frozenForward(let f):
            return
                "frozen forward \(f.model) (\(model(named: f.model)?.arch ?? "?")), taps \(f.taps.joined(separator: ", "))"
                + (f.store.map { ", stored in \($0.directory.relativePath)" } ?? "")
        case .ensemble(let e):
            return "ensemble over \(e.over.rawValue), weights " + e.weights.map { "\($0)" }.joined(separator: ", ")
        case .step:
            return "train step"
        }
    }

    /// What runs inside the step node, one line each: trainable forwards, connectors, loss terms, optimisers.
    var stepMembers: [(name: String, detail: String, reads: [String])] {
        var out = trainableForwards.map { f in
            (f.name, "forward \(f.model) (\(model(named: f.model)?.arch ?? "?"))", ["\(f.stream).images"])
        }
        out += connectors.map { ($0.name, "connector \($0.kind)", $0.inputs.sorted { $0.key < $1.key }.map(\.value)) }
        out += loss.terms.map { t in
            (
                "loss.\(t.name)", "loss \(type(of: t.function)) ×\(t.weight.value)",
                t.bindings.sorted { $0.key < $1.key }.map(\.value)
                    + (t.function.needsLabels ? ["\(Self.dataStage).labels"] : [])
            )
        }
        out += optimizers.map { o in
            (
                "optimisers.\(o.name)", "optimiser \(o.kind.rawValue) of \(o.parameters.joined(separator: ", "))",
                loss.terms.map { "loss.\($0.name)" }
            )
        }
        return out
    }

    /// The executor's nodes, one line each (`name  [detail]  <- inputs`), the step's members indented below it.
    public func renderStages() -> String {
        let nodes = stages
        let width = (nodes.map(\.name.count) + stepMembers.map { $0.name.count + 2 }).max() ?? 0
        func line(_ name: String, _ detail: String, _ reads: [String]) -> String {
            name.padding(toLength: width, withPad: " ", startingAt: 0) + "  [\(detail)]"
                + (reads.isEmpty ? "" : "  <- " + reads.joined(separator: ", "))
        }
        var lines: [String] = []
        for node in nodes {
            lines.append(line(node.name, detail(node), node.inputs))
            if case .step = node.kind {
                lines += stepMembers.map { line("  " + $0.name, $0.detail, $0.reads) }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Graphviz DOT of the executor's nodes; the step's members are a cluster inside the step node.
    public func renderStagesDOT() -> String {
        func quoted(_ text: String) -> String { "\"" + text.replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
        var lines = ["digraph \(quoted(name)) {", "  rankdir=LR;", "  node [fontname=\"Helvetica\", shape=box];"]
        let members = stepMembers
        let memberNames = Set(members.map(\.name))
        for node in stages {
            if case .step = node.kind {
                lines.append("  subgraph \"cluster_step\" {")
                lines.append("    label=\(quoted("step: \(detail(node))"));")
                for m in members { lines.append("    \(quoted(m.name)) [label=\(quoted("\(m.name)\\n\(m.detail)"))];") }
                lines.append("  }")
            } else {
                let shape = node.name == Self.dataStage ? "cylinder" : "box"
                lines.append(
                    "  \(quoted(node.name)) [shape=\(shape), label=\(quoted("\(node.name)\\n\(detail(node))"))];")
                for input in node.inputs { lines.append("  \(quoted(input)) -> \(quoted(node.name));") }
            }
        }
        for m in members {
            for read in m.reads {
                let value = Reference(parsing: read)
                let (source, output) = memberNames.contains(read) ? (read, nil) : (value.node, value.output)
                lines.append(
                    "  \(quoted(source)) -> \(quoted(m.name))" + (output.map { " [label=\(quoted($0))]" } ?? "") + ";")
            }
        }
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }
}
