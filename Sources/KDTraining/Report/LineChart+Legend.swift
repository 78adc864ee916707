import Foundation

extension LineChart {
    /// Room for the longest legend entry (about 6.8 px per character at 12 px: digits are wide), its swatch and a margin.
    func legendWidth(_ shown: [Series]) -> Double {
        let entries =
            shown.map(\.name) + shown.compactMap(\.mark?.label) + (smoothed ? Self.styleKeys.map(\.label) : [])
        return 6.8 * Double(entries.map(\.count).max() ?? 0) + 40
    }

    /// The faint/solid line styles of a smoothed chart, explained under the series names.
    private static let styleKeys = [
        (label: "raw", attributes: rawStroke), (label: "smoothed", attributes: solidStroke),
    ]

    /// A swatch and name per series from the top right of the plot, and under it the label of its ring:
    /// in the legend, not beside the ring, where several models' best epochs would overlap.
    func legend(_ shown: [Series], at x: Double, top: Double) -> String {
        var out = ""
        var y = top + 6
        for (i, s) in shown.enumerated() {
            let color = Self.colors[i % Self.colors.count]
            out += line(x, y - 4, x + 20, y - 4, color, Self.solidStroke) + text(x + 26, y, s.name)
            y += 18
            if let mark = s.mark {
                out += ring(x + 10, y - 4, color) + text(x + 26, y, mark.label, "fill=\"\(color)\"")
                y += 22
            }
        }
        guard smoothed else { return out }
        y += 6
        for key in Self.styleKeys {
            out += line(x, y - 4, x + 20, y - 4, "#555", key.attributes) + text(x + 26, y, key.label, "fill=\"#555\"")
            y += 18
        }
        return out
    }
}
