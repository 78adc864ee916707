import Foundation
import KDTensor

/// Model and optimiser checkpoints as safetensors files with PyTorch's state-dict names and
/// layouts, written atomically.
public enum Checkpoint {
    /// What loading found besides the tensors it set.
    public struct LoadReport: Sendable, Equatable {
        /// Names the module has but the file lacks.
        public var missing: [String] = []
        /// Names the file has but the module lacks.
        var unexpected: [String] = []
        /// Names present in both with different shapes: "name: file [a, b] vs model [c, d]".
        var mismatched: [String] = []
        /// Whether every name matched in both directions with equal shapes.
        var isExact: Bool { missing.isEmpty && unexpected.isEmpty && mismatched.isEmpty }
    }

    /// A checkpoint did not fit the model.
    struct MismatchError: Error, CustomStringConvertible {
        public let file: String
        public let report: LoadReport
        public var description: String {
            var lines = ["\(file) does not fit the model:"]
            if !report.missing.isEmpty { lines.append("  missing: " + report.missing.joined(separator: ", ")) }
            if !report.unexpected.isEmpty { lines.append("  unexpected: " + report.unexpected.joined(separator: ", ")) }
            if !report.mismatched.isEmpty {
                lines.append("  shape mismatch: " + report.mismatched.joined(separator: "; "))
            }
            return lines.joined(separator: "\n")
        }
    }

    /// The module's state dict (parameters and buffers) under `prefix`.
    public static func stateDict(of module: Module, prefix: String = "", into file: inout Safetensors) {
        for (name, p) in module.namedParameters() { file.set(prefix + name, p.value) }
        for (name, b) in module.namedBuffers() {
            if b.isInteger {
                file.setInt64(prefix + name, b.value.scalars.map { Int64($0) }, shape: b.value.shape)
            } else {
                file.set(prefix + name, b.value)
            }
        }
    }

    /// Writes one module's state dict atomically.
    public static func save(_ module: Module, to url: URL, metadata: [String: String] = [:]) throws {
        var file = Safetensors(metadata: metadata)
        stateDict(of: module, into: &file)
        try AtomicFile.write(file.serialized(), to: url)
    }

    /// Sets the module's tensors from `file` (names under `prefix`); with `strict`, throws unless
    /// every name and shape matches, before changing anything.
    @discardableResult
    public static func load(_ module: Module, from file: Safetensors, prefix: String = "", strict: Bool = true) throws
        -> LoadReport
    {
        var report = LoadReport()
        var assignments: [(Tensor) -> Void] = []
        var values: [Tensor] = []
        var used = Set<String>()
        let params: [(String, Shape, (Tensor) -> Void)] = module.namedParameters().map { name, p in
            (name, p.value.shape, { p.value = $0 })
        }
        let buffers: [(String, Shape, (Tensor) -> Void)] = module.namedBuffers().map { name, b in
            (name, b.value.shape, { b.value = $0 })
        }
        for (name, shape, assign) in params + buffers {
            let key = prefix + name
            guard let entry = file.entries[key] else {
                report.missing.append(key)
                continue
            }
            used.insert(key)
            guard entry.shape == shape else {
                report.mismatched.append("\(key): file \(entry.shape) vs model \(shape)")
                continue
            }
            values.append(try file.tensor(key))
            assignments.append(assign)
        }
        report.unexpected = file.entries.keys.filter { $0.hasPrefix(prefix) && !used.contains($0) }.sorted()
        if strict && !report.isExact { throw MismatchError(file: file.origin, report: report) }
        for (assign, value) in zip(assignments, values) { assign(value) }
        return report
    }

    /// Reads a safetensors file and loads it into the module.
    @discardableResult
    public static func load(_ module: Module, from url: URL, prefix: String = "", strict: Bool = true) throws
        -> LoadReport
    {
        try load(module, from: try Safetensors(contentsOf: url), prefix: prefix, strict: strict)
    }

    /// Writes the tensors under `prefix` of a multi-model checkpoint, with the prefix removed
    /// (e.g. the student alone).
    public static func export(from source: Safetensors, prefix: String, to url: URL) throws {
        var out = Safetensors(metadata: source.metadata)
        for (name, entry) in source.entries where name.hasPrefix(prefix) {
            out.entries[String(name.dropFirst(prefix.count))] = entry
        }
        guard !out.entries.isEmpty else {
            throw Safetensors.FormatError.missing(source.origin, tensor: prefix + "*")
        }
        try AtomicFile.write(out.serialized(), to: url)
    }

    /// Saves an optimiser's state (per-parameter tensors, step count) next to the weights.
    public static func saveOptimizer(_ optimizer: Optimizer, to url: URL) throws {
        var file = Safetensors(metadata: ["step": String(optimizer.stepCount)])
        for (param, entries) in optimizer.state {
            for (key, value) in entries { file.set("\(param).\(key)", value) }
        }
        try AtomicFile.write(file.serialized(), to: url)
    }

    /// Restores an optimiser's state written by `saveOptimizer`.
    public static func loadOptimizer(_ optimizer: Optimizer, from url: URL) throws {
        let file = try Safetensors(contentsOf: url)
        let names = optimizer.groups.flatMap { $0.parameters.map(\.0) }.sorted { $0.count > $1.count }
        var state: [String: [String: Tensor]] = [:]
        for key in file.entries.keys {
            guard let param = names.first(where: { key.hasPrefix($0 + ".") }) else {
                throw Safetensors.FormatError.badEntry(file.origin, tensor: key, reason: "no such optimiser parameter")
            }
            state[param, default: [:]][String(key.dropFirst(param.count + 1))] = try file.tensor(key)
        }
        optimizer.restore(stepCount: Int(file.metadata["step"] ?? "0") ?? 0, state: state)
    }
}
