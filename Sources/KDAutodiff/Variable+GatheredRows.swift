import KDTensor

extension Variable {
    /// out[b, j] = table[rows[b·J + j]] · self[b] for `self` [B, D] and a constant table [M, D]
    /// (CRD's scores against its memory bank, which takes no gradient).
    public func dotsWithRows(of table: Tensor, _ rows: [Int]) -> Variable {
        Tape.record(table.gatheredRowDots(rows, value), [self]) { g, _ in [table.gatheredRowSums(rows, weights: g)] }
    }
}
