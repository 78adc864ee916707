/// Kinds the upper layer registers (loss kinds, optimisers, architectures, augmentations, …) with their fields.
///
/// KDPipeline hard-codes no kind: an empty family rejects every kind with "no … kinds are registered".
public struct SchemaRegistry: Sendable {
    /// Family names the pipeline-file schema looks kinds up in.
    public enum Family {
        /// `models.<name>.arch`: model architectures.
        public static let architecture = "arch"
        /// `stages.<name>.ops[i]`: augmentation ops (single-key mappings such as `{hflip: 0.5}`).
        public static let augmentation = "augmentation"
        /// `stages.<name>.connector`: alignment connectors.
        public static let connector = "connector"
        /// `loss.<name>.kind`: loss kinds.
        public static let loss = "loss"
        /// `optimisers.<name>.kind`: optimisers.
        public static let optimizer = "optimiser"
        /// `optimisers.<name>.schedule`: learning-rate schedules (single-key mappings such as `{cosine: {...}}`).
        public static let schedule = "schedule"
        /// `data.<split>.import.kind`: dataset importers.
        public static let importer = "importer"
    }

    /// One registered kind.
    public struct Kind: Sendable {
        /// The name written in the file.
        public var name: String
        /// For `kinded` families: an `.object` of the kind's own fields; for `oneOf` families: the value's schema.
        public var schema: Schema
        /// One line of documentation.
        public var doc: String
        /// For connector kinds: the outputs a stage of this kind produces, `out` first.
        public var outputs: [String] = ["out"]
    }

    private var families: [String: [String: Kind]] = [:]

    /// An empty registry.
    public init() {}

    /// Registers a kind whose extra fields are `fields` (for families selected by `kind:`/`arch:`, and
    /// connectors, whose kinds also name their `outputs`).
    public mutating func register(
        _ name: String, in family: String, fields: [Field] = [], outputs: [String] = ["out"], doc: String = ""
    ) {
        families[family, default: [:]][name] = Kind(
            name: name, schema: .object(ObjectSchema(fields, doc: doc)), doc: doc, outputs: outputs)
    }

    /// Registers a single-key form `{name: value}` whose value has `value` schema (augmentation ops, schedules).
    public mutating func register(_ name: String, in family: String, value: Schema, doc: String = "") {
        families[family, default: [:]][name] = Kind(name: name, schema: value, doc: doc)
    }

    /// The kind `name` of `family`, if registered.
    public func kind(_ name: String, in family: String) -> Kind? { families[family]?[name] }

    /// The registered names of `family`, sorted.
    public func names(in family: String) -> [String] { (families[family]?.keys).map { $0.sorted() } ?? [] }
}
