import KDAutodiff
import KDTensor

/// CRD's memory (RepDistiller `ContrastMemory`): a bank of N × D embeddings per side
/// (`memory_v1` the student's, `memory_v2` the teacher's) and `params` = [K, T, Z_s, Z_t, momentum]
/// as RepDistiller stores them. The normalisers Z are fixed by the first batch (negative until
/// then) and, with the banks, are buffers: checkpoints carry them and a resumed run continues
/// with them bit for bit. K, T and the momentum come from the options; `params` records them.
final class ContrastMemory: Module {
    let studentBank: Buffer, teacherBank: Buffer, params: Buffer
    let samples: Int, negatives: Int, temperature: Float, momentum: Float
    let sampler: ContrastSampler
    /// Where `params` holds each side's normaliser.
    static let studentNormaliser = 2, teacherNormaliser = 3

    /// Banks for training samples with these labels (by position; negative where unlabelled).
    init(labels: [Int], dimension: Int, negatives: Int, temperature: Float, momentum: Float, random: CounterRandom) {
        let samples = labels.count
        // RepDistiller's start: U(−σ, σ) with σ = 1/√(D/3), rows not normalised.
        let bound = 1 / (Float(dimension) / 3).squareRoot()
        studentBank = Buffer(random.substream(1).uniformTensor([samples, dimension], low: -bound, high: bound))
        teacherBank = Buffer(random.substream(2).uniformTensor([samples, dimension], low: -bound, high: bound))
        params = Buffer(Tensor(shape: [5], scalars: [Float(negatives), temperature, -1, -1, momentum]))
        (self.samples, self.negatives, self.temperature, self.momentum) = (samples, negatives, temperature, momentum)
        sampler = ContrastSampler(labels: labels)
    }

    public override var ownBuffers: [(String, Buffer)] {
        [("params", params), ("memory_v1", studentBank), ("memory_v2", teacherBank)]
    }

    /// Each sample's K + 1 bank rows, B·(K + 1) in all: its own position, then K negatives drawn
    /// by `random` (a pure function of the run's seed and step; `ContrastSampler`).
    func contrastRows(_ positions: [Int], random: CounterRandom) -> [Int] {
        let draws = random.substream(0xC2D)
        var rows = [Int]()
        rows.reserveCapacity(positions.count * (negatives + 1))
        var taken = [Bool](repeating: false, count: samples)
        for (b, position) in positions.enumerated() {
            rows.append(position)
            sampler.draw(
                negatives, for: position, random: draws, first: UInt64(b * negatives), into: &rows, taken: &taken)
        }
        return rows
    }

    /// The student's embeddings scored against the teacher's bank at `rows`, and the teacher's
    /// against the student's; in training, then each side's bank rows at `positions` moved toward
    /// its embeddings (the scores use the rows from before).
    func scores(student: Variable, teacher: Variable, rows: [Int], positions: [Int], training: Bool)
        -> (student: Variable, teacher: Variable)
    {
        let s = score(student, against: teacherBank.value, rows: rows, normaliser: Self.studentNormaliser)
        let t = score(teacher, against: studentBank.value, rows: rows, normaliser: Self.teacherNormaliser)
        if training {
            studentBank.value = updated(studentBank.value, positions, toward: student.value)
            teacherBank.value = updated(teacherBank.value, positions, toward: teacher.value)
        }
        return (s, t)
    }

    /// exp(m·v/T)/Z, Z = N × the first batch's mean of exp(m·v/T).
    private func score(_ v: Variable, against bank: Tensor, rows: [Int], normaliser: Int) -> Variable {
        let e = (v.dotsWithRows(of: bank, rows) * (1 / temperature)).exp()
        if params.value.scalars[normaliser] < 0 {
            var fixed = params.value.scalars
            fixed[normaliser] = Float(
                e.value.scalars.reduce(0.0) { $0 + Double($1) } / Double(e.value.count) * Double(samples))
            params.value = Tensor(shape: params.value.shape, scalars: fixed)
        }
        return e * (1 / params.value.scalars[normaliser])
    }

    /// `bank` with each row at `positions` replaced by normalise(momentum·row + (1 − momentum)·v).
    private func updated(_ bank: Tensor, _ positions: [Int], toward v: Tensor) -> Tensor {
        let d = bank.shape[1]
        let moved = Tensor(shape: [positions.count, d]) { out in
            bank.withUnsafeBufferPointer { m in
                v.withUnsafeBufferPointer { x in
                    for (b, p) in positions.enumerated() {
                        for i in 0..<d { out[b * d + i] = m[p * d + i] * momentum + x[b * d + i] * (1 - momentum) }
                    }
                }
            }
        }
        let rows = moved.l2NormalizedRows().output
        var next = bank
        next.withUnsafeMutableBufferPointer { m in
            rows.withUnsafeBufferPointer { r in
                for (b, p) in positions.enumerated() {
                    for i in 0..<d { m[p * d + i] = r[b * d + i] }
                }
            }
        }
        return next
    }
}
