import Foundation
import KDTensor

/// A frozen classifier's evaluation-mode forward, planned once: no tape, batch norm folded into
/// the preceding convolution, weights packed (3×3 stride-1 ones in the Winograd domain), bias,
/// residual and ReLU applied as each block of a convolution's output is made, max-pool fused
/// where it follows, channels-last activations in buffers reused across batches, convolutions
/// on small maps run over groups of images, and the batch split across the thread budget (each
/// thread runs whole images).
///
/// Its taps agree with `Classifier.run` in evaluation mode to float rounding (the folded
/// weights and the summation order differ). The weights are read when an input shape is first
/// run: the model must not change afterwards.
public final class InferencePlan: @unchecked Sendable {
    // @unchecked: `programs` and `idle` are guarded by `lock`; a program is immutable once built,
    // and an arena is used by one thread at a time.
    private let model: Classifier
    private let taps: Set<String>
    private let lock = NSLock()
    private var programs: [[Int]: InferenceProgram] = [:]
    private var idle: [[Int]: [InferenceArena]] = [:]

    /// A plan computing `taps` (and `logits`) of `model`; nil when its architecture has no lowering.
    public init?(model: Classifier, taps: [String]) {
        guard Self.supports(model) else { return nil }
        self.model = model
        self.taps = Set(taps + ["logits"])
    }

    /// Images a thread takes at a time when several share the batch.
    static let chunkImages = 16

    /// Whether `model`'s architecture has a planned forward.
    public static func supports(_ model: Classifier) -> Bool {
        model is SmallCNN || model is CIFARResNet || model is WideResNet || model is MLP
    }

    /// The taps of `images` [N, C, H, W] by name (those the model records, as `run` would).
    public func callAsFunction(_ images: Tensor) -> [String: Tensor] {
        precondition(images.rank == 4, "InferencePlan expects NCHW images, got \(images.shape)")
        let n = images.shape[0], key = Array(images.shape.dims[1...])
        let program = self.program(for: key)
        let sizes = program.taps.map { n * $0.shape.reduce(1, *) }
        let outputs = sizes.map { UnsafeMutablePointer<Float>.allocate(capacity: max($0, 1)) }
        defer { for output in outputs { output.deallocate() } }
        let imageFloats = key.reduce(1, *)
        images.withUnsafeBufferPointer { x in
            // With several threads, chunks of a few images taken by whichever thread is free (two
            // fixed halves leave a thread idle whenever the other core is shared); with one, one chunk.
            let size = ThreadBudget.available > 1 ? Self.chunkImages : max(n, 1)
            ThreadBudget.parallelFor((n + size - 1) / size) { c in
                let chunk = (c * size)..<min(n, (c + 1) * size)
                let arena = take(program, key: key, rows: chunk.count)
                program.runTrunk(
                    x.baseAddress! + chunk.lowerBound * imageFloats, imageFloats: imageFloats, indices: chunk,
                    arena: arena, outputs: outputs)
                program.runHead(rows: chunk.count, first: chunk.lowerBound, arena: arena, outputs: outputs)
                giveBack(arena, key: key)
            }
        }
        var result: [String: Tensor] = [:]
        for (index, tap) in program.taps.enumerated() {
            result[tap.name] = Tensor(shape: Shape([n] + tap.shape)) {
                $0.baseAddress!.update(from: outputs[index], count: sizes[index])
            }
        }
        return result
    }

    private func program(for key: [Int]) -> InferenceProgram {
        lock.lock()
        defer { lock.unlock() }
        if let program = programs[key] { return program }
        guard let program = InferenceProgram(model: model, c: key[0], h: key[1], w: key[2], taps: taps) else {
            preconditionFailure("no inference lowering for \(type(of: model))")
        }
        programs[key] = program
        return program
    }

    private func take(_ program: InferenceProgram, key: [Int], rows: Int) -> InferenceArena {
        lock.lock()
        let arena = idle[key]?.popLast()
        lock.unlock()
        if let arena, arena.rows >= rows { return arena }
        return InferenceArena(program, rows: rows)
    }

    private func giveBack(_ arena: InferenceArena, key: [Int]) {
        lock.lock()
        idle[key, default: []].append(arena)
        lock.unlock()
    }
}
