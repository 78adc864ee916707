import Foundation

/// A loaded pipeline: the typed spec, its DAG, and the warnings that did not stop it.
public struct LoadedPipeline: Sendable {
    /// The typed spec.
    public var spec: PipelineSpec
    /// The dataflow DAG.
    public var graph: PipelineGraph
    /// Warnings (never errors), in file order.
    public var warnings: [Diagnostic]
}

/// Loads a pipeline file: parse, apply overrides, validate against the schema, decode, build the DAG,
/// run the structural and the caller's checks — reporting every problem at once.
public struct PipelineLoader: Sendable {
    /// A semantic check of the upper layer (taps a model lacks, shape mismatches); runs only when the
    /// file has no other error, and points at locations kept in the spec.
    public typealias Check = @Sendable (PipelineSpec, PipelineGraph) -> [Diagnostic]

    /// Kinds the file may name.
    public var registry: SchemaRegistry
    /// Extra checks, run in order.
    public var checks: [Check]

    /// A loader for kinds in `registry`, running `checks` after the built-in ones.
    public init(registry: SchemaRegistry, checks: [Check] = []) {
        self.registry = registry
        self.checks = checks
    }

    /// Reads and loads the file at `path`, applying `overrides` (`key.path=value`) first.
    public func load(file path: String, overrides: [String] = []) throws(PipelineDiagnostics) -> LoadedPipeline {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw PipelineDiagnostics([
                Diagnostic(
                    at: SourceLocation(file: path, line: 1, column: 1), keyPath: "",
                    "cannot read file: \(error.localizedDescription)")
            ])
        }
        return try load(yaml: text, file: path, overrides: overrides)
    }

    /// Loads pipeline YAML `text`, reporting locations in `file`.
    public func load(yaml text: String, file: String, overrides: [String] = []) throws(PipelineDiagnostics)
        -> LoadedPipeline
    {
        var tree = try YAMLValue.parse(text, file: file)
        let validator = SchemaValidator(registry: registry)
        var overrideProblems: [Diagnostic] = []
        for text in overrides {
            do {
                let override = try Override(text)
                if let problem = override.apply(to: &tree, schema: PipelineSchema.file, validator: validator) {
                    overrideProblems.append(problem)
                }
            } catch {
                overrideProblems.append(error)
            }
        }
        let (validated, schemaProblems) = validator.validate(tree, against: PipelineSchema.file)
        var problems = schemaProblems
        if let version = validated["kdflow"], let number = version.int, number != PipelineSchema.formatVersion {
            problems.append(
                Diagnostic(
                    at: version.location, keyPath: "kdflow",
                    "unsupported format version \(number); this build reads \(PipelineSchema.formatVersion)"))
        }
        let spec = PipelineSpec(decoding: validated, file: file, registry: registry)
        let graph = PipelineGraph(spec)
        problems += graph.structuralDiagnostics(of: spec, reachability: !problems.hasErrors && overrideProblems.isEmpty)
        if !problems.hasErrors && overrideProblems.isEmpty {
            for check in checks { problems += check(spec, graph) }
        }
        let all = overrideProblems + problems.sortedByLocation()
        if all.hasErrors { throw PipelineDiagnostics(all) }
        return LoadedPipeline(spec: spec, graph: graph, warnings: all)
    }
}
