import Foundation
import KDAutodiff
import KDLoss
import KDNN
import KDTensor

/// `train-step [--rounds R]`: batch-128 forward + backward + SGD-momentum step of mlp, cnn and
/// resnet8 on 28×28×1, kdflow against PyTorch CPU, 1 and 2 threads; each measurement in its own
/// process, which warms up with 3 untimed steps and reports its median step. Each round runs
/// every configuration on both sides, alternating which side goes first, so machine noise hits
/// both alike; a ratio is the median over rounds of that round's ratio, steps/s the median over
/// rounds, memory the peak over rounds.
func runTrainStepBenchmark(_ args: [String]) throws {
    if args.first == "--worker" {
        try trainStepWorker(model: args[1], threads: Int(args[2])!, steps: Int(args[3])!)
        return
    }
    let rounds = intOption("--rounds", in: args) ?? 3
    let configs: [(model: String, steps: Int, threads: Int)] = [("mlp", 30), ("cnn", 10), ("resnet8", 15)]
        .flatMap { model, steps in [1, 2].map { (model, steps, $0) } }
    var ours = [[Double]](repeating: [], count: configs.count), theirs = ours
    var ourPeak = [Double](repeating: 0, count: configs.count), theirPeak = ourPeak
    var torchMissing: String?
    for round in 0..<rounds {
        for (index, (model, steps, threads)) in configs.enumerated() {
            for kdflowTurn in round % 2 == 0 ? [true, false] : [false, true] {
                if kdflowTurn {
                    let mine = try runJSONWorker(
                        CommandLine.arguments[0], ["train-step", "--worker", model, "\(threads)", "\(steps)"])
                    ours[index].append(mine["steps_per_s"] as! Double)
                    ourPeak[index] = max(ourPeak[index], mine["peak_mib"] as! Double)
                } else if torchMissing == nil {
                    let reply = try runJSONWorker(
                        python,
                        pythonPrefix + [
                            referenceDirectory.appendingPathComponent("train_step.py").path,
                            model, "\(threads)", "\(steps)",
                        ],
                        environment: referenceEnvironment)
                    guard let rate = reply["steps_per_s"] as? Double else {
                        torchMissing = reply["error"] as? String ?? "unknown error"
                        continue
                    }
                    theirs[index].append(rate)
                    theirPeak[index] = max(theirPeak[index], reply["peak_mib"] as! Double)
                }
            }
        }
    }
    var ratios: [String: Any] = [:]
    var minRatio = Double.infinity
    print("model    threads  kdflow steps/s  PyTorch steps/s  ratio   kdflow MiB  PyTorch MiB")
    for (index, (model, _, threads)) in configs.enumerated() {
        guard theirs[index].count == rounds else {
            print(String(format: "%-8@ %7d  %14.2f  %15@", model, threads, median(ours[index]), "skipped"))
            continue
        }
        let ratio = median(zip(ours[index], theirs[index]).map { $0 / $1 })
        minRatio = min(minRatio, ratio)
        ratios["train_step_\(model)_t\(threads)"] = (ratio * 1000).rounded() / 1000
        print(
            String(
                format: "%-8@ %7d  %14.2f  %15.2f  %5.2f  %10.0f  %11.0f", model, threads, median(ours[index]),
                median(theirs[index]), ratio, ourPeak[index], theirPeak[index]))
    }
    if let torchMissing { print("PyTorch skipped: \(torchMissing)") }
    ratios["train_step_ratio_min"] = minRatio.isFinite ? (minRatio * 1000).rounded() / 1000 : NSNull()
    printJSONLine(ratios)
}

private func trainStepWorker(model name: String, threads: Int, steps: Int) throws {
    ThreadBudget.threads = threads
    let model = try ModelZoo.make(name, inChannels: 1, classes: 10, seed: 0)
    let optimizer = SGD(
        groups: [ParameterGroup(parameters: model.namedParameters(), learningRate: 0.01)], momentum: 0.9)
    let x = Variable(constant: CounterRandom(seed: 1).normalTensor([128, 1, 28, 28]))
    let labels = (0..<128).map { CounterRandom(seed: 2).integer(UInt64($0), below: 10) }
    func step() {
        let tape = Tape()
        let ctx = ForwardContext(tape: tape, training: true)
        let loss = crossEntropy(logits: model(x, ctx), labels: labels)
        optimizer.step(gradients: tape.gradients(of: loss), context: ctx)
    }
    for _ in 0..<3 { step() }
    var times: [Double] = []
    for _ in 0..<steps {
        let start = DispatchTime.now().uptimeNanoseconds
        step()
        times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    printJSONLine(["steps_per_s": 1 / median(times), "peak_mib": peakMemoryMiB()])
}
