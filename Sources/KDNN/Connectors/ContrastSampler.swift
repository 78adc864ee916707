import KDTensor

/// CRD's negatives as RepDistiller's CIFAR loader draws them (`mode='exact'`): for a sample of
/// class y, K positions of the other classes (unlabelled samples count as other), without
/// replacement unless they are fewer than K;
/// for an unlabelled sample (label < 0), or where no other class has samples, K uniform positions
/// over all N (its `ContrastMemory` sampler). Each draw is a pure function of (random, counter).
struct ContrastSampler {
    /// Each training sample's label by position.
    let labels: [Int]
    /// The positions ordered by label, and where each label's run sits.
    private let byClass: [Int]
    private let runs: [Int: Range<Int>]

    init(labels: [Int]) {
        self.labels = labels
        byClass = labels.indices.sorted { (labels[$0], $0) < (labels[$1], $1) }
        var runs: [Int: Range<Int>] = [:]
        var start = 0
        for (i, position) in byClass.enumerated()
        where i + 1 == byClass.count || labels[byClass[i + 1]] != labels[position] {
            runs[labels[position]] = start..<(i + 1)
            start = i + 1
        }
        self.runs = runs
    }

    /// `k` negatives for the sample at `position`, appended to `rows`; draw i uses counter
    /// `first + i`. `taken` is scratch of N flags, all false before and after.
    func draw(
        _ k: Int, for position: Int, random: CounterRandom, first: UInt64, into rows: inout [Int], taken: inout [Bool]
    ) {
        let label = labels[position]
        guard label >= 0, let own = runs[label], own.count < byClass.count else {
            for i in 0..<k { rows.append(random.integer(first + UInt64(i), below: labels.count)) }
            return
        }
        let pool = byClass.count - own.count
        // The t-th sample of the other classes, skipping the own class's run.
        let candidate = { (t: Int) in byClass[t < own.lowerBound ? t : t + own.count] }
        guard k <= pool else {
            for i in 0..<k { rows.append(candidate(random.integer(first + UInt64(i), below: pool))) }
            return
        }
        // Floyd's sampling: k distinct of `pool` with exactly k draws.
        let start = rows.count
        for (i, j) in ((pool - k)..<pool).enumerated() {
            let t = random.integer(first + UInt64(i), below: j + 1)
            let chosen = taken[t] ? j : t
            taken[chosen] = true
            rows.append(chosen)
        }
        for i in start..<rows.count {
            taken[rows[i]] = false
            rows[i] = candidate(rows[i])
        }
    }
}
