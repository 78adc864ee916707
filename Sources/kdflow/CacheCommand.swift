import ArgumentParser
import Foundation
import KDCache
import KDTraining

/// `kdflow cache`: inspect, check, compact and precompute teacher-output stores.
struct CacheCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cache",
        abstract: "Teacher-output store maintenance: stats, verify, audit, prune, fill, export, import.",
        subcommands: [Stats.self, Verify.self, Audit.self, Prune.self, Fill.self, Export.self, Import.self])

    /// The pipeline's plan and its stored forward stages.
    static func storedForwards(_ arguments: PipelineArguments) throws -> (
        TrainingPlan, [(forward: TrainingPlan.ForwardPlan, store: StorePlan)]
    ) {
        let loaded = try arguments.load()
        let plan = try PipelinePlanner.plan(loaded)
        let stored = plan.forwards.compactMap { f in f.store.map { (f, $0) } }
        guard !stored.isEmpty else {
            printError("\(arguments.file): no stage has a store: entry")
            throw ExitCode(1)
        }
        return (plan, stored)
    }

    struct Stats: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Segments, records, samples, bytes per teacher and format.")
        @OptionGroup var pipeline: PipelineArguments

        func run() throws {
            for (forward, store) in try CacheCommand.storedForwards(pipeline).1 {
                let s = try StoreInspection.inspect(store.directory, decode: false)
                print(
                    "\(forward.name) store \(store.directory.path): \(s.segments) segments (\(s.lockedSegments) being written), \(s.records) records, \(s.samples) samples (\(s.distinctKeys) distinct), \(s.bytes) bytes, index \(s.indexIsCurrent ? "current" : "stale or missing (rebuilt on open)")"
                )
                if s.distinctKeys > 0 {
                    print(
                        String(format: "  %.1f bytes per sample·view on disk", Double(s.bytes) / Double(s.distinctKeys))
                    )
                }
                for (fp, v) in s.byFingerprint.sorted(by: { $0.key < $1.key }) {
                    print("  teacher \(fp): \(v.samples) samples, \(v.storedBytes) stored bytes")
                }
                for (format, n) in s.byFormat.sorted(by: { $0.key < $1.key }) { print("  \(format): \(n) records") }
                if !s.corrupt.isEmpty || !s.tornTails.isEmpty {
                    print(
                        "  \(s.corrupt.count) damaged records, \(s.tornTails.count) torn tails (run `kdflow cache verify` for details)"
                    )
                }
            }
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Check every record (checksums, decoding); exit 1 when a record is damaged. Torn tails from crashes are reported, not failures."
        )
        @OptionGroup var pipeline: PipelineArguments

        func run() throws {
            var damaged = 0
            for (forward, store) in try CacheCommand.storedForwards(pipeline).1 {
                let s = try StoreInspection.inspect(store.directory, decode: true)
                print(
                    "\(forward.name) store \(store.directory.path): \(s.records) records, \(s.samples) samples verified; \(s.corrupt.count) damaged; \(s.tornTails.count) torn tails"
                )
                for d in s.corrupt { print("  damaged: \(d)") }
                for d in s.tornTails { print("  torn: \(d) (never served; dropped by prune)") }
                damaged += s.corrupt.count
            }
            if damaged > 0 { throw ExitCode(1) }
        }
    }

    struct Audit: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Recompute a seeded random fraction of the stored records with the live teacher; exit 1, naming the records, when one drifted beyond the stored precision's tolerance."
        )
        @OptionGroup var pipeline: PipelineArguments
        @Option(help: "Fraction of each store's records to recompute (0 < F ≤ 1; at least one record).")
        var fraction = 0.05
        @Option(help: "Seed of the records' choice (default: the pipeline's seed).")
        var seed: UInt64?

        func run() throws {
            guard fraction > 0, fraction <= 1 else {
                throw ValidationError("--fraction must be in (0, 1], got \(fraction)")
            }
            let plan = try CacheCommand.storedForwards(pipeline).0
            var drifted = 0
            for r in try StoreAudit.run(plan: plan, fraction: fraction, seed: seed ?? plan.seed) {
                print(
                    "\(r.stage) store \(r.directory.path): \(r.audited) of \(r.records) records recomputed (\(r.encoding), tolerance \(r.encoding.driftTolerance) × (|value| + 1))"
                        + (r.damaged > 0 ? "; \(r.damaged) damaged records (see `kdflow cache verify`)" : ""))
                for (tap, d) in r.drift.sorted(by: { $0.key < $1.key }) {
                    print(
                        "  \(tap): \(d.samples) samples, max |Δ| \(d.maxAbsDifference)"
                            + (d.meanKL.map { String(format: ", mean KL %.3g", $0) } ?? "")
                            + (d.argmaxAgreement.map { String(format: ", argmax agreement %.4f", $0) } ?? "")
                            + ", \(d.exceeding) beyond tolerance")
                }
                if !r.foreign.isEmpty {
                    print(
                        "  \(r.foreign.count) records hold samples or views this pipeline does not draw (not recomputed): \(r.foreign.prefix(5).joined(separator: ", "))"
                    )
                }
                for (record, samples) in r.drifted {
                    print(
                        "  drifted: record \(record): \(samples.prefix(5).joined(separator: ", "))"
                            + (samples.count > 5 ? " and \(samples.count - 5) more" : ""))
                }
                drifted += r.drifted.count
            }
            if drifted > 0 {
                printError(
                    "\(drifted) records drifted: the teacher no longer computes what they hold; `kdflow cache prune` then refill, or set the stage's store mode to write"
                )
                throw ExitCode(1)
            }
        }
    }

    struct Prune: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Compact the store: drop damaged and superseded records and those of other teachers than the pipeline's."
        )
        @OptionGroup var pipeline: PipelineArguments
        @Flag(help: "Keep records of every teacher, not only the pipeline's current one.")
        var allTeachers = false

        func run() throws {
            let (plan, stored) = try CacheCommand.storedForwards(pipeline)
            let fingerprints = allTeachers ? [:] : try plan.storeFingerprints()
            for (forward, store) in stored {
                let keep = fingerprints[forward.name]
                let r = try StoreCompaction.prune(store.directory, keep: keep)
                print(
                    "\(forward.name) store: kept \(r.keptRecords) records, dropped \(r.droppedRecords); \(r.bytesBefore) → \(r.bytesAfter) bytes"
                        + (r.skippedLockedSegments > 0 ? "; \(r.skippedLockedSegments) segments in use left alone" : "")
                        + (r.foreignFiles.isEmpty
                            ? "" : "; left alone, not written by kdflow: " + r.foreignFiles.joined(separator: ", ")))
            }
        }
    }

    struct Fill: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Precompute every view of every sample into the store (resumable; disjoint --shards ranges can run in parallel).",
            discussion:
                "Under mpirun (a build with KDFLOW_MPI=1) each rank fills its own contiguous part of the samples into its own segment."
        )
        @OptionGroup var pipeline: PipelineArguments
        @Option(help: "Shard range to fill, e.g. 0-9 or 3.")
        var shards: String?

        func run() throws {
            try Ranks.run(fill)
        }

        private func fill(ranks: any Collective) throws {
            let loaded = try pipeline.load()
            if ranks.isLeader { try PipelinePlanner.prepareData(loaded.spec) { print($0) } }
            try ranks.barrier()
            let plan = try PipelinePlanner.plan(loaded)
            var range: ClosedRange<Int>?
            if let text = shards {
                let parts = text.split(separator: "-").map { Int($0.trimmingCharacters(in: .whitespaces)) }
                guard (1...2).contains(parts.count), let lo = parts[0], let hi = parts.last!, lo <= hi else {
                    printError("--shards: expected N or N-M with N ≤ M, got '\(text)'")
                    throw ExitCode(1)
                }
                range = lo...hi
            }
            let rank = ranks.size > 1 ? "rank \(ranks.rank): " : ""
            let report = try StoreFill.run(plan: plan, shards: range, share: ranks.share) { done, total in
                if done % 20 == 0 || done == total { printError("\(rank)fill: batch \(done)/\(total)") }
            }
            let samples = try ranks.gather(UInt64(report.samples)).reduce(0, +)
            for (model, m) in report.metrics.sorted(by: { $0.key < $1.key }) {
                let counts = try [m.hits, m.written, m.bytesWritten].map { try ranks.gather(UInt64($0)).reduce(0, +) }
                guard ranks.isLeader else { continue }
                print(
                    String(
                        format: "%@: %d samples × %d views; %d already stored, %d written (%d bytes); %.1f s", model,
                        samples, report.views, counts[0], counts[1], counts[2], report.seconds)
                        + (ranks.size > 1 ? " on \(ranks.size) ranks" : ""))
            }
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Write a stored stage's outputs as safetensors shards + manifest.json (soft labels any framework can read)."
        )
        @OptionGroup var pipeline: PipelineArguments
        @Option(help: "The export directory (must not exist, or be an export kdflow wrote).")
        var out: String
        @Option(help: "The stored stage (default: the pipeline's only one).")
        var stage: String?

        func run() throws {
            let plan = try CacheCommand.storedForwards(pipeline).0
            let m = try SoftLabels.export(plan: plan, stage: stage, to: URL(fileURLWithPath: out))
            print(
                "exported \(m.samples) samples (\(m.taps.map(\.name).joined(separator: ", ")), \(m.precision)) of teacher \(m.teacher.fingerprint) in \(m.shards.count) shards to \(out)"
            )
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read a soft-label export of this pipeline's teacher into its stored stage.")
        @OptionGroup var pipeline: PipelineArguments
        @Option(help: "The export directory.")
        var from: String
        @Option(help: "The stored stage (default: the pipeline's only one).")
        var stage: String?

        func run() throws {
            let plan = try CacheCommand.storedForwards(pipeline).0
            let r = try SoftLabels.importing(plan: plan, stage: stage, from: URL(fileURLWithPath: from))
            print("imported \(r.samples) samples from \(r.shards) shards of \(from)")
        }
    }
}
