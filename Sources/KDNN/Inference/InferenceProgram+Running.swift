import KDTensor

/// One worker's buffers for a program, allocated once and reused by every batch: each trunk slot
/// holds one image for the per-image steps, then (for a program with grouped steps) one region
/// per image of a group; the convolution scratch; the head slots of up to `rows` images. Zeroed
/// when allocated: a ragged tile reads a few stale scratch rows (whose results are dropped),
/// which should not be denormals or uninitialised memory.
final class InferenceArena {
    let rows: Int
    let slots: [UnsafeMutablePointer<Float>]
    let scratch: UnsafeMutablePointer<Float>
    let head: [UnsafeMutablePointer<Float>]
    /// Floats from a slot's start to its first group region, and between regions.
    let regionOffsets: [Int]
    let regionStride: Int
    private let base: UnsafeMutableRawPointer

    init(_ program: InferenceProgram, rows: Int) {
        self.rows = rows
        // Each buffer and region starts on a cache line.
        func line(_ floats: Int) -> Int { (floats + 15) / 16 * 16 }
        regionOffsets = program.slotFloats.map(line)
        regionStride = line(program.groupRegionFloats)
        let grouped = program.groupFrom < program.trunk.count ? InferenceProgram.groupImages * regionStride : 0
        let sizes =
            regionOffsets.map { $0 + grouped } + [line(program.scratchFloats)]
            + program.headWidths.map { line($0 * rows) }
        let total = max(sizes.reduce(0, +), 16)
        base = UnsafeMutableRawPointer.allocate(byteCount: total * 4, alignment: 64)
        let floats = base.initializeMemory(as: Float.self, repeating: 0, count: total)
        var offsets: [Int] = []
        var next = 0
        for size in sizes {
            offsets.append(next)
            next += size
        }
        let pointers = offsets.map { floats + $0 }
        slots = Array(pointers[..<program.slotFloats.count])
        scratch = pointers[program.slotFloats.count]
        head = Array(pointers[(program.slotFloats.count + 1)...])
    }

    deinit { base.deallocate() }

    /// Slot `slot`'s per-image buffer (region nil) or image `region`'s region of a group.
    func slot(_ slot: Int, region: Int?) -> UnsafeMutablePointer<Float> {
        guard let region else { return slots[slot] }
        return slots[slot] + regionOffsets[slot] + region * regionStride
    }
}

extension InferenceProgram {
    /// Runs the trunk of the channels-first `images` (samples `indices` of the batch, image i at
    /// `images + (i − indices.lowerBound)·imageFloats`), leaving their outputs in head slot 0 (a
    /// row each, in order) and their taps in `outputs`: each image through the per-image steps,
    /// then each group of `groupImages` through the grouped steps together.
    func runTrunk(
        _ images: UnsafePointer<Float>, imageFloats: Int, indices: Range<Int>, arena: InferenceArena,
        outputs: [UnsafeMutablePointer<Float>]
    ) {
        func image(_ i: Int) -> UnsafePointer<Float> { images + (i - indices.lowerBound) * imageFloats }
        func row(_ i: Int) -> Int { i - indices.lowerBound }
        for first in stride(from: indices.lowerBound, to: indices.upperBound, by: Self.groupImages) {
            let group = first..<min(indices.upperBound, first + Self.groupImages)
            for i in group {
                for step in trunk[..<groupFrom] {
                    run(step, image: image(i), index: i, row: row(i), region: nil, arena: arena, outputs: outputs)
                }
                for input in groupInputs {
                    arena.slot(input.slot, region: i - first).update(
                        from: arena.slots[input.slot], count: input.floats)
                }
            }
            for step in trunk[groupFrom...] {
                if case .convolution(let s) = step, case .winograd(let weight) = s.weight {
                    runGrouped(s, weight, count: group.count, arena: arena)
                    continue
                }
                for i in group {
                    run(step, image: image(i), index: i, row: row(i), region: i - first, arena: arena, outputs: outputs)
                }
            }
        }
    }

    /// One trunk step for one image (sample `index`, head row `row`), its slots' per-image
    /// buffers (region nil) or image `region`'s regions.
    private func run(
        _ step: TrunkStep, image: UnsafePointer<Float>, index: Int, row: Int, region: Int?, arena: InferenceArena,
        outputs: [UnsafeMutablePointer<Float>]
    ) {
        func slot(_ s: Int) -> UnsafePointer<Float> {
            s == Activation.input ? image : UnsafePointer(arena.slot(s, region: region))
        }
        func target(_ s: Int) -> UnsafeMutablePointer<Float> { arena.slot(s, region: region) }
        switch step {
        case .convolution(let s):
            run(
                s, input: slot(s.src), residual: s.residual.map(slot), output: target(s.dst),
                pooled: s.pooled.map(target), scratch: arena.scratch)
        case let .toChannelsLast(dst, c, plane):
            ChannelsLast.transpose(image, rows: c, cols: plane, into: target(dst))
        case let .affine(src, dst, rows, cols, scale, shift, relu):
            ChannelsLast.affine(
                slot(src), rows: rows, cols: cols, scale: scale, shift: shift, relu: relu, into: target(dst))
        case let .relu(s, rows, cols):
            ChannelsLast.finish(target(s), rows: rows, cols: cols, bias: nil, residual: nil, relu: true)
        case let .maxPool(src, dst, h, w, c):
            ChannelsLast.maxPool2x2(slot(src), c: c, h: h, w: w, bias: nil, relu: false, into: target(dst))
        case let .tap(tap, s, plane, c):
            ChannelsLast.transpose(slot(s), rows: plane, cols: c, into: outputs[tap] + index * plane * c)
        case let .mean(src, rows, cols):
            ChannelsLast.meanRows(slot(src), rows: rows, cols: cols, into: arena.head[0] + row * cols)
        case let .flatten(src, count):
            (arena.head[0] + row * count).update(from: slot(src), count: count)
        }
    }

    /// A Winograd convolution over the `count` images of a group (their regions from 0). Its
    /// input is a slot: a Winograd convolution has 8k channels, so the builder has copied the
    /// input image to channels-last.
    private func runGrouped(_ s: ConvolutionStep, _ weight: WinogradWeight, count: Int, arena: InferenceArena) {
        withOptionalPointer(s.bias) { bias in
            let (epilogueBias, relu) = s.pooled == nil ? (bias, s.relu) : (nil, false)
            ChannelsLast.convolve(
                arena.slot(s.src, region: 0), h: s.h, w: s.w, padding: s.geometry.padding, winograd: weight,
                bias: epilogueBias, residual: s.residual.map { UnsafePointer(arena.slot($0, region: 0)) }, relu: relu,
                scratch: arena.scratch, into: arena.slot(s.dst, region: 0), images: count,
                strides: (arena.regionStride, arena.regionStride))
            guard let pooled = s.pooled else { return }
            let (oh, ow) = s.geometry.outputSize(h: s.h, w: s.w)
            for i in 0..<count {
                ChannelsLast.maxPool2x2(
                    arena.slot(s.dst, region: i), c: s.o, h: oh, w: ow, bias: bias, relu: s.relu,
                    into: arena.slot(pooled, region: i))
            }
        }
    }

    private func run(
        _ s: ConvolutionStep, input: UnsafePointer<Float>, residual: UnsafePointer<Float>?,
        output out: UnsafeMutablePointer<Float>, pooled: UnsafeMutablePointer<Float>?,
        scratch: UnsafeMutablePointer<Float>
    ) {
        withOptionalPointer(s.bias) { bias in
            // Bias and ReLU commute with the max: with a pool they are applied once per pooled value.
            let (epilogueBias, relu) = pooled == nil ? (bias, s.relu) : (nil, false)
            switch s.weight {
            case .unfolded(let weight):
                ChannelsLast.convolve(
                    input, c: s.c, h: s.h, w: s.w, geometry: s.geometry, weight: weight, bias: epilogueBias,
                    residual: residual, relu: relu, scratch: scratch, into: out)
            case .winograd(let weight):
                ChannelsLast.convolve(
                    input, h: s.h, w: s.w, padding: s.geometry.padding, winograd: weight, bias: epilogueBias,
                    residual: residual, relu: relu, scratch: scratch, into: out)
            }
            if let pooled {
                let (oh, ow) = s.geometry.outputSize(h: s.h, w: s.w)
                ChannelsLast.maxPool2x2(out, c: s.o, h: oh, w: ow, bias: bias, relu: s.relu, into: pooled)
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
