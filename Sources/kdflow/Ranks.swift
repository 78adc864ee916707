import ArgumentParser
import Foundation
import KDTensor
import KDTraining
#if KDFLOW_MPI
    import KDMPI
#endif

/// The processes a command runs on: every rank of an `mpirun` launch (in a build with
/// KDFLOW_MPI=1) or this process alone.
enum Ranks {
    /// Runs `body` with the launch's collective. Under MPI a rank's error is printed naming the
    /// rank and stops every rank (MPI_Abort), so no rank waits forever in a collective call.
    static func run(_ body: (any Collective) throws -> Void) throws {
        #if KDFLOW_MPI
            if MPICollective.isLaunchedByMPIRun {
                let mpi = try MPICollective()
                let environment = ProcessInfo.processInfo.environment
                // Ranks on one machine share its cores: each takes its part unless KDFLOW_THREADS says.
                if environment["KDFLOW_THREADS"] == nil,
                    let local = environment["OMPI_COMM_WORLD_LOCAL_SIZE"].flatMap(Int.init)
                {
                    ThreadBudget.threads = ProcessInfo.processInfo.activeProcessorCount / max(local, 1)
                }
                do {
                    try body(mpi)
                } catch {
                    // An ExitCode's message is already printed.
                    let code = (error as? ExitCode)?.rawValue ?? 1
                    if !(error is ExitCode) { printError("kdflow rank \(mpi.rank) of \(mpi.size): error: \(error)") }
                    mpi.abort(code: code)
                }
                mpi.finalize()
                return
            }
        #else
            if let ranks = ProcessInfo.processInfo.environment["OMPI_COMM_WORLD_SIZE"].flatMap(Int.init), ranks > 1 {
                printError(
                    "kdflow was built without MPI, so \(ranks) mpirun ranks would each train alone; build it with KDFLOW_MPI=1 swift build -c release"
                )
                throw ExitCode(1)
            }
        #endif
        try body(SingleProcess())
    }
}
