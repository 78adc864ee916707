import KDTensor

/// One worker's buffers for a program, allocated once and reused by every batch: the trunk slots
/// and convolution scratch of one image, and the head slots of up to `rows` images. Zeroed when
/// allocated: a ragged tile reads a few stale scratch rows (whose results are dropped), which
/// should not be denormals or uninitialised memory.
final class InferenceArena {
    let rows: Int
    let slots: [UnsafeMutablePointer<Float>]
    let scratch: UnsafeMutablePointer<Float>
    let head: [UnsafeMutablePointer<Float>]
    private let base: UnsafeMutableRawPointer

    init(_ program: InferenceProgram, rows: Int) {
        self.rows = rows
        // Each buffer starts on a cache line.
        let sizes = program.slotFloats + [program.scratchFloats] + program.headWidths.map { $0 * rows }
        let rounded = sizes.map { ($0 + 15) / 16 * 16 }
        base = UnsafeMutableRawPointer.allocate(byteCount: max(rounded.reduce(0, +), 16) * 4, alignment: 64)
        let floats = base.initializeMemory(as: Float.self, repeating: 0, count: max(rounded.reduce(0, +), 16))
        var offsets: [Int] = []
        var next = 0
        for size in rounded {
            offsets.append(next)
            next += size
        }
        let pointers = offsets.map { floats + $0 }
        slots = Array(pointers[..<program.slotFloats.count])
        scratch = pointers[program.slotFloats.count]
        head = Array(pointers[(program.slotFloats.count + 1)...])
    }

    deinit { base.deallocate() }
}

extension InferenceProgram {
    /// Runs the trunk of one channels-first `image` (sample `index` of the batch), leaving its
    /// output in row `row` of head slot 0 and its taps in `outputs`.
    func runTrunk(
        _ image: UnsafePointer<Float>, index: Int, row: Int, arena: InferenceArena,
        outputs: [UnsafeMutablePointer<Float>]
    ) {
        func slot(_ s: Int) -> UnsafePointer<Float> { s == Activation.input ? image : UnsafePointer(arena.slots[s]) }
        for step in trunk {
            switch step {
            case .convolution(let s):
                run(s, input: slot(s.src), residual: s.residual.map(slot), arena: arena)
            case let .toChannelsLast(dst, c, plane):
                ChannelsLast.transpose(image, rows: c, cols: plane, into: arena.slots[dst])
            case let .affine(src, dst, rows, cols, scale, shift, relu):
                ChannelsLast.affine(
                    slot(src), rows: rows, cols: cols, scale: scale, shift: shift, relu: relu, into: arena.slots[dst])
            case let .relu(s, rows, cols):
                ChannelsLast.finish(arena.slots[s], rows: rows, cols: cols, bias: nil, residual: nil, relu: true)
            case let .maxPool(src, dst, h, w, c):
                ChannelsLast.maxPool2x2(slot(src), c: c, h: h, w: w, bias: nil, relu: false, into: arena.slots[dst])
            case let .tap(tap, s, plane, c):
                ChannelsLast.transpose(slot(s), rows: plane, cols: c, into: outputs[tap] + index * plane * c)
            case let .mean(src, rows, cols):
                ChannelsLast.meanRows(slot(src), rows: rows, cols: cols, into: arena.head[0] + row * cols)
            case let .flatten(src, count):
                (arena.head[0] + row * count).update(from: slot(src), count: count)
            }
        }
    }

    private func run(
        _ s: ConvolutionStep, input: UnsafePointer<Float>, residual: UnsafePointer<Float>?, arena: InferenceArena
    ) {
        let out = arena.slots[s.dst]
        withOptionalPointer(s.bias) { bias in
            // Bias and ReLU commute with the max: with a pool they are applied once per pooled value.
            let (epilogueBias, relu) = s.pooled == nil ? (bias, s.relu) : (nil, false)
            switch s.weight {
            case .unfolded(let weight):
                ChannelsLast.convolve(
                    input, c: s.c, h: s.h, w: s.w, geometry: s.geometry, weight: weight, bias: epilogueBias,
                    residual: residual, relu: relu, scratch: arena.scratch, into: out)
            case .winograd(let weight):
                ChannelsLast.convolve(
                    input, h: s.h, w: s.w, padding: s.geometry.padding, winograd: weight, bias: epilogueBias,
                    residual: residual,
                    relu: relu, scratch: arena.scratch, into: out)
            }
            if let pooled = s.pooled {
                let (oh, ow) = s.geometry.outputSize(h: s.h, w: s.w)
                ChannelsLast.maxPool2x2(out, c: s.o, h: oh, w: ow, bias: bias, relu: s.relu, into: arena.slots[pooled])
            }
        }
    }

    /// Runs the head on the `rows` images of a chunk whose first is sample `first`.
    func runHead(rows: Int, first: Int, arena: InferenceArena, outputs: [UnsafeMutablePointer<Float>]) {
        for step in head {
            switch step {
            case let .linear(src, dst, inputs, outputs, weight, bias, relu):
                weight.withUnsafeBufferPointer { w in
                    GEMM.sgemm(
                        transA: false, transB: true, m: rows, n: outputs, k: inputs, a: arena.head[src], lda: inputs,
                        b: w.baseAddress!, ldb: inputs, c: arena.head[dst], ldc: outputs, threads: 1)
                }
                withOptionalPointer(bias) { bias in
                    ChannelsLast.finish(
                        arena.head[dst], rows: rows, cols: outputs, bias: bias, residual: nil, relu: relu)
                }
            case let .relu(s, cols):
                ChannelsLast.finish(arena.head[s], rows: rows, cols: cols, bias: nil, residual: nil, relu: true)
            case let .tap(tap, s, cols):
                (outputs[tap] + first * cols).update(from: arena.head[s], count: rows * cols)
            }
        }
    }
}

/// `body` with a pointer to `values`' storage, or nil.
private func withOptionalPointer(_ values: [Float]?, _ body: (UnsafePointer<Float>?) -> Void) {
    guard let values else { return body(nil) }
    values.withUnsafeBufferPointer { body($0.baseAddress!) }
}
