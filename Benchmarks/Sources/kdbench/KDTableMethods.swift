/// One row of the KD table: a pipeline trained once per seed under the shared budget.
struct KDTableMethod {
    /// Row name; the run of seed S goes to runs/kd-table/<name>-sS.
    let name: String
    /// The pipeline file, run as written apart from the table's overrides.
    let pipeline: String
    /// What the student learns from, for the table.
    let distils: String
    /// The row this one is compared with (nil: it is a baseline or the teacher).
    let baseline: String?
    /// Reads the seed's teacher (its weights and the seed's teacher-output store).
    let usesTeacher: Bool
    /// The model whose final evaluation is the row's top-1.
    var model = "student"
    /// Epochs when not the table's student budget (the CNN rows train as long as the teacher).
    var epochs: Int? = nil
    /// Whether its teacher outputs come from the seed's store (else its teacher runs every step).
    var readsStore = true
    /// Added to the table's seed (a second teacher of the same recipe must not be the first one again).
    var seedOffset = 0
    /// Settings scored on the held-out split by `--tune`, each a list of overrides of the pipeline
    /// file (`[]`: the file as written).
    var candidates: [[String]] = [[]]
    /// Overrides beyond the seed's teacher, given the table's seed (a second teacher's weights, say).
    var extraOverrides: @Sendable (Int) -> [String] = { _ in [] }
}

/// The table's rows, in run order within a seed (the teacher first, then its store, then students).
let kdTableMethods: [KDTableMethod] = [
    KDTableMethod(
        name: "teacher", pipeline: "pipelines/quickstart-teacher.yaml", distils: "— (`cnn`, trained alone, 3 epochs)",
        baseline: nil, usesTeacher: false, model: "teacher"),
    KDTableMethod(
        name: "teacher-b", pipeline: "pipelines/quickstart-teacher-b.yaml",
        distils: "— (the same `cnn` recipe from seed S + 100: the ensemble's second teacher)",
        baseline: nil, usesTeacher: false, model: "teacher", seedOffset: 100),
    KDTableMethod(
        name: "student", pipeline: "pipelines/fashion-student.yaml", distils: "— (cross-entropy alone: the baseline)",
        baseline: nil, usesTeacher: false),
    KDTableMethod(
        name: "kd", pipeline: "pipelines/fashion-kd.yaml", distils: "teacher logits (Hinton)",
        baseline: "student", usesTeacher: true),
    KDTableMethod(
        name: "dkd", pipeline: "pipelines/fashion-dkd.yaml", distils: "teacher logits, target / non-target parts",
        baseline: "student", usesTeacher: true),
    KDTableMethod(
        name: "overhaul", pipeline: "pipelines/fashion-overhaul.yaml",
        distils: "pre-ReLU features via a 1×1-conv+BN connector (margin, partial L2)",
        baseline: "student", usesTeacher: true),
    KDTableMethod(
        name: "rkd", pipeline: "pipelines/fashion-rkd.yaml",
        distils: "distance and angle relations of penultimate features, plus KD on logits",
        baseline: "student", usesTeacher: true),
    KDTableMethod(
        name: "lskd", pipeline: "pipelines/fashion-lskd.yaml",
        distils: "teacher logits, each row z-scored first (logit standardisation)",
        baseline: "student", usesTeacher: true),
    KDTableMethod(
        name: "dist", pipeline: "pipelines/fashion-dist.yaml",
        distils: "inter- and intra-class Pearson relations of softened predictions (DIST)", baseline: "student",
        usesTeacher: true),
    KDTableMethod(
        name: "mlkd", pipeline: "pipelines/fashion-mlkd.yaml",
        distils: "instance, class and batch relations of logits over 5 temperatures, weak and strong views (MLKD)",
        baseline: "student", usesTeacher: true),
    KDTableMethod(
        name: "sp", pipeline: "pipelines/fashion-sp.yaml", distils: "batch similarity of penultimate activations (SP)",
        baseline: "student", usesTeacher: true),
    KDTableMethod(
        name: "cc", pipeline: "pipelines/fashion-cc.yaml",
        distils: "correlation congruence of penultimate features through a linear + BN connector (CC)",
        baseline: "student", usesTeacher: true),
    KDTableMethod(
        name: "ensemble", pipeline: "pipelines/fashion-ensemble.yaml",
        distils: "mean probabilities of two `cnn` teachers (teacher and teacher-b), each from its store",
        baseline: "student", usesTeacher: true,
        extraOverrides: { seed in
            [
                "models.teacher_b.weights=runs/kd-table/teacher-b-s\(seed)/teacher.safetensors",
                "stages.teacher_b.store={dir: runs/kd-table/store-b-s\(seed), precision: fp16}",
            ]
        }),
    KDTableMethod(
        name: "weak-strong", pipeline: "pipelines/fashion-weak-strong.yaml",
        distils: "teacher logits on a weak stored stream; the student on its own pad-crop + flip + cutout stream",
        baseline: "student", usesTeacher: true),
    // The view bank against its two ends, on one pad-crop + flip recipe: fully offline (2 stored
    // views), the bank (a fresh view with probability 0.25 from epoch 3), fully online (views: 0).
    KDTableMethod(
        name: "kd-crop", pipeline: "pipelines/fashion-kd-bank.yaml",
        distils: "teacher logits on pad-crop + flip, 2 stored views (fresh: 0, fully offline)",
        baseline: "student", usesTeacher: true, extraOverrides: { _ in ["stages.augment.fresh=0"] }),
    KDTableMethod(
        name: "kd-bank", pipeline: "pipelines/fashion-kd-bank.yaml",
        distils: "as kd-crop, but a view bank: from epoch 3 a fresh view (teacher live) with probability 0.25",
        baseline: "student", usesTeacher: true),
    KDTableMethod(
        name: "kd-online", pipeline: "pipelines/fashion-kd-bank.yaml",
        distils: "as kd-crop, but a fresh view every epoch (views: 0), the teacher live every step",
        baseline: "student", usesTeacher: true, readsStore: false,
        extraOverrides: { _ in ["stages.augment.views=0", "stages.augment.fresh=0", "stages.teacher.store={mode: off}"]
        }),
    KDTableMethod(
        name: "dml", pipeline: "pipelines/fashion-dml.yaml", distils: "a peer's logits (no teacher)",
        baseline: "student", usesTeacher: false),
    KDTableMethod(
        name: "udml", pipeline: "pipelines/fashion-udml.yaml", distils: "a peer's logits and features (no teacher)",
        baseline: "student", usesTeacher: false),
    KDTableMethod(
        name: "at", pipeline: "pipelines/fashion-at.yaml",
        distils: "spatial attention of both conv layers (a `cnn` student; its baseline is the teacher row)",
        baseline: "teacher", usesTeacher: true, epochs: 3, readsStore: false),
    KDTableMethod(
        name: "nst", pipeline: "pipelines/fashion-nst.yaml",
        distils: "distribution of the last conv's channel maps (NST; a `cnn` student; its baseline is the teacher row)",
        baseline: "teacher", usesTeacher: true, epochs: 3, readsStore: false),
    KDTableMethod(
        name: "fsp", pipeline: "pipelines/fashion-fsp.yaml",
        distils:
            "flow between the two conv stages (FSP, a first epoch), then labels + logits (a `cnn` student; its baseline is the teacher row)",
        baseline: "teacher", usesTeacher: true, epochs: 4, readsStore: false),
    KDTableMethod(
        name: "ssld-baseline", pipeline: "pipelines/fashion-ssld-baseline.yaml",
        distils: "— (cross-entropy on the labelled 10 % alone)", baseline: nil, usesTeacher: false),
    KDTableMethod(
        name: "ssld", pipeline: "pipelines/fashion-ssld.yaml",
        distils: "teacher soft targets on all images + CE on the labelled 10 %", baseline: "ssld-baseline",
        usesTeacher: true),
]

/// The conv-student section's rows: the narrow `cnn` (width 0.25, 2 epochs) learning from the `cnn` teacher
/// (10 epochs) by every method that has spatial maps to work on, each from `pipelines/conv/`. Rows
/// that read only logits and penultimate features are served the seed's stored teacher outputs;
/// rows that read conv maps run the teacher every step (the maps are too large to store).
let kdTableConvMethods: [KDTableMethod] =
    [
        KDTableMethod(
            name: "teacher", pipeline: "pipelines/conv/teacher.yaml", distils: "— (`cnn`, trained alone, 10 epochs)",
            baseline: nil, usesTeacher: false, model: "teacher"),
        KDTableMethod(
            name: "student", pipeline: "pipelines/conv/student.yaml",
            distils: "— (`cnn` width 0.25, 2 epochs, cross-entropy alone: the baseline)", baseline: nil,
            usesTeacher: false,
            candidates: [steep, gentle, []]),
    ]
    + [
        ("kd", "teacher logits (Hinton, T 4)", true, [["loss.kd.temperature=2"], [], steep]),
        (
            "dkd", "teacher logits, target / non-target parts", true,
            [[], ["loss.dkd.beta=8", "loss.dkd.temperature=4"], steep]
        ),
        ("lskd", "z-scored teacher logits", true, [[], ["loss.kd.temperature=4"], gentle]),
        (
            "dist", "inter- and intra-class relations of predictions", true,
            [steep, steep + ["loss.dist.beta=1", "loss.dist.gamma=1"], []]
        ),
        (
            "fitnets", "conv2 map through a 1×1-conv+BN hint connector (MSE)", false,
            [[], gentle, gentle + ["loss.hint.weight=10"]]
        ),
        ("overhaul", "pre-ReLU conv2 map via a connector (margin, partial L2)", false, [[], gentle]),
        ("rkd", "distance and angle relations of penultimate features", true, [[], gentle]),
        ("sp", "batch similarity of conv2 maps", false, [steep, [], ["loss.sp.weight=300"]]),
        (
            "cc", "correlation congruence of penultimate features", true,
            [steep + ["loss.cc.weight=0.02"], ["loss.cc.weight=0.02"], []]
        ),
        ("at", "spatial attention of both conv maps", false, [[], gentle]),
        ("nst", "channel-map distributions of conv2 (MMD)", false, [[], gentle]),
        ("vid", "both conv maps under a learned Gaussian (VID)", false, [[], gentle]),
        (
            "ab", "activation boundaries of both pre-ReLU conv maps (a first epoch), then labels", false,
            [[], ["optimisers.init.lr=0.0002"]]
        ),
        // ft's gentle candidate lost by 2.3 points at 2 epochs; a 3-epoch ft trial takes ~18 min (Zen 3, 1 thread).
        ("ft", "conv2 factors: translator vs a paraphraser trained a first epoch", false, [[]]),
        (
            "fsp", "flow between conv1 and conv2 through 1×1-conv connectors (a first epoch), then labels", false,
            [[], gentle]
        ),
        ("crd", "contrast of penultimate embeddings against 4,096 memory-bank negatives (CRD)", true, [[], gentle]),
        (
            "reviewkd", "features, conv2 and conv1 reviewed top-down by attention-based fusion (hcl)", false,
            [[], gentle]
        ),
    ].map { name, distils, readsStore, candidates in
        KDTableMethod(
            name: name, pipeline: "pipelines/conv/\(name).yaml", distils: distils, baseline: "student",
            usesTeacher: true, epochs: firstPhaseRows.contains(name) ? convStudentEpochs + 1 : nil,
            readsStore: readsStore, candidates: candidates)
    }
    + [
        KDTableMethod(
            name: "simkd", pipeline: "pipelines/conv/simkd.yaml",
            distils: "projected fc1 features, classified by the teacher's fc2 (deployed: student + projector + fc2)",
            baseline: "student", usesTeacher: true, model: "simkd_student", candidates: [[], gentle])
    ]

/// Epochs of the conv section's students (the pipelines agree; the table's override makes sure).
let convStudentEpochs = 2

/// The conv rows whose pipelines train a first phase (a warm-up on the teacher's maps) before the
/// labels: one epoch of it, then the section's student epochs with a schedule of their own, as
/// RepDistiller's init stage comes before its whole main stage.
private let firstPhaseRows: Set<String> = ["ab", "ft", "fsp"]

/// The alternative every distilling row tries: its setting at a lower student learning rate (the
/// narrow, BN-less student can lose every channel early at lr 0.05 under a strong distillation term).
private let gentle = ["optimisers.student.lr=0.02"]

/// The section's learning rate, tried by the rows whose pipelines hold the gentler one.
private let steep = ["optimisers.student.lr=0.05"]
