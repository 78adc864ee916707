@testable import KDTraining
import Testing

struct AxisTicksTests {
    @Test func linearTicksAreOneTwoFiveStepsCoveringTheData() {
        #expect(AxisTicks.linear(0.0502, 5.01).labels == ["0", "1", "2", "3", "4", "5", "6"])
        #expect(AxisTicks.linear(0.943, 1.75).labels == ["0.8", "1.0", "1.2", "1.4", "1.6", "1.8"])
        #expect(AxisTicks.linear(84.36, 87.52).values == [84, 85, 86, 87, 88])
        #expect(AxisTicks.linear(-0.3, 0.02).labels == ["-0.3", "-0.2", "-0.1", "0.0", "0.1"])
    }

    @Test func tickValuesAndLabelsCarryNoFloatNoise() {
        let ticks = AxisTicks.linear(0, 0.45)
        #expect(
            ticks.values == [0, 0.1, 0.2, 0.3, 0.4, 0.5],
            "3 × 0.1 is 0.30000000000000004; the tick must be the literal 0.3")
        #expect(ticks.labels == ["0.0", "0.1", "0.2", "0.3", "0.4", "0.5"])
        #expect(AxisTicks.linear(0.6, 1.4).lower == 0.6, "0.6 / 0.2 rounds below 3; no extra tick at 0.4")
    }

    @Test func epochAxesTickWholeNumbers() {
        #expect(AxisTicks.linear(1, 3, integers: true).values == [1, 2, 3])
        #expect(AxisTicks.linear(1.0 / 468, 3, integers: true).values == [0, 1, 2, 3])
        #expect(AxisTicks.linear(1, 1, integers: true).values == [0, 1, 2], "one epoch still gets an axis")
        #expect(AxisTicks.linear(1, 20, integers: true).values == [0, 5, 10, 15, 20])
    }

    @Test func everyLinearRangeGetsFourToEightTicksAroundIt() {
        for lo in [-7.3, 0, 0.013, 2.5, 940] {
            for span in [0.001, 0.0013, 0.02, 0.049, 0.7, 1, 3.3, 10, 10.0001, 64, 999] {
                let ticks = AxisTicks.linear(lo, lo + span)
                #expect((4...8).contains(ticks.values.count), "\(lo)…\(lo + span): \(ticks.labels)")
                let slack = span * 1e-6  // -7.3 + 0.001 is -7.2989999999999995: a tick at -7.299 covers it
                #expect(
                    ticks.lower <= lo + slack && ticks.upper >= lo + span - slack, "\(lo)…\(lo + span): \(ticks.labels)"
                )
            }
        }
    }

    @Test func logTicksAreOneTwoFivePerDecade() {
        #expect(AxisTicks.log(0.05, 2.5).labels == ["0.05", "0.1", "0.2", "0.5", "1", "2", "5"])
        #expect(AxisTicks.log(0.17, 2.4).values == [0.1, 0.2, 0.5, 1, 2, 5])
        #expect(
            AxisTicks.log(1e-5, 10).labels == ["0.00001", "0.0001", "0.001", "0.01", "0.1", "1", "10"],
            "seven decades: whole decades only")
        #expect(AxisTicks.log(1e-9, 1e6).values.count <= 8)
        #expect(
            AxisTicks.log(0.9, 1.1).labels == ["0.90", "0.95", "1.00", "1.05", "1.10"],
            "too narrow for 1-2-5: linear steps")
    }
}
