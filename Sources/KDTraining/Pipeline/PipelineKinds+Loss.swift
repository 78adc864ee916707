import KDLoss
import KDPipeline

extension PipelineKinds {
    /// The loss kinds as their declarations in KDLoss give them: each input a reference, each
    /// option a field of its type, range and default; every kind's weight may ramp up linearly.
    static func registerLossKinds(_ r: inout SchemaRegistry) {
        let warmup = Field(
            "warmup_epochs", .number(.atLeast(0)), .defaultValue(.float(0)),
            doc: "epochs over which the weight grows linearly from 0")
        for kind in LossCatalog.kinds {
            let inputs = kind.inputs.map {
                Field($0.name, .reference, $0.required ? .required : .optional, doc: $0.doc)
            }
            r.register(
                kind.name, in: SchemaRegistry.Family.loss, fields: inputs + kind.options.map(field) + [warmup],
                doc: kind.doc)
        }
    }

    private static func field(_ option: LossOption) -> Field {
        let requirement: Field.Requirement
        switch option.defaultValue {
        case .number(let x)?: requirement = .defaultValue(.float(x))
        case .text(let t)?: requirement = .defaultValue(.string(t))
        case .flag(let b)?: requirement = .defaultValue(.bool(b))
        default: requirement = .optional
        }
        switch option.kind {
        case .number(let b):
            let range = NumberRange(
                lower: b.lower, lowerInclusive: b.lowerInclusive, upper: b.upper, upperInclusive: b.upperInclusive)
            return Field(option.name, .number(range), requirement, doc: option.doc)
        case .choice(let names): return Field(option.name, .enumeration(names), requirement, doc: option.doc)
        case .numbers: return Field(option.name, .list(.number(.finite)), requirement, doc: option.doc)
        case .text: return Field(option.name, .string, requirement, doc: option.doc)
        case .flag: return Field(option.name, .bool, requirement, doc: option.doc)
        }
    }
}
