@testable import KDPipeline
import Testing

@Suite struct GraphTests {
    @Test func nodesComeInTopologicalOrder() throws {
        let graph = try Fixtures.loader.load(yaml: Fixtures.valid, file: "kd.yaml").graph
        #expect(
            graph.nodes.map(\.id) == [
                "data.train", "data.eval", "augment", "teacher", "student", "align",
                "loss.ce", "loss.kd", "loss.ofd", "optimisers.student",
            ])
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

}
