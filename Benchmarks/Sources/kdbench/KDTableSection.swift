import Foundation

/// One table of the KD-table benchmark: its rows, where its runs go (`runs/<name>/`), the markers
/// that hold it in RESULTS.md (`<!-- <name>:begin -->`), its JSON keys (`<name>_…`), its notes.
struct KDTableSection: Sendable {
    let name: String
    let methods: [KDTableMethod]
    /// The pipeline whose teacher stage fills the seed's store (`runs/<name>/store-sS`) before the
    /// rows that read it (nil: every row runs its teacher live).
    let storeFill: String?
    /// Epochs of every student row (the pipelines agree; the override makes sure).
    let studentEpochs: Int
    /// The paragraph under the table: how its rows were trained.
    let notes: @Sendable (KDTableReport) -> [String]

    /// `runs/<name>/<method>-s<seed>`.
    func runDirectory(_ method: String, seed: Int) -> String { "runs/\(name)/\(method)-s\(seed)" }

    /// The row every other row's teacher comes from.
    var teacher: KDTableMethod { methods.first { $0.name == "teacher" }! }

    /// `runs/<name>/store-sS`: the seed's teacher outputs for the rows that read the store.
    func storeDirectory(seed: Int) -> String { "runs/\(name)/store-s\(seed)" }

    /// MLP students (the original table).
    static let mlp = KDTableSection(
        name: "kd-table", methods: kdTableMethods, storeFill: "pipelines/fashion-kd.yaml", studentEpochs: 10
    ) { report in
        let seedList = report.seeds.map(String.init).joined(separator: ", ")
        return [
            "Seeds \(seedList); each seed trains its own teacher (`seed=S`) and its students distil from",
            "that teacher. Students: \(report.section.studentEpochs) epochs, batch 128, SGD (lr 0.05, Nesterov, cosine), flip +",
            "normalise with 2 fixed views — the same for every row but these: `at`, `nst` and `fsp`, whose `cnn` students train",
            "\(report.methods.first { $0.name == "at" }?.epochs ?? report.section.studentEpochs) epochs like their baseline (`fsp` one more, first, on the FSP term alone),",
            "the teacher row (a `cnn` trained alone), `weak-strong`, whose student trains on its own",
            "stream (pad-crop, flip, cutout, a fresh view each epoch) while its teacher sees the flip stream, and `mlkd`,",
            "whose student and teacher see both streams (the teacher's strong views live every step), and `kd-crop`,",
            "`kd-bank`, `kd-online`, one pad-crop + flip stream for teacher and student: 2 stored views, the view bank",
            "(`fresh: 0.25`: its fresh views run the teacher live) and a fresh view every epoch (teacher live). `ensemble`",
            "distils from the seed's teacher and teacher-b (the same recipe from seed S + 100), teacher-b's outputs stored",
            "during the run. top-1 is the **final** epoch's score on the test",
            "split, not the best epoch's: picking the best epoch on the test split would be selection on the test set.",
            "Teacher-reading MLP students are served the seed's teacher outputs (fp16) from one store filled before them",
            "(`kdflow cache fill`); SSLD's run fills its own; `at`, `nst` and `fsp` run their teacher every step (its conv maps, 26×26×32",
            String(
                format: "and 24×24×64 a sample, are too large to store). Whole table: %.0f min (all runs and fills) on",
                report.totalSeconds / 60),
            "this 2-core machine, shared with other work while it ran.",
        ]
    }

    /// The narrow conv student, where feature methods have maps to work on.
    static let conv = KDTableSection(
        name: "kd-table-conv", methods: kdTableConvMethods, storeFill: "pipelines/conv/kd.yaml",
        studentEpochs: convStudentEpochs
    ) {
        report in
        let seedList = report.seeds.map(String.init).joined(separator: ", ")
        return [
            "Seeds \(seedList); each seed trains its own `cnn` teacher (10 epochs) and its students distil from it.",
            "Students: the `cnn` at width 0.25 (8 and 16 channels, fc1 32), \(report.section.studentEpochs) epochs, batch 128,",
            "SGD (lr 0.05, or 0.02 where the held-out split chose it; the baseline 0.1, its best), Nesterov, cosine, flip +",
            "normalise with 2 fixed views, each row's settings chosen on the held-out split (above). Rows that read only logits and penultimate features (kd, dkd, lskd, dist, rkd, cc,",
            "crd, simkd) are served the seed's teacher outputs (fp16) from one store filled before them; the others run",
            "the teacher every step (its conv maps, 26×26×32 and 24×24×64 a sample, are too large to store). `fsp`",
            "compares Gram matrices of equal channel counts, and the student has a quarter of the teacher's: its maps",
            "go through 1×1-conv connectors first. `ab`, `ft` and `fsp` train one first-phase epoch on the teacher's",
            "maps before their \(report.section.studentEpochs) epochs of labels; an optimiser's schedule spans the epochs it steps in.",
            "top-1 is the **final** epoch's score on the test split, never the best epoch's.",
            String(
                format: "Whole section: %.0f min (all runs and fills) on this 2-core machine.", report.totalSeconds / 60
            ),
        ]
    }
}
