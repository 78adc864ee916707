/// The dataflow DAG of a pipeline: data splits, stages, loss terms and optimisers, joined by references.
public struct PipelineGraph: Sendable {
    /// One node of the DAG.
    public struct Node: Sendable, Hashable {
        /// What a node is.
        public enum Kind: String, Sendable, Hashable {
            case source, augmentation, forward, connector, ensemble, lossTerm, optimizer
        }

        /// Unique id: `data.train`, a stage name, `loss.<term>` or `optimisers.<name>`.
        public var id: String
        /// The node's kind.
        public var kind: Kind
        /// Where the node was declared.
        public var location: SourceLocation
        /// A short description for renderings: `forward teacher`, `loss kd ×0.9`, `sgd`.
        public var detail: String
    }

    /// One edge: `to` reads `from` (the whole value, or its named `output`).
    struct Edge: Sendable, Hashable {
        /// The producing node's id.
        public var from: String
        /// The consuming node's id.
        public var to: String
        /// The output read (`logits`, `layer3.preact`), nil for the whole value.
        public var output: String?
    }

    /// Nodes in topological order (producers before consumers; ties in file order).
    public internal(set) var nodes: [Node]
    /// Edges in the order references were written.
    var edges: [Edge]

    /// The node with `id`.
    public func node(_ id: String) -> Node? { nodes.first { $0.id == id } }

    /// Ids of the nodes `id` reads, in order written, without repeats.
    public func inputs(of id: String) -> [String] {
        var seen = Set<String>()
        return edges.filter { $0.to == id && seen.insert($0.from).inserted }.map(\.from)
    }

    /// Ids of the nodes that read `id`.
    func consumers(of id: String) -> [String] {
        var seen = Set<String>()
        return edges.filter { $0.from == id && seen.insert($0.to).inserted }.map(\.to)
    }

    /// The dataflow DAG of `spec`. References to missing nodes get no edge (the checks report them);
    /// nodes on a cycle come after all others, in file order.
    public init(_ spec: PipelineSpec) {
        let train = spec.data.train
        var declared = [
            Node(
                id: "data.train", kind: .source, location: train[0].location,
                detail: "shards \(train.map(\.shards).joined(separator: " + "))")
        ]
        declared += [spec.data.eval].compactMap { $0 }.map {
            Node(id: $0.name, kind: .source, location: $0.location, detail: "shards \($0.shards)")
        }
        for stage in spec.stages {
            let (kind, detail): (Node.Kind, String) =
                switch stage.kind {
                case .augmentation(let augmentation):
                    (
                        .augmentation,
                        "augment \(augmentation.ops.map(\.name.value).joined(separator: ", ")), views \(augmentation.views)"
                    )
                case .forward(let forward):
                    (.forward, "forward \(forward.model.value)" + (forward.store == nil ? "" : ", stored"))
                case .connector(let connector):
                    (.connector, "connector \(connector.connector.value)")
                case .ensemble(let ensemble):
                    (.ensemble, "ensemble over \(ensemble.over.rawValue)")
                }
            declared.append(Node(id: stage.name, kind: kind, location: stage.location, detail: detail))
        }
        declared += spec.loss.map {
            Node(
                id: "loss.\($0.name)", kind: .lossTerm, location: $0.location,
                detail: "loss \($0.kind.value) ×\($0.weight)")
        }
        declared += spec.optimizers.map {
            Node(
                id: "optimisers.\($0.name)", kind: .optimizer, location: $0.location,
                detail: "optimiser \($0.kind.value)")
        }
        let ids = Set(declared.map(\.id))

        var edges: [Edge] = []
        func connect(_ reference: Reference, to consumer: String) {
            if ids.contains(reference.node) {
                edges.append(Edge(from: reference.node, to: consumer, output: reference.output))
            }
        }
        for stage in spec.stages {
            for input in stage.inputs { connect(input.value, to: stage.name) }
        }
        for term in spec.loss {
            for input in term.inputs { connect(input.reference.value, to: "loss.\(term.name)") }
        }
        // A term feeds an optimiser when some phase has both active; edges in file order of terms.
        var stepped = Set<Edge>()
        for phase in spec.phases {
            let terms = phase.loss.map { Set($0.map(\.value)) }
            let optimizers = phase.optimizers.map { Set($0.map(\.value)) }
            for term in spec.loss where terms?.contains(term.name) ?? true {
                for optimizer in spec.optimizers where optimizers?.contains(optimizer.name) ?? true {
                    stepped.insert(Edge(from: "loss.\(term.name)", to: "optimisers.\(optimizer.name)", output: nil))
                }
            }
        }
        for term in spec.loss {
            for optimizer in spec.optimizers {
                let edge = Edge(from: "loss.\(term.name)", to: "optimisers.\(optimizer.name)", output: nil)
                if stepped.contains(edge) { edges.append(edge) }
            }
        }
        self.edges = edges
        self.nodes = Self.topologicalOrder(declared, edges)
    }

    /// Kahn's algorithm, always taking the earliest-declared ready node so the order is stable.
    private static func topologicalOrder(_ declared: [Node], _ edges: [Edge]) -> [Node] {
        var indegree = Dictionary(uniqueKeysWithValues: declared.map { ($0.id, 0) })
        for edge in Set(edges.map { [$0.from, $0.to] }) { indegree[edge[1], default: 0] += 1 }
        var ordered: [Node] = []
        var placed = Set<String>()
        while let next = declared.first(where: { !placed.contains($0.id) && indegree[$0.id] == 0 }) {
            ordered.append(next)
            placed.insert(next.id)
            for consumer in Set(edges.filter { $0.from == next.id }.map(\.to)) { indegree[consumer, default: 0] -= 1 }
        }
        return ordered + declared.filter { !placed.contains($0.id) }
    }
}
