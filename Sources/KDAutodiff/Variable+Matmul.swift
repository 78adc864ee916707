import KDTensor

extension Variable {
    /// Matrix product op(self) · op(other) of rank-2 variables.
    public func matmul(_ other: Variable, transposeSelf ta: Bool = false, transposeOther tb: Bool = false) -> Variable {
        let a = value, b = other.value
        return Tape.record(a.matmul(b, transposeSelf: ta, transposeOther: tb), [self, other]) { g, needs in
            // C = op(A)·op(B): dop(A) = G·op(B)ᵀ, dop(B) = op(A)ᵀ·G, transposed back where op transposed.
            let ga: Tensor? =
                needs[0]
                ? (ta ? b.matmul(g, transposeSelf: tb, transposeOther: true) : g.matmul(b, transposeOther: !tb))
                : nil
            let gb: Tensor? =
                needs[1]
                ? (tb ? g.matmul(a, transposeSelf: true, transposeOther: ta) : a.matmul(g, transposeSelf: !ta))
                : nil
            return [ga, gb]
        }
    }

    /// Batched matrix product [B, m, k] · [B, k, n].
    public func batchedMatmul(_ other: Variable) -> Variable {
        let a = value, b = other.value
        return Tape.record(a.batchedMatmul(b), [self, other]) { g, needs in
            [
                needs[0] ? g.batchedMatmul(b, transposeOther: true) : nil,
                needs[1] ? a.batchedMatmul(g, transposeSelf: true) : nil,
            ]
        }
    }
}
