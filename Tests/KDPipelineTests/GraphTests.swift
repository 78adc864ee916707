import KDPipeline
import Testing

@Suite struct GraphTests {
    @Test func nodesComeInTopologicalOrder() throws {
        let graph = try Fixtures.loader.load(yaml: Fixtures.valid, file: "kd.yaml").graph
        #expect(graph.nodes.map(\.id) == ["data.train", "data.eval", "augment", "teacher", "student", "align",
                                          "loss.ce", "loss.kd", "loss.ofd", "optimisers.student"])
        #expect(graph.inputs(of: "align") == ["student", "teacher"])
        #expect(graph.inputs(of: "optimisers.student") == ["loss.ce", "loss.kd", "loss.ofd"])
        #expect(graph.consumers(of: "augment") == ["teacher", "student", "loss.ce"])
    }

    @Test func consumersDeclaredFirstStillComeAfterTheirProducers() throws {
        var yaml = Fixtures.valid
        let augment = yaml.split(separator: "\n").first { $0.hasPrefix("  augment:") }!
        yaml = yaml.replacingOccurrences(of: augment + "\n", with: "")
        yaml = yaml.replacingOccurrences(of: "  align:", with: augment + "\n  align:")
        let graph = try Fixtures.loader.load(yaml: yaml, file: "kd.yaml").graph
        let order = graph.nodes.map(\.id)
        #expect(order.firstIndex(of: "augment")! < order.firstIndex(of: "teacher")!)
        #expect(order.firstIndex(of: "augment")! < order.firstIndex(of: "student")!)
    }

    @Test func textRenderingListsInputs() throws {
        let text = try Fixtures.loader.load(yaml: Fixtures.valid, file: "kd.yaml").graph.renderText()
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.count == 10)
        #expect(lines[2] == "augment             [augment pad_crop, hflip, normalize, views 4]  <- data.train")
        #expect(lines[5] == "align               [connector conv1x1_bn]  <- student.layer3.preact, teacher.layer3.preact")
        #expect(lines[7] == "loss.kd             [loss kd ×0.9]  <- student.logits, teacher.logits")
    }

    @Test func dotHasOneStatementPerNodeAndEdge() throws {
        let graph = try Fixtures.loader.load(yaml: Fixtures.valid, file: "kd.yaml").graph
        let dot = graph.renderDOT(name: "fashion-kd")
        let lines = dot.split(separator: "\n").map(String.init)
        #expect(lines.first == "digraph \"fashion-kd\" {")
        #expect(lines.last == "}")
        #expect(lines.filter { $0.contains(" -> ") }.count == graph.edges.count)
        #expect(lines.filter { $0.contains("[shape=") }.count == graph.nodes.count)
        #expect(lines.contains("  \"data.train\" [shape=cylinder, label=\"data.train\\nshards data/fashion-mnist/train\"];"))
        #expect(lines.contains("  \"augment\" -> \"teacher\";"))
        #expect(lines.contains("  \"student\" -> \"loss.kd\" [label=\"logits\"];"))
    }
}
