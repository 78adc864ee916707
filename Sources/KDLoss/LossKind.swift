/// One loss kind, declared once: the inputs it reads, its options (type, default, range, doc), the
/// shapes it accepts, and how it is built. Pipeline validation, planning, `kdflow loss` and the
/// README's table all read this declaration.
public struct LossKind: Sendable {
    /// The name pipeline files and `kdflow loss` use.
    public let name: String
    /// One line: what it computes.
    public let doc: String
    /// The tensors it reads, in role order, then `target` (labels) where it takes them.
    public let inputs: [LossInput]
    /// Its options.
    public let options: [LossOption]
    /// The shapes its tensor inputs must have.
    public let shapes: LossShapeRule
    let build: @Sendable (LossOptions) throws(LossOptionError) -> any LossFunction

    init(
        name: String, doc: String, inputs: [LossInput], options: [LossOption] = [], shapes: LossShapeRule,
        build: @escaping @Sendable (LossOptions) throws(LossOptionError) -> any LossFunction
    ) {
        self.name = name
        self.doc = doc
        self.inputs = inputs
        self.options = options
        self.shapes = shapes
        self.build = build
    }

    /// The loss function with `given` options: each checked against its declaration (known, of its
    /// type, within its range), the declared defaults filled in for the rest.
    public func make(_ given: LossOptions) throws(LossOptionError) -> any LossFunction {
        var values: [String: LossOptions.Value] = [:]
        for key in given.values.keys.sorted() where !options.contains(where: { $0.name == key }) {
            throw .unknownOption(kind: name, key: key, known: options.map(\.name))
        }
        for option in options {
            guard let value = given.values[option.name] ?? option.defaultValue else { continue }
            values[option.name] = try option.checked(value)
        }
        return try build(LossOptions(values))
    }
}

/// A tensor a loss kind reads (a reference-typed key in a pipeline file).
public struct LossInput: Sendable {
    public let name: String
    public let required: Bool
    public let doc: String

    static let student = LossInput(name: "student", required: true, doc: "the trained side")
    static let teacher = LossInput(
        name: "teacher", required: true, doc: "the target side (a teacher, or a second trainable peer)")
    static let target = LossInput(name: "target", required: false, doc: "labels (the batch's own)")
}

/// One option of a loss kind.
public struct LossOption: Sendable {
    /// What values it takes.
    public enum Kind: Sendable {
        /// A finite number within the bounds.
        case number(OptionBounds)
        /// One of these names.
        case choice([String])
        /// A list of finite numbers.
        case numbers
        /// Free text (a name).
        case text
        /// true or false.
        case flag
    }

    public let name: String
    public let kind: Kind
    /// Taken when the option is not given; nil: the option is absent unless given.
    public let defaultValue: LossOptions.Value?
    public let doc: String

    static func number(_ name: String, _ value: Double, _ bounds: OptionBounds, _ doc: String) -> LossOption {
        LossOption(name: name, kind: .number(bounds), defaultValue: .number(value), doc: doc)
    }

    static func choice(_ name: String, _ value: String, _ names: [String], _ doc: String) -> LossOption {
        LossOption(name: name, kind: .choice(names), defaultValue: .text(value), doc: doc)
    }

    static func temperature(_ value: Double) -> LossOption {
        .number("temperature", value, .above(0), "softening temperature T")
    }

    /// Logit standardisation (Sun et al., CVPR 2024): each row z-scored before the temperature.
    static let standardize = LossOption(
        name: "standardize", kind: .flag, defaultValue: .flag(false),
        doc: "z-score each row of logits (unbiased std, + 1e-7) before the temperature (LSKD)")

    /// `value` if it fits the declaration (a lone number is a one-element list).
    func checked(_ value: LossOptions.Value) throws(LossOptionError) -> LossOptions.Value {
        switch (kind, value) {
        case (.number(let bounds), .number(let x)):
            guard bounds.contains(x) else { throw .outOfRange(key: name, value: x, bounds: bounds.description) }
            return value
        case (.choice(let names), .text(let t)):
            guard names.contains(t) else {
                throw .wrongType(key: name, expected: "one of " + names.joined(separator: ", "))
            }
            return value
        case (.numbers, .number(let x)) where x.isFinite:
            return .numbers([x])
        case (.numbers, .numbers(let xs)) where xs.allSatisfy(\.isFinite):
            return value
        case (.text, .text), (.flag, .flag):
            return value
        case (.number(let bounds), _): throw .wrongType(key: name, expected: "a number \(bounds)")
        case (.choice(let names), _): throw .wrongType(key: name, expected: "one of " + names.joined(separator: ", "))
        case (.numbers, _): throw .wrongType(key: name, expected: "a list of finite numbers")
        case (.text, _): throw .wrongType(key: name, expected: "text")
        case (.flag, _): throw .wrongType(key: name, expected: "true or false")
        }
    }
}

/// The numbers an option accepts: each bound optional, inclusive or not; never NaN or infinite.
public struct OptionBounds: Sendable, CustomStringConvertible {
    public let lower: Double?, lowerInclusive: Bool, upper: Double?, upperInclusive: Bool

    static func atLeast(_ x: Double) -> OptionBounds {
        OptionBounds(lower: x, lowerInclusive: true, upper: nil, upperInclusive: false)
    }
    static func above(_ x: Double) -> OptionBounds {
        OptionBounds(lower: x, lowerInclusive: false, upper: nil, upperInclusive: false)
    }
    /// 0 ≤ x < 1.
    static let unitHalfOpen = OptionBounds(lower: 0, lowerInclusive: true, upper: 1, upperInclusive: false)

    /// Whether `x` is finite and within the bounds.
    public func contains(_ x: Double) -> Bool {
        guard x.isFinite else { return false }
        if let lower, lowerInclusive ? x < lower : x <= lower { return false }
        if let upper, upperInclusive ? x > upper : x >= upper { return false }
        return true
    }

    public var description: String {
        func text(_ x: Double) -> String { x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(x) }
        switch (lower, upper) {
        case let (lower?, upper?):
            return "in " + (lowerInclusive ? "[" : "(") + text(lower) + ", " + text(upper)
                + (upperInclusive ? "]" : ")")
        case let (lower?, nil): return (lowerInclusive ? "≥ " : "> ") + text(lower)
        case let (nil, upper?): return (upperInclusive ? "≤ " : "< ") + text(upper)
        case (nil, nil): return "finite"
        }
    }
}

/// The shapes a kind's tensor inputs must have.
public enum LossShapeRule: Sendable {
    /// Logits [N, classes], all inputs of one shape.
    case logits
    /// Inputs of one shape, compared elementwise.
    case sameShape
    /// NCHW maps of equal batch, height and width (channels may differ).
    case spatialMaps
    /// NCHW maps of equal batch, each square (H = W); channels and sizes may differ.
    case squareMaps
    /// NCHW maps (or [N, C] features, as 1×1 maps) of one shape.
    case sameMaps
    /// [N, …] batches with equal N (the rows are related, not the features).
    case sameRows
    /// Two square NCHW maps of the student (`student`, `student_top`) and two of the teacher
    /// (`teacher`, `teacher_top`), all of one batch, each teacher map as many channels as the
    /// student's of its stage (sizes may differ).
    case stagePairs
    /// `student` and `teacher` of one shape ([N, C] or NCHW) and `variance` [C].
    case predictedVariance
    /// `student` and `teacher` scores of one shape [N, K + 1], K ≥ 1, and `noise` [1].
    case contrastScores
}
