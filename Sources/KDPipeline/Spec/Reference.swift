/// A reference to a dataflow value: `node` or `node.output`, e.g. `augment`, `student.layer3.preact`, `data.train`.
///
/// The node is the first dot-separated component, except that data splits are named by two (`data.train`);
/// the rest is the output (`layer3.preact`), nil when the whole value is meant.
public struct Reference: Sendable, Hashable, CustomStringConvertible {
    /// The stage or data split, e.g. `student` or `data.train`.
    public var node: String
    /// The named output, e.g. `logits` or `layer3.preact`; nil for the node's whole value.
    public var output: String?

    /// Splits `text` into node and output.
    public init(parsing text: String) {
        let parts = text.split(separator: ".", maxSplits: text.hasPrefix("data.") ? 2 : 1).map(String.init)
        if text.hasPrefix("data."), parts.count >= 2 {
            node = parts[0] + "." + parts[1]
            output = parts.count == 3 ? parts[2] : nil
        } else {
            node = parts.first ?? text
            output = parts.count == 2 ? parts[1] : nil
        }
    }

    public var description: String { output.map { "\(node).\($0)" } ?? node }
}
