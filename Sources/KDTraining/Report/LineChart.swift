import Foundation

/// A minimal SVG line chart: named series of (x, y) points on shared axes.
struct LineChart {
    var title: String
    var xLabel: String
    var yLabel: String
    var series: [(name: String, points: [(x: Double, y: Double)])]

    private static let colors = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"]

    func svg(width: Double = 640, height: Double = 360) -> String {
        let all = series.flatMap(\.points).filter { $0.y.isFinite }
        guard let minX = all.map(\.x).min(), let maxX = all.map(\.x).max(),
              let minY = all.map(\.y).min(), let maxY = all.map(\.y).max() else {
            return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"40\"><text x=\"10\" y=\"25\">\(title): no data</text></svg>"
        }
        let (left, right, top, bottom) = (60.0, width - 150, 30.0, height - 45)
        let spanX = max(maxX - minX, 1e-9), spanY = max(maxY - minY, 1e-9)
        func px(_ x: Double) -> Double { left + (x - minX) / spanX * (right - left) }
        func py(_ y: Double) -> Double { bottom - (y - minY) / spanY * (bottom - top) }
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" font-family=\"sans-serif\" font-size=\"12\">\n"
        out += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        out += "<text x=\"\(left)\" y=\"18\" font-size=\"14\">\(title)</text>\n"
        out += "<line x1=\"\(left)\" y1=\"\(bottom)\" x2=\"\(right)\" y2=\"\(bottom)\" stroke=\"black\"/>\n"
        out += "<line x1=\"\(left)\" y1=\"\(top)\" x2=\"\(left)\" y2=\"\(bottom)\" stroke=\"black\"/>\n"
        for i in 0...4 {
            let y = minY + spanY * Double(i) / 4, x = minX + spanX * Double(i) / 4
            out += "<text x=\"\(left - 6)\" y=\"\(py(y) + 4)\" text-anchor=\"end\">\(String(format: "%.3g", y))</text>\n"
            out += "<text x=\"\(px(x))\" y=\"\(bottom + 16)\" text-anchor=\"middle\">\(String(format: "%.3g", x))</text>\n"
        }
        out += "<text x=\"\((left + right) / 2)\" y=\"\(height - 8)\" text-anchor=\"middle\">\(xLabel)</text>\n"
        out += "<text x=\"14\" y=\"\((top + bottom) / 2)\" transform=\"rotate(-90 14 \((top + bottom) / 2))\" text-anchor=\"middle\">\(yLabel)</text>\n"
        for (i, s) in series.enumerated() {
            let color = Self.colors[i % Self.colors.count]
            let path = s.points.filter { $0.y.isFinite }.map { String(format: "%.1f,%.1f", px($0.x), py($0.y)) }.joined(separator: " ")
            out += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.5\" points=\"\(path)\"/>\n"
            out += "<text x=\"\(right + 10)\" y=\"\(top + 16 * Double(i + 1))\" fill=\"\(color)\">\(s.name)</text>\n"
        }
        return out + "</svg>\n"
    }
}
