/// The shape a YAML value must have: a small schema language written as data.
public indirect enum Schema: Sendable {
    /// A string scalar (a quoted number is a string; a plain number is not).
    case string
    /// An integer, at least `min` and at most `max` when given.
    case int(min: Int? = nil, max: Int? = nil)
    /// A finite number within `range`; integers are accepted.
    case number(NumberRange)
    /// `true` or `false`.
    case bool
    /// One string of a fixed list.
    case enumeration([String])
    /// A reference to a dataflow value: `node` or `node.output` (e.g. `augment`, `student.logits`, `data.train`).
    case reference
    /// A string naming a kind registered in `family` (e.g. `connector: conv1x1_bn`).
    case registeredName(family: String)
    /// A list whose every element has the element schema.
    case list(Schema)
    /// One value of the element schema, or a list of them (e.g. `data.train`: one source or several).
    case oneOrList(Schema)
    /// A mapping from free-form string keys to values of one schema (e.g. `models`, `loss`).
    case map(Schema)
    /// A mapping with known fields.
    case object(ObjectSchema)
    /// A single-key mapping whose key picks the value's schema from `family` (e.g. `{hflip: 0.5}`).
    case oneOf(family: String)
    /// A mapping whose discriminator field (e.g. `kind:`) picks its other fields from a registry family.
    case kinded(KindedSchema)
    /// A mapping that is one of several objects, told apart by which distinguishing key it has.
    case variants([Variant])
    /// Anything; left to the upper layer.
    case any
}

/// One field of an object schema.
public struct Field: Sendable {
    /// Whether a field must be written, may be left out, or takes a default when left out.
    public enum Requirement: Sendable {
        case required
        case optional
        /// Inserted into the tree when missing, so typed decoding always finds it.
        case defaultValue(YAMLValue.Content)
    }

    /// The key.
    public var name: String
    /// The value's schema.
    public var schema: Schema
    /// Required, optional or defaulted.
    public var requirement: Requirement
    /// One line for `--help`-style documentation.
    public var doc: String

    /// A field `name` of `schema`.
    public init(_ name: String, _ schema: Schema, _ requirement: Requirement = .optional, doc: String = "") {
        self.name = name
        self.schema = schema
        self.requirement = requirement
        self.doc = doc
    }
}

/// A mapping with a fixed set of fields; any other key is an error.
public struct ObjectSchema: Sendable {
    /// The allowed keys.
    public var fields: [Field]
    /// One line describing the object.
    public var doc: String

    /// An object with `fields`.
    public init(_ fields: [Field], doc: String = "") {
        self.fields = fields
        self.doc = doc
    }
}

/// An object whose `discriminator` field names a kind registered in `family`; that kind adds its own fields.
public struct KindedSchema: Sendable {
    /// The registry family, e.g. `SchemaRegistry.Family.loss`.
    public var family: String
    /// The field naming the kind: `kind` for losses and optimisers, `arch` for models.
    public var discriminator: String
    /// Fields every kind of the family has (e.g. a loss term's `weight`).
    public var commonFields: [Field]

    /// Objects of `family`, told apart by `discriminator`.
    public init(family: String, discriminator: String = "kind", commonFields: [Field] = []) {
        self.family = family
        self.discriminator = discriminator
        self.commonFields = commonFields
    }
}

/// One alternative of `Schema.variants`: chosen when the mapping has `key`.
public struct Variant: Sendable {
    /// The distinguishing key, e.g. `ops` for an augmentation stage.
    public var key: String
    /// The alternative's fields (including `key`).
    public var schema: ObjectSchema

    /// The alternative chosen by `key`.
    public init(key: String, schema: ObjectSchema) {
        self.key = key
        self.schema = schema
    }
}

extension Schema {
    /// Whether a value of this schema is written as a mapping.
    var takesMapping: Bool {
        switch self {
        case .map, .object, .kinded, .variants, .oneOf: true
        default: false
        }
    }

    /// How a type error names what was expected.
    var expectation: String {
        switch self {
        case .string, .registeredName: "a string"
        case .reference: "a reference (node or node.output)"
        case .int(let min, let max):
            switch (min, max) {
            case let (min?, max?): "an integer in [\(min), \(max)]"
            case let (min?, nil): "an integer ≥ \(min)"
            case let (nil, max?): "an integer ≤ \(max)"
            case (nil, nil): "an integer"
            }
        case .number(let range): range.lower == nil && range.upper == nil ? "a number" : "a number \(range)"
        case .bool: "true or false"
        case .enumeration(let names): "one of: \(names.joined(separator: ", "))"
        case .list: "a list"
        case .oneOrList(let element): "\(element.expectation) or a list of them"
        case .map, .object, .kinded, .variants: "a mapping"
        case .oneOf: "a single-key mapping"
        case .any: "a value"
        }
    }
}

/// The numbers a `.number` field accepts: each bound optional, inclusive or not; never NaN or infinite.
public struct NumberRange: Sendable, CustomStringConvertible {
    public var lower: Double?
    public var lowerInclusive: Bool
    public var upper: Double?
    public var upperInclusive: Bool

    /// Bounds as given; nil is unbounded on that side.
    public init(lower: Double?, lowerInclusive: Bool, upper: Double?, upperInclusive: Bool) {
        self.lower = lower
        self.lowerInclusive = lowerInclusive
        self.upper = upper
        self.upperInclusive = upperInclusive
    }

    /// x ≥ `value`.
    public static func atLeast(_ value: Double) -> NumberRange {
        NumberRange(lower: value, lowerInclusive: true, upper: nil, upperInclusive: false)
    }
    /// x > `value`.
    public static func above(_ value: Double) -> NumberRange {
        NumberRange(lower: value, lowerInclusive: false, upper: nil, upperInclusive: false)
    }
    /// 0 ≤ x ≤ 1: a probability.
    public static let probability = NumberRange(lower: 0, lowerInclusive: true, upper: 1, upperInclusive: true)
    /// 0 ≤ x < 1.
    public static let unitHalfOpen = NumberRange(lower: 0, lowerInclusive: true, upper: 1, upperInclusive: false)
    /// Any finite number.
    public static let finite = NumberRange(lower: nil, lowerInclusive: false, upper: nil, upperInclusive: false)
    /// 0 < x < 1.
    public static let unitOpen = NumberRange(lower: 0, lowerInclusive: false, upper: 1, upperInclusive: false)

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
