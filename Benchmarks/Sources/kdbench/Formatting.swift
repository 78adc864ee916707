import Foundation

/// Command-line options and table cells shared by the benchmarks.

/// The integer after `name` in `args`, if any.
func intOption(_ name: String, in args: [String]) -> Int? {
    guard let index = args.firstIndex(of: name), index + 1 < args.count else { return nil }
    return Int(args[index + 1])
}

/// `value` right-aligned in `width` columns.
func pad(_ value: Int, _ width: Int) -> String {
    String(repeating: " ", count: max(0, width - String(value).count)) + String(value)
}

/// `value` with `digits` decimals, right-aligned in `width` columns.
func pad(_ value: Double, _ width: Int, digits: Int = 1) -> String {
    let text = String(format: "%.\(digits)f", value)
    return String(repeating: " ", count: max(0, width - text.count)) + text
}
