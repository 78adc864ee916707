import Foundation

/// A dependency-free SVG line chart: named series of (x, y) points on shared axes, x in epochs.
struct LineChart {
    enum YScale { case linear, log }

    struct Series {
        var name: String
        var points: [(x: Double, y: Double)]
        /// A point called out with a ring, its label in the legend (the best epoch).
        var mark: (x: Double, y: Double, label: String)? = nil
    }

    var title: String
    var xLabel: String
    var yLabel: String
    var series: [Series]
    var yScale = YScale.linear
    /// Draws each series faint as given and solid as its moving average (noisy per-step values).
    var smoothed = false

    static let colors = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"]
    /// Raw values under a smoothed curve: thin and faint, the curve on top carries the trend.
    static let rawStroke = "stroke-width=\"0.8\" stroke-opacity=\"0.35\"", solidStroke = "stroke-width=\"2\""

    func svg(width: Double = 720, height: Double = 360) -> String {
        let shown = series.map { Series(name: $0.name, points: $0.points.filter(isPlottable), mark: $0.mark) }
            .filter { !$0.points.isEmpty }
        let all = shown.flatMap(\.points)
        guard let minX = all.map(\.x).min(), let maxX = all.map(\.x).max(),
            let minY = all.map(\.y).min(), let maxY = all.map(\.y).max()
        else {
            return
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"40\"><text x=\"10\" y=\"25\">\(title): no data</text></svg>\n"
        }
        let plot = Frame(left: 64, right: width - legendWidth(shown) - 16, top: 34, bottom: height - 44)
        // Whole-number x ticks: the x axis is epochs in every chart kdflow draws.
        let xTicks = AxisTicks.linear(minX, maxX, integers: true)
        let yTicks = yScale == .log ? AxisTicks.log(minY, maxY) : AxisTicks.linear(minY, maxY)
        let scaleY: (Double) -> Double = yScale == .log ? { log10($0) } : { $0 }
        let px = { (x: Double) in
            plot.left + (x - xTicks.lower) / (xTicks.upper - xTicks.lower) * (plot.right - plot.left)
        }
        let py = { (y: Double) in
            plot.bottom - (scaleY(y) - scaleY(yTicks.lower)) / (scaleY(yTicks.upper) - scaleY(yTicks.lower))
                * (plot.bottom - plot.top)
        }
        var out =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" font-family=\"sans-serif\" font-size=\"12\">\n"
        out += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        out += text(plot.left, 20, title, "font-size=\"14\" font-weight=\"bold\"")
        for (x, label) in zip(xTicks.values, xTicks.labels) {
            out += line(px(x), plot.top, px(x), plot.bottom, "#e6e6e6")
            out += text(px(x), plot.bottom + 16, label, "text-anchor=\"middle\"")
        }
        for (y, label) in zip(yTicks.values, yTicks.labels) {
            out += line(plot.left, py(y), plot.right, py(y), "#e6e6e6")
            out += text(plot.left - 6, py(y) + 4, label, "text-anchor=\"end\"")
        }
        out +=
            line(plot.left, plot.bottom, plot.right, plot.bottom, "black")
            + line(plot.left, plot.top, plot.left, plot.bottom, "black")
        out += text((plot.left + plot.right) / 2, height - 10, xLabel, "text-anchor=\"middle\"")
        let middle = (plot.top + plot.bottom) / 2
        out += text(
            16, middle, yLabel + (yScale == .log ? " (log scale)" : ""),
            "text-anchor=\"middle\" transform=\"rotate(-90 16 \(middle))\"")
        for (i, s) in shown.enumerated() {
            let color = Self.colors[i % Self.colors.count]
            let screen = s.points.map { (px($0.x), py($0.y)) }
            if smoothed {
                out += polyline(Self.thinned(screen), color, Self.rawStroke)
                out += polyline(
                    Self.thinned(Self.movingAverage(s.points).map { (px($0.x), py($0.y)) }), color, Self.solidStroke)
            } else {
                out += polyline(screen, color, Self.solidStroke)
                // Few points (one per epoch): dots show where the measurements are, between them is a guess.
                if screen.count <= 60 { out += screen.map { circle($0.0, $0.1, 3, color) }.joined() }
            }
        }
        for (i, s) in shown.enumerated() {
            guard let mark = s.mark else { continue }
            out += ring(px(mark.x), py(mark.y), Self.colors[i % Self.colors.count])
        }
        out += legend(shown, at: plot.right + 16, top: plot.top)
        return out + "</svg>\n"
    }

    /// The plotting area, in pixels.
    private struct Frame { var left, right, top, bottom: Double }

    private func isPlottable(_ p: (x: Double, y: Double)) -> Bool {
        // A log axis cannot place zero or negative values (a loss term can be 0, a few can go negative):
        // they are dropped rather than clamped, so every drawn point is where its value is.
        p.x.isFinite && p.y.isFinite && (yScale == .linear || p.y > 0)
    }

    func text(_ x: Double, _ y: Double, _ content: String, _ attributes: String = "") -> String {
        String(format: "<text x=\"%.1f\" y=\"%.1f\" %@>%@</text>\n", x, y, attributes, content)
    }

    func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, _ color: String, _ attributes: String = "")
        -> String
    {
        String(
            format: "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%@\" %@/>\n", x1, y1, x2, y2, color,
            attributes)
    }

    private func circle(_ x: Double, _ y: Double, _ radius: Double, _ color: String) -> String {
        String(
            format: "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"%@\" stroke=\"white\" stroke-width=\"1\"/>\n", x,
            y, radius, color)
    }

    func ring(_ x: Double, _ y: Double, _ color: String) -> String {
        String(
            format: "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"7\" fill=\"none\" stroke=\"%@\" stroke-width=\"2\"/>\n", x, y,
            color)
    }

    private func polyline(_ points: [(Double, Double)], _ color: String, _ attributes: String) -> String {
        let path = points.map { String(format: "%.1f,%.1f", $0.0, $0.1) }.joined(separator: " ")
        return "<polyline fill=\"none\" stroke=\"\(color)\" \(attributes) points=\"\(path)\"/>\n"
    }
}
