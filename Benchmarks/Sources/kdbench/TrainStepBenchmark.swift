import Foundation
import KDAutodiff
import KDLoss
import KDNN
import KDTensor

/// `train-step`: batch-128 forward + backward + SGD-momentum step of mlp, cnn and resnet8 on
/// 28×28×1, kdflow against PyTorch CPU, 1 and 2 threads; each configuration in its own process.
func runTrainStepBenchmark(_ args: [String]) throws {
    if args.first == "--worker" {
        try trainStepWorker(model: args[1], threads: Int(args[2])!, steps: Int(args[3])!)
        return
    }
    let configs: [(model: String, steps: Int)] = [("mlp", 30), ("cnn", 10), ("resnet8", 15)]
    var ratios: [String: Any] = [:]
    var minRatio = Double.infinity
    var torchMissing: String?
    print("model    threads  kdflow steps/s  PyTorch steps/s  ratio   kdflow MiB  PyTorch MiB")
    for (model, steps) in configs {
        for threads in [1, 2] {
            let mine = try runJSONWorker(CommandLine.arguments[0], ["train-step", "--worker", model, "\(threads)", "\(steps)"])
            let theirs = try runJSONWorker(python, pythonPrefix + [referenceDirectory.appendingPathComponent("train_step.py").path,
                                                                   model, "\(threads)", "\(steps)"],
                                           environment: referenceEnvironment)
            let ours = mine["steps_per_s"] as! Double
            guard let ref = theirs["steps_per_s"] as? Double else {
                torchMissing = theirs["error"] as? String ?? "unknown error"
                print(String(format: "%-8@ %7d  %14.2f  %15@", model, threads, ours, "skipped"))
                continue
            }
            let ratio = ours / ref
            minRatio = min(minRatio, ratio)
            ratios["train_step_\(model)_t\(threads)"] = (ratio * 1000).rounded() / 1000
            print(String(format: "%-8@ %7d  %14.2f  %15.2f  %5.2f  %10.0f  %11.0f", model, threads, ours, ref, ratio,
                         mine["peak_mib"] as! Double, theirs["peak_mib"] as! Double))
        }
    }
    if let torchMissing { print("PyTorch skipped: \(torchMissing) (pip install \"torch==2.13.0+cpu\")") }
    ratios["train_step_ratio_min"] = minRatio.isFinite ? (minRatio * 1000).rounded() / 1000 : NSNull()
    printJSONLine(ratios)
}

private func trainStepWorker(model name: String, threads: Int, steps: Int) throws {
    ThreadBudget.threads = threads
    let model = try ModelZoo.make(name, inChannels: 1, classes: 10, seed: 0)
    let optimizer = SGD(groups: [ParameterGroup(parameters: model.namedParameters(), learningRate: 0.01)], momentum: 0.9)
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
