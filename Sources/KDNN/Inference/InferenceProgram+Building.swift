import KDTensor

/// The lowering primitives the per-architecture lowerings are written in: each appends steps,
/// takes slots for its outputs and records the taps that were asked for.
extension InferenceProgram {
    struct Builder {
        var program: InferenceProgram
        let wanted: Set<String>
        private var free: [Int] = []

        init(c: Int, h: Int, w: Int, taps: Set<String>) {
            program = InferenceProgram(c: c, h: h, w: w)
            program.headWidths = [0]
            wanted = taps
        }

        var input: Activation { Activation(slot: Activation.input, h: program.h, w: program.w, c: program.c) }

        func wants(_ tap: String) -> Bool { wanted.contains(tap) }

        /// A slot of at least `floats` floats that no live activation holds.
        mutating func take(_ floats: Int) -> Int {
            let slot = free.popLast() ?? program.slotFloats.count
            if slot == program.slotFloats.count { program.slotFloats.append(0) }
            program.slotFloats[slot] = max(program.slotFloats[slot], floats)
            return slot
        }

        /// Returns the slots of activations no later step reads.
        mutating func release(_ values: Activation?...) {
            for case let value? in values where !value.isInput && !free.contains(value.slot) { free.append(value.slot) }
        }

        /// `layer` then, when given, evaluation-mode `bn` folded into its weight and bias; the
        /// `residual` added and ReLU applied in the same pass; with `pool`, 2×2 max-pooled.
        mutating func convolution(
            _ layer: Conv2d, bn: BatchNorm? = nil, _ x: Activation, relu: Bool,
            residual: Activation? = nil, pool: Bool = false
        ) -> Activation {
            let x = channelsLast(x)
            let g = layer.geometry
            let o = layer.weight.value.shape[0]
            let (oh, ow) = g.outputSize(h: x.h, w: x.w)
            let folded = fold(layer, bn)
            let depth = g.kh * g.kw * x.c
            let weight: InferenceProgram.ConvolutionWeight
            if WinogradWeight.fits(g, c: x.c, o: o) {
                let tile = WinogradWeight.tile(oh: oh, ow: ow)
                weight = .winograd(WinogradWeight(folded.weight, c: x.c, o: o, tile: tile))
                program.scratchFloats = max(
                    program.scratchFloats, ChannelsLast.winogradScratchFloats(c: x.c, o: o, tile: tile))
            } else {
                weight = .unfolded(PackedPanels(folded.weight, k: depth, n: o))
                program.scratchFloats = max(
                    program.scratchFloats, ChannelsLast.scratchFloats(c: x.c, h: x.h, w: x.w, geometry: g))
            }
            let dst = take(oh * ow * o)
            let pooled = pool ? take((oh / 2) * (ow / 2) * o) : nil
            program.trunk.append(
                .convolution(
                    ConvolutionStep(
                        src: x.slot, dst: dst, residual: residual?.slot, h: x.h, w: x.w, c: x.c, o: o, geometry: g,
                        weight: weight, bias: folded.bias, relu: relu, pooled: pooled)))
            guard let pooled else { return Activation(slot: dst, h: oh, w: ow, c: o) }
            release(Activation(slot: dst, h: oh, w: ow, c: o))
            return Activation(slot: pooled, h: oh / 2, w: ow / 2, c: o)
        }

        /// The input image in channels-last order (a copy unless it has one channel).
        private mutating func channelsLast(_ x: Activation) -> Activation {
            guard x.isInput && x.c > 1 else { return x }
            let dst = take(x.floats)
            program.trunk.append(.toChannelsLast(dst: dst, c: x.c, plane: x.h * x.w))
            return Activation(slot: dst, h: x.h, w: x.w, c: x.c)
        }

        /// Evaluation-mode `bn` on its own (it precedes a ReLU, so no convolution can absorb it).
        mutating func batchNorm(_ bn: BatchNorm, _ x: Activation, relu: Bool) -> Activation {
            let scale = BatchNormKernel.evaluationScale(
                gamma: bn.weight.value, runningVar: bn.runningVar.value, eps: bn.eps)
            let mean = bn.runningMean.value.scalars, beta = bn.bias.value.scalars
            let dst = take(x.floats)
            program.trunk.append(
                .affine(
                    src: x.slot, dst: dst, rows: x.h * x.w, cols: x.c, scale: scale,
                    shift: (0..<x.c).map { beta[$0] - mean[$0] * scale[$0] }, relu: relu))
            return Activation(slot: dst, h: x.h, w: x.w, c: x.c)
        }

        mutating func relu(_ x: Activation) {
            program.trunk.append(.relu(slot: x.slot, rows: x.h * x.w, cols: x.c))
        }

        mutating func maxPool(_ x: Activation) -> Activation {
            let dst = take((x.h / 2) * (x.w / 2) * x.c)
            program.trunk.append(.maxPool(src: x.slot, dst: dst, h: x.h, w: x.w, c: x.c))
            return Activation(slot: dst, h: x.h / 2, w: x.w / 2, c: x.c)
        }

        /// Records `x` as tap `name` if it was asked for.
        mutating func tap(_ name: String, _ x: Activation) {
            guard wants(name) else { return }
            program.trunk.append(.tap(tap: program.taps.count, slot: x.slot, plane: x.h * x.w, c: x.c))
            program.taps.append((name, [x.c, x.h, x.w]))
        }

        /// Global average pooling: the trunk's output, [rows, c] in head slot 0.
        mutating func globalAveragePool(_ x: Activation) -> HeadValue {
            program.trunk.append(.mean(src: x.slot, rows: x.h * x.w, cols: x.c))
            program.headWidths[0] = x.c
            return HeadValue(slot: 0, width: x.c, channelsLast: nil)
        }

        /// Flattening (PyTorch's, of the channels-first map): the trunk's output in head slot 0.
        mutating func flatten(_ x: Activation) -> HeadValue {
            program.trunk.append(.flatten(src: x.slot, count: x.floats))
            program.headWidths[0] = x.floats
            return HeadValue(slot: 0, width: x.floats, channelsLast: x.isInput || x.c == 1 ? nil : (x.h * x.w, x.c))
        }

        mutating func linear(_ layer: Linear, _ x: HeadValue, relu: Bool) -> HeadValue {
            let (outputs, inputs) = (layer.weight.value.shape[0], layer.weight.value.shape[1])
            precondition(inputs == x.width, "Linear expects \(inputs) inputs, the plan has \(x.width)")
            var weight = layer.weight.value.scalars
            if let (plane, c) = x.channelsLast {
                // Column p·c + ch of the channels-last row is PyTorch's column ch·plane + p.
                let original = weight
                for r in 0..<outputs {
                    for p in 0..<plane {
                        for ch in 0..<c { weight[r * inputs + p * c + ch] = original[r * inputs + ch * plane + p] }
                    }
                }
            }
            let dst = program.headWidths.count
            program.headWidths.append(outputs)
            program.head.append(
                .linear(
                    src: x.slot, dst: dst, inputs: inputs, outputs: outputs, weight: weight,
                    bias: layer.bias?.value.scalars, relu: relu))
            return HeadValue(slot: dst, width: outputs, channelsLast: nil)
        }

        mutating func relu(_ x: HeadValue) {
            program.head.append(.relu(slot: x.slot, cols: x.width))
        }

        mutating func tap(_ name: String, _ x: HeadValue) {
            guard wants(name) else { return }
            program.head.append(.tap(tap: program.taps.count, slot: x.slot, cols: x.width))
            program.taps.append((name, [x.width]))
        }
    }
}

/// A convolution's weight as [kh·kw·c, o] (im2col's row order) and bias, with evaluation-mode
/// `bn` folded in: W'[o] = W[o]·s[o], b'[o] = (b[o] − μ[o])·s[o] + β[o], s = γ/√(σ² + ε).
private func fold(_ layer: Conv2d, _ bn: BatchNorm?) -> (weight: [Float], bias: [Float]?) {
    let shape = layer.weight.value.shape
    let (o, c, kh, kw) = (shape[0], shape[1], shape[2], shape[3])
    let w = layer.weight.value.scalars
    let scale =
        bn.map { BatchNormKernel.evaluationScale(gamma: $0.weight.value, runningVar: $0.runningVar.value, eps: $0.eps) }
        ?? [Float](repeating: 1, count: o)
    var weight = [Float](repeating: 0, count: w.count)
    for oo in 0..<o {
        for ch in 0..<c {
            for ki in 0..<kh {
                for kj in 0..<kw {
                    weight[((ki * kw + kj) * c + ch) * o + oo] = w[((oo * c + ch) * kh + ki) * kw + kj] * scale[oo]
                }
            }
        }
    }
    let convBias = layer.bias?.value.scalars
    guard let bn else { return (weight, convBias) }
    let mean = bn.runningMean.value.scalars, beta = bn.bias.value.scalars
    return (weight, (0..<o).map { ((convBias?[$0] ?? 0) - mean[$0]) * scale[$0] + beta[$0] })
}
