import Foundation
import KDAutodiff
import KDNN
import KDTensor

/// `kdbench teacher-forward [--rounds R] [--reps N] [--archs a,b] [--weights ARCH=PATH]`: a frozen
/// teacher's eval-mode forward of one batch of 128 Fashion-MNIST-shaped inputs, kdflow's planned
/// forward (`InferencePlan`, what the frozen forward stage runs) against PyTorch
/// (`inference_mode`) and ONNX Runtime (the model exported by PyTorch, intra-op threads =
/// threads), and against kdflow's training-path eval forward, all on the same weights and
/// inputs, 1 and 2 threads.
///
/// kdflow writes its weights (fresh, BN statistics randomised so folding them is really tested,
/// or `--weights`), inputs and logits to a file the reference loads; the reference reports how far
/// each engine's logits are from kdflow's before anything is timed. Each round times every side
/// on every case, rotating which side goes first, with a pause before each batch of calls so
/// the other side's threads have parked; each side warms up first. Samples/s are medians over
/// all calls; a ratio is the median over rounds of that round's ratio of medians.
func runTeacherForwardBenchmark(_ args: [String]) throws {
    let rounds = intOption("--rounds", in: args) ?? 5
    let reps = intOption("--reps", in: args) ?? 3
    let archs =
        args.firstIndex(of: "--archs").map { args[$0 + 1].split(separator: ",").map(String.init) }
        ?? ["cnn", "resnet20", "wrn_16_2", "resnet32x4"]
    var weights: [String: String] = [:]
    for (i, arg) in args.enumerated() where arg == "--weights" && i + 1 < args.count {
        let parts = args[i + 1].split(separator: "=", maxSplits: 1).map(String.init)
        if parts.count == 2 { weights[parts[0]] = parts[1] }
    }
    let batch = 128
    let cases = archs.flatMap { arch in
        // resnet32x4 takes seconds per batch: one thread count keeps the run short.
        (arch == "resnet32x4" ? [2] : [1, 2]).map { ForwardCase(arch: arch, threads: $0) }
    }

    let workdir = FileManager.default.temporaryDirectory.appendingPathComponent("kdbench-teacher-forward-\(getpid())")
    try FileManager.default.createDirectory(at: workdir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: workdir) }
    var file = Safetensors()
    var teachers: [String: (model: Classifier, plan: InferencePlan, input: Tensor)] = [:]
    for arch in archs {
        let model = try ModelZoo.make(arch, inChannels: 1, classes: 10, seed: 0)
        let plan = InferencePlan(model: model, taps: ["logits"])!
        if let path = weights[arch] {
            try Checkpoint.load(model, from: Safetensors(contentsOf: URL(fileURLWithPath: path)))
            if let agreement = try testSplitAgreement(model, plan) { print("agreement \(arch) \(agreement)") }
        } else {
            randomizeBatchNorm(model)
        }
        let input = CounterRandom(seed: 1).normalTensor([batch, 1, 28, 28])
        teachers[arch] = (model, plan, input)
        Checkpoint.stateDict(of: model, prefix: "\(arch).state.", into: &file)
        file.set("\(arch).x", input)
        let (planned, eval) = (plan(input)["logits"]!, evalForward(model, input))
        file.set("\(arch).logits", planned)
        let error = zip(planned.scalars, eval.scalars).map { abs($0 - $1) }.max() ?? 0
        print(
            "agreement \(arch): planned vs eval-path forward max |Δ| \(error) of max |logit| \(eval.scalars.map(abs).max() ?? 0), "
                + "argmax equal \(planned.argmaxLastAxis() == eval.argmaxLastAxis())")
    }
    let models = workdir.appendingPathComponent("models.safetensors")
    try file.serialized().write(to: models)

    let reference: ReferenceServer
    do {
        reference = try ReferenceServer(script: "teacher_forward.py", arguments: [models.path, workdir.path])
    } catch {
        FileHandle.standardError.write(Data("kdbench teacher-forward: \(error)\n".utf8))
        exit(1)
    }
    defer { reference.close() }
    print("reference: torch \(reference.header["torch"] ?? "?"), onnxruntime \(reference.header["onnxruntime"] ?? "?")")
    let agreement = reference.header["agreement"] as? [String: [String: Any]] ?? [:]
    for arch in archs {
        let a = agreement[arch] ?? [:]
        print(
            "agreement \(arch): max |logit| \(a["max_abs_logit"] ?? "?"), max |Δ| PyTorch \(a["pytorch_max_abs_diff"] ?? "?"), "
                + "ONNX Runtime \(a["onnxruntime_max_abs_diff"] ?? "?"); argmax equal \(a["pytorch_argmax_equal"] ?? "?")/\(a["onnxruntime_argmax_equal"] ?? "?")"
        )
    }

    let sides = ["kdflow", "pytorch", "onnxruntime", "kdflow-eval"]
    var seconds = [[[[Double]]]](repeating: [[[Double]]](repeating: [], count: sides.count), count: cases.count)
    for round in 0..<rounds {
        for (index, test) in cases.enumerated() {
            for turn in 0..<sides.count {
                let side = (turn + round) % sides.count
                // PyTorch's OpenMP and ORT's pool threads spin after a call: let them park.
                Thread.sleep(forTimeInterval: 0.25)
                let (model, plan, input) = teachers[test.arch]!
                if side == 0 {
                    seconds[index][side].append(timeKDFlow(threads: test.threads, reps: reps) { _ = plan(input) })
                } else if side == 3 {
                    seconds[index][side].append(
                        timeKDFlow(threads: test.threads, reps: reps) { _ = evalForward(model, input) })
                } else {
                    seconds[index][side].append(
                        try reference.seconds("time \(sides[side]) \(test.arch) \(test.threads) \(reps)"))
                }
            }
        }
    }

    print(
        "model       threads  kdflow samples/s  PyTorch samples/s  ORT samples/s  eval-path samples/s  ×PyTorch  ×ORT  ×eval-path"
    )
    var ratios: [String: Any] = [:]
    var overPyTorch: [Double] = [], overORT: [Double] = []
    for (index, test) in cases.enumerated() {
        let rate = (0..<sides.count).map { Double(batch) / median(seconds[index][$0].flatMap { $0 }) }
        let perRound = { (side: Int) in
            median((0..<rounds).map { median(seconds[index][side][$0]) / median(seconds[index][0][$0]) })
        }
        let (pt, ort, eval) = (perRound(1), perRound(2), perRound(3))
        overPyTorch.append(pt)
        overORT.append(ort)
        ratios["teacher_forward_\(test.arch)_t\(test.threads)_over_pytorch"] = (pt * 1000).rounded() / 1000
        ratios["teacher_forward_\(test.arch)_t\(test.threads)_over_onnxruntime"] = (ort * 1000).rounded() / 1000
        ratios["teacher_forward_\(test.arch)_t\(test.threads)_over_eval_path"] = (eval * 1000).rounded() / 1000
        print(
            test.arch.padding(toLength: 11, withPad: " ", startingAt: 0)
                + " \(pad(test.threads, 7))  \(pad(rate[0], 16))  "
                + "\(pad(rate[1], 17))  \(pad(rate[2], 13))  \(pad(rate[3], 19))  \(pad(pt, 8, digits: 2))  \(pad(ort, 4, digits: 2))  "
                + pad(eval, 10, digits: 2))
    }
    ratios["teacher_forward_over_pytorch_min"] = ((overPyTorch.min() ?? 0) * 1000).rounded() / 1000
    ratios["teacher_forward_over_onnxruntime_min"] = ((overORT.min() ?? 0) * 1000).rounded() / 1000
    printJSONLine(ratios)
}

/// One architecture at one thread count.
private struct ForwardCase {
    let arch: String
    let threads: Int
}

/// The logits of kdflow's eval-mode forward (no tape).
private func evalForward(_ model: Classifier, _ input: Tensor) -> Tensor {
    model(Variable(constant: input), ForwardContext(tape: nil, training: false)).value
}

/// Seconds of `reps` calls of `forward` on `threads` threads, after one untimed call and 0.1 s of them.
private func timeKDFlow(threads: Int, reps: Int, _ forward: () -> Void) -> [Double] {
    ThreadBudget.threads = threads
    forward()
    let warmUpEnd = DispatchTime.now().uptimeNanoseconds + 100_000_000
    while DispatchTime.now().uptimeNanoseconds < warmUpEnd { forward() }
    return (0..<reps).map { _ in
        let start = DispatchTime.now().uptimeNanoseconds
        forward()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }
}

/// Gives every BatchNorm γ in [0.5, 1.5], β and the running mean ~N(0, 0.1), the running
/// variance in [0.5, 1.5], as a trained network has (a fresh one's are the identity).
private func randomizeBatchNorm(_ model: Module) {
    var stream: UInt64 = 100
    for case let (_, bn as BatchNorm) in model.namedModules() {
        let shape = bn.weight.value.shape
        func draw() -> CounterRandom {
            stream += 1
            return CounterRandom(seed: stream)
        }
        bn.weight.value = draw().uniformTensor(shape, low: 0.5, high: 1.5)
        bn.bias.value = draw().normalTensor(shape, std: 0.1)
        bn.runningMean.value = draw().normalTensor(shape, std: 0.1)
        bn.runningVar.value = draw().uniformTensor(shape, low: 0.5, high: 1.5)
    }
}
