import Foundation

/// "Nice" axis ticks: 1, 2 or 5 × 10^k values whose first and last tick cover the data range.
struct AxisTicks: Equatable {
    /// The tick values, ascending; the first and last are the axis bounds.
    let values: [Double]
    /// The values as printed: no float noise, and on a linear axis the same decimals for all.
    let labels: [String]

    var lower: Double { values[0] }
    var upper: Double { values[values.count - 1] }

    /// About 5 intervals (4–8 ticks): enough to read a value off, few enough to label without overlap.
    private static let targetIntervals = 5.0
    /// More log ticks than this and the 1-2-5 steps give way to whole decades.
    private static let maxLogTicks = 8

    /// Equally spaced ticks; `integers` keeps the step ≥ 1 (for epochs).
    static func linear(_ lo: Double, _ hi: Double, integers: Bool = false) -> AxisTicks {
        var (lo, hi) = (lo, hi)
        if hi - lo <= 0 {  // one value: centre it in a range that still has a step
            let pad = integers ? 1 : (lo == 0 ? 1 : abs(lo) * 0.1)
            (lo, hi) = (lo - pad, hi + pad)
        }
        let raw = (hi - lo) / targetIntervals
        var exponent = Int(floor(log10(raw)))
        var mantissa = [1, 2, 5, 10].first { Double($0) * decimal(1, exponent) >= raw * (1 - 1e-9) }!
        if mantissa == 10 { (mantissa, exponent) = (1, exponent + 1) }
        if integers && exponent < 0 { (mantissa, exponent) = (1, 0) }
        let step = decimal(mantissa, exponent)
        // The tolerance keeps 0.6 / 0.2 = 2.9999999999999996 from adding a tick below 0.6.
        let first = Int(floor(lo / step + 1e-9)), last = Int(ceil(hi / step - 1e-9))
        let values = (first...max(last, first + 1)).map { decimal($0 * mantissa, exponent) }
        let decimals = max(0, -exponent)
        return AxisTicks(values: values, labels: values.map { String(format: "%.\(decimals)f", $0) })
    }

    /// Ticks for a log axis (`lo` > 0): 1, 2, 5 per decade, whole decades over a wide range,
    /// and linear 1-2-5 ticks (placed on the log axis) when the range is too narrow for four log ticks.
    static func log(_ lo: Double, _ hi: Double) -> AxisTicks {
        precondition(lo > 0 && hi >= lo, "a log axis needs positive values")
        let firstDecade = Int(floor(log10(lo))), lastDecade = Int(ceil(log10(hi)))
        let candidates = (firstDecade...lastDecade).flatMap { k in [1, 2, 5].map { (mantissa: $0, exponent: k) } }
        let tolerance = 1e-9
        let start = candidates.lastIndex { decimal($0.mantissa, $0.exponent) <= lo * (1 + tolerance) } ?? 0
        let end =
            candidates.firstIndex { decimal($0.mantissa, $0.exponent) >= hi * (1 - tolerance) } ?? candidates.count - 1
        var picked = Array(candidates[start...end])
        if picked.count > maxLogTicks {
            let decades = lastDecade - firstDecade, by = (decades + maxLogTicks - 2) / (maxLogTicks - 1)
            picked = stride(from: firstDecade, through: firstDecade + by * ((decades + by - 1) / by), by: by).map {
                (1, $0)
            }
        } else if picked.count < 4 {
            let linear = linear(lo, hi)
            if linear.lower > 0 { return linear }
        }
        return AxisTicks(
            values: picked.map { decimal($0.mantissa, $0.exponent) },
            labels: picked.map { String(format: "%.\(max(0, -$0.exponent))f", decimal($0.mantissa, $0.exponent)) })
    }

    /// `mantissa × 10^exponent`, rounded once, so 3 × 10^-1 is the same Double as the literal 0.3.
    private static func decimal(_ mantissa: Int, _ exponent: Int) -> Double {
        let power = (0..<abs(exponent)).reduce(1.0) { acc, _ in acc * 10 }
        return exponent >= 0 ? Double(mantissa) * power : Double(mantissa) / power
    }
}
