import KDTensor

extension Variable {
    /// 2-D convolution of an NCHW input with weight [O, C, kh, kw] and optional bias [O].
    public func conv2d(weight: Variable, bias: Variable?, geometry: Conv2dGeometry) -> Variable {
        let x = value, w = weight.value
        let out = Convolution.forward(input: x, weight: w, bias: bias?.value, geometry: geometry)
        let inputs = bias.map { [self, weight, $0] } ?? [self, weight]
        return Tape.record(out, inputs) { g, needs in
            let grads = Convolution.backward(
                gradOutput: g, input: x, weight: w, geometry: geometry,
                needInput: needs[0], needWeight: needs[1],
                needBias: needs.count > 2 && needs[2])
            return needs.count > 2 ? [grads.input, grads.weight, grads.bias] : [grads.input, grads.weight]
        }
    }
}
