import KDNN
import KDPipeline

extension PipelineKinds {
    /// The connector kinds as their declarations in KDNN give them: each input a reference field,
    /// each option a number (or whole number) within its bounds, with its default.
    static func registerConnectorKinds(_ r: inout SchemaRegistry) {
        for kind in ConnectorCatalog.kinds {
            let inputs = kind.inputs.map {
                Field($0.name, .reference, $0.required ? .required : .optional, doc: $0.doc)
            }
            let options = kind.options.map { o in
                Field(
                    o.name,
                    o.integer
                        ? .int(min: Int(o.minimum), max: Int(o.maximum))
                        : .number(
                            NumberRange(lower: o.minimum, lowerInclusive: true, upper: o.maximum, upperInclusive: true)),
                    .defaultValue(o.integer ? .int(Int(o.defaultValue)) : .float(o.defaultValue)), doc: o.doc)
            }
            r.register(
                kind.name, in: SchemaRegistry.Family.connector, fields: inputs + options, outputs: kind.outputs,
                doc: kind.doc)
        }
    }
}
