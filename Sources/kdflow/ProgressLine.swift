import Foundation
import KDTraining

/// A one-line progress bar on a terminal; a plain line every tenth of an epoch otherwise.
final class ProgressLine: @unchecked Sendable {
    // Updated only from the training stage's thread; `finish` runs after training returns.
    private let stepsPerEpoch: Int, epochs: Int
    private let isTerminal = isatty(STDOUT_FILENO) != 0
    private var started = Date()
    private var drawn = false

    init(stepsPerEpoch: Int, epochs: Int) {
        self.stepsPerEpoch = max(stepsPerEpoch, 1)
        self.epochs = epochs
    }

    func update(_ record: StepRecord) {
        let done = record.batch + 1
        if done == 1 { started = Date() }
        let rate = Double(done) / max(Date().timeIntervalSince(started), 1e-9)
        let text = String(
            format: "epoch %d/%d  %d/%d  loss %.4f  %.1f steps/s", record.epoch + 1, epochs, done,
            stepsPerEpoch, record.total, rate)
        if isTerminal {
            let width = 24, filled = width * done / stepsPerEpoch
            let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
            FileHandle.standardOutput.write(Data("\r\(bar) \(text)\u{1B}[K".utf8))
            drawn = true
        } else if done % max(stepsPerEpoch / 10, 1) == 0 {
            emit(text)
        }
    }

    func finish() {
        if drawn { FileHandle.standardOutput.write(Data("\r\u{1B}[K".utf8)) }
        drawn = false
    }
}
