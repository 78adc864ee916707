import KDTensor
import Testing

/// Expects `actual` to match `expected` elementwise within `rtol`·|expected| + `rtol`·max|expected|.
public func expectClose(
    _ actual: Tensor, _ expected: Tensor, rtol: Float = 1e-4, _ what: String,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(
        actual.shape == expected.shape, "\(what): shape \(actual.shape) vs \(expected.shape)",
        sourceLocation: sourceLocation)
    guard actual.shape == expected.shape else { return }
    let scale = expected.scalars.reduce(0) { max($0, abs($1)) }
    var worst: (index: Int, error: Float) = (-1, 0)
    for i in 0..<actual.count {
        let err = abs(actual.scalars[i] - expected.scalars[i])
        let allowed = rtol * abs(expected.scalars[i]) + rtol * scale
        if err > allowed, err > worst.error { worst = (i, err) }
    }
    #expect(
        worst.index < 0,
        "\(what): element \(worst.index) is \(worst.index >= 0 ? actual.scalars[worst.index] : 0), expected \(worst.index >= 0 ? expected.scalars[worst.index] : 0)",
        sourceLocation: sourceLocation)
}
