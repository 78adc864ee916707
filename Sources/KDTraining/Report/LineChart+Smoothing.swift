import Foundation

extension LineChart {
    /// Each pass of the moving average spans about this fraction of a series' points (≈5 px of plot width):
    /// long enough to average out batch-to-batch noise, short enough to keep the warm-up and schedule bends.
    static let smoothingFraction = 0.015

    /// An exponential moving average of the y values run forwards and then backwards: one pass alone lags,
    /// drawing a falling loss late and above its raw values; the backward pass cancels that lag.
    static func movingAverage(_ points: [(x: Double, y: Double)]) -> [(x: Double, y: Double)] {
        let alpha = 1 / max(1, Double(points.count) * smoothingFraction)
        func pass(_ values: [Double]) -> [Double] {
            var average = values.first ?? 0  // started at the first value, not pulled towards 0
            return values.map {
                average += alpha * ($0 - average)
                return average
            }
        }
        let smoothed = pass(pass(points.map(\.y)).reversed()).reversed()
        return zip(points, smoothed).map { ($0.x, $1) }
    }

    /// Every n-th point (and the last), at most `limit`: more than ~1 per pixel column cannot be seen
    /// and only grows the file (a long run logs tens of thousands of steps).
    static func thinned(_ points: [(Double, Double)], limit: Int = 600) -> [(Double, Double)] {
        guard points.count > limit else { return points }
        let by = (points.count + limit - 1) / limit
        var kept = stride(from: 0, to: points.count, by: by).map { points[$0] }
        if (points.count - 1) % by != 0 { kept.append(points[points.count - 1]) }
        return kept
    }
}
