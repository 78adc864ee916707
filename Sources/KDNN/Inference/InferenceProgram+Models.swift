/// The zoo's architectures lowered with the builder's primitives, step for step as their
/// `forward` (taps included): a layer whose tap was asked for before its ReLU keeps the ReLU as
/// a separate step, and one whose unpooled output was asked for is pooled separately.
extension InferenceProgram {
    /// The program of `model` on [c, h, w] inputs, or nil for an architecture with no lowering.
    init?(model: Classifier, c: Int, h: Int, w: Int, taps: Set<String>) {
        var b = Builder(c: c, h: h, w: w, taps: taps)
        let features: HeadValue
        switch model {
        case let m as SmallCNN: features = b.lower(m)
        case let m as CIFARResNet: features = b.lower(m)
        case let m as WideResNet: features = b.lower(m)
        case let m as MLP: features = b.lower(m)
        default: return nil
        }
        b.tap("logits", features)
        self = b.program
        groupSmallMaps()
    }
}

extension InferenceProgram.Builder {
    typealias Activation = InferenceProgram.Activation
    typealias HeadValue = InferenceProgram.HeadValue

    /// A linear layer whose pre-ReLU output may be tap `preact`.
    mutating func linearReLU(_ layer: Linear, _ x: HeadValue, preact: String) -> HeadValue {
        let y = linear(layer, x, relu: !wants(preact))
        if wants(preact) {
            tap(preact, y)
            relu(y)
        }
        return y
    }

    /// A convolution whose pre-ReLU output may be tap `preact`.
    mutating func convolutionReLU(_ layer: Conv2d, _ x: Activation, preact: String) -> Activation {
        let y = convolution(layer, x, relu: !wants(preact))
        if wants(preact) {
            tap(preact, y)
            relu(y)
        }
        return y
    }

    mutating func lower(_ m: SmallCNN) -> HeadValue {
        let c1 = convolutionReLU(m.conv1, input, preact: "conv1.preact")
        tap("conv1", c1)
        let pooled: Activation
        if wants("conv2") || wants("conv2.preact") {
            let c2 = convolutionReLU(m.conv2, c1, preact: "conv2.preact")
            tap("conv2", c2)
            pooled = maxPool(c2)
            release(c2)
        } else {
            pooled = convolution(m.conv2, c1, relu: true, pool: true)
        }
        release(c1)
        let features = linearReLU(m.fc1, flatten(pooled), preact: "features.preact")
        tap("features", features)
        return linear(m.fc2, features, relu: false)
    }

    mutating func lower(_ m: CIFARResNet) -> HeadValue {
        var h = convolution(m.conv1, bn: m.bn1, input, relu: true)
        tap("stem", h)
        for (s, stage) in m.stages.enumerated() {
            for (i, block) in stage.enumerated() {
                let preact = i == stage.count - 1 && wants("layer\(s + 1).preact") ? "layer\(s + 1).preact" : nil
                let out: Activation
                switch block {
                case let b as BasicBlock:
                    let t = convolution(b.conv1, bn: b.bn1, h, relu: true)
                    let r = b.downsample.map { shortcut($0, h) } ?? h
                    out = convolution(b.conv2, bn: b.bn2, t, relu: preact == nil, residual: r)
                    release(t, b.downsample == nil ? nil : r)
                case let b as Bottleneck:
                    let t1 = convolution(b.conv1, bn: b.bn1, h, relu: true)
                    let t2 = convolution(b.conv2, bn: b.bn2, t1, relu: true)
                    let r = b.downsample.map { shortcut($0, h) } ?? h
                    out = convolution(b.conv3, bn: b.bn3, t2, relu: preact == nil, residual: r)
                    release(t1, t2, b.downsample == nil ? nil : r)
                default:
                    preconditionFailure("no lowering for residual block \(type(of: block))")
                }
                if let preact {
                    tap(preact, out)
                    relu(out)
                }
                release(h)
                h = out
            }
            tap("layer\(s + 1)", h)
        }
        let features = globalAveragePool(h)
        release(h)
        tap("features", features)
        return linear(m.fc, features, relu: false)
    }

    /// A torchvision `downsample` (1×1 conv + BN) applied to `x`.
    private mutating func shortcut(_ downsample: Sequential, _ x: Activation) -> Activation {
        convolution(downsample.layers[0] as! Conv2d, bn: downsample.layers[1] as? BatchNorm, x, relu: false)
    }

    mutating func lower(_ m: WideResNet) -> HeadValue {
        var h = convolution(m.conv1, input, relu: false)
        tap("stem", h)
        for (s, stage) in m.blocks.enumerated() {
            for (i, block) in stage.enumerated() {
                let activated = batchNormReLU(block.bn1, h, preact: i == 0 && s > 0 ? "block\(s).preact" : nil)
                let t = convolution(block.conv1, bn: block.bn2, activated, relu: true)
                let r = block.convShortcut.map { convolution($0, activated, relu: false) } ?? h
                let out = convolution(block.conv2, t, relu: false, residual: r)
                release(activated, t, block.convShortcut == nil ? nil : r, h)
                h = out
            }
            tap("block\(s + 1)", h)
        }
        let activated = batchNormReLU(m.bn1, h, preact: "block3.preact")
        release(h)
        let features = globalAveragePool(activated)
        release(activated)
        tap("features", features)
        return linear(m.fc, features, relu: false)
    }

    /// relu(bn(x)), its pre-ReLU value recorded as tap `preact` when asked for.
    private mutating func batchNormReLU(_ bn: BatchNorm, _ x: Activation, preact: String?) -> Activation {
        guard let preact, wants(preact) else { return batchNorm(bn, x, relu: true) }
        let y = batchNorm(bn, x, relu: false)
        tap(preact, y)
        relu(y)
        return y
    }

    mutating func lower(_ m: MLP) -> HeadValue {
        var h = flatten(input)
        for (i, layer) in m.hidden.enumerated() {
            h = linearReLU(layer, h, preact: "hidden\(i + 1).preact")
            tap("hidden\(i + 1)", h)
        }
        tap("features", h)
        return linear(m.fc, h, relu: false)
    }
}
