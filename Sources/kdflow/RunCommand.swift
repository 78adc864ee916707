import ArgumentParser
import Dispatch
import Foundation
import KDPipeline
import KDTraining

/// `kdflow run`: trains what a pipeline file describes.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Train a pipeline: validate, import data if needed, train, evaluate, checkpoint.",
        discussion: """
            Ctrl-C stops after the step in flight and writes a checkpoint; continue with --resume. \
            Exit status \(divergedStatus): a loss term went non-finite (training diverged); that step was not applied.
            """)

    /// The exit status of a run whose loss went non-finite, so a sweep can tell divergence from an error.
    static let divergedStatus: Int32 = 3

    @OptionGroup var pipeline: PipelineArguments
    @Flag(help: "Continue from the run's last checkpoint.")
    var resume = false
    @Option(help: "pipelined (stages overlap) or inline (one after another, same results).")
    var executor: ExecutorKind = .pipelined
    @Option(help: "Under mpirun: steps between checks that every rank holds the same weights (0: only at the start).")
    var weightCheckEvery = 100

    func run() throws {
        let stop = StopSignal()
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler {
            printError("\ninterrupt: stopping after the step in flight…")
            stop.raise()
        }
        source.resume()
        try Ranks.run { try train(pipeline, resume: resume, executor: executor, stop: stop, ranks: $0) }
    }

    /// Trains a pipeline, first the `trained_by` pipelines that produce weights it is missing
    /// (`TrainedBy`). Every rank trains; rank 0 alone prepares the data and prints.
    private func train(
        _ arguments: PipelineArguments, resume: Bool, executor: ExecutorKind, stop: StopSignal,
        ranks: any Collective
    ) throws {
        let say: (String) -> Void = ranks.isLeader ? { emit($0) } : { _ in }
        let loaded = try arguments.load()
        let prerequisites: [TrainedBy.Prerequisite]
        do {
            prerequisites = try TrainedBy.prerequisites(of: arguments.file, loaded: loaded) { try asWritten($0).load() }
        } catch let error as TrainingError {
            printError(error.description)
            throw ExitCode(1)
        }
        for prerequisite in prerequisites {
            say(
                "\(prerequisite.model): \(prerequisite.weights) is missing; training it with \(prerequisite.file) first"
            )
            try trainOne(
                try asWritten(prerequisite.file).load(), resume: false, executor: executor, stop: stop, ranks: ranks,
                say: say)
        }
        try trainOne(loaded, resume: resume, executor: executor, stop: stop, ranks: ranks, say: say)
    }

    /// Pipeline `file` as written: a prerequisite takes none of the overrides given for the pipeline that asked.
    private func asWritten(_ file: String) -> PipelineArguments {
        var arguments = pipeline
        arguments.file = file
        arguments.overrides = []
        return arguments
    }

    /// Trains one pipeline, its prerequisites done.
    private func trainOne(
        _ loaded: LoadedPipeline, resume: Bool, executor: ExecutorKind,
        stop: StopSignal, ranks: any Collective, say: @escaping (String) -> Void
    ) throws {
        if ranks.isLeader { try PipelinePlanner.prepareData(loaded.spec, log: say) }
        try ranks.barrier()
        let plan = try PipelinePlanner.plan(loaded)
        let trainer = try Trainer(plan: plan, collective: ranks, log: say)
        trainer.weightCheckEvery = weightCheckEvery
        let progress = ProgressLine(stepsPerEpoch: trainer.batchesPerEpoch, epochs: plan.epochs)
        if ranks.isLeader { trainer.onStep = { progress.update($0) } }
        trainer.onEpoch = { progress.finish() }
        let ranksNote = ranks.size > 1 ? " on \(ranks.size) ranks" : ""
        say(
            "\(plan.name): training \(plan.models.filter { !$0.frozen }.map(\.name).joined(separator: ", ")) for \(plan.epochs) epochs\(ranksNote) → \(plan.outputDirectory.path)"
        )
        do {
            let summary = try trainer.run(resume: resume, stop: stop, executor: executor)
            progress.finish()
            for (name, m) in summary.final.sorted(by: { $0.key < $1.key }) {
                say(
                    String(
                        format: "%@: top-1 %.2f%%  top-5 %.2f%%  loss %.4f", name, 100 * m.top1, 100 * m.top5,
                        m.meanLoss))
            }
            say(
                String(
                    format: "best %@ top-1 %.2f%% (epoch %d); %.0f s; exported %@", plan.exportModel,
                    100 * summary.bestTop1,
                    summary.bestEpoch, summary.seconds, summary.exported.path))
        } catch let stopped as TrainingStopped {
            progress.finish()
            if ranks.isLeader { printError(stopped.description) }
            throw ExitCode(130)
        } catch let failure as StageFailure {
            guard case .nonFiniteLoss? = failure.underlying as? TrainingError else { throw failure }
            progress.finish()
            if ranks.isLeader { printError("Error: \(failure)") }
            throw ExitCode(Self.divergedStatus)
        }
    }
}

extension ExecutorKind: ExpressibleByArgument {}
