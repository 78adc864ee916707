import CMPI
import Foundation
import KDTraining

/// The ranks of an `mpirun` launch (MPI_COMM_WORLD) as kdflow's `Collective`.
public final class MPICollective: Collective {
    public let rank: Int
    public let size: Int

    /// Whether this process was started by `mpirun` (Open MPI sets these for every rank).
    public static var isLaunchedByMPIRun: Bool {
        let environment = ProcessInfo.processInfo.environment
        return environment["OMPI_COMM_WORLD_SIZE"] != nil || environment["PMIX_RANK"] != nil
    }

    /// Initialises MPI. The calls come from the training stage's thread and, between epochs, the
    /// main thread — never at once — so serialised thread support is enough.
    public init() throws {
        var provided: Int32 = 0
        try MPIError.check(MPI_Init_thread(nil, nil, Int32(MPI_THREAD_SERIALIZED), &provided), "MPI_Init_thread")
        guard provided >= Int32(MPI_THREAD_SERIALIZED) else {
            throw MPIError(
                call: "MPI_Init_thread", code: provided, message: "the MPI library offers no serialised thread support")
        }
        var rank: Int32 = 0, size: Int32 = 0
        try MPIError.check(MPI_Comm_rank(kdflow_mpi_comm_world(), &rank), "MPI_Comm_rank")
        try MPIError.check(MPI_Comm_size(kdflow_mpi_comm_world(), &size), "MPI_Comm_size")
        self.rank = Int(rank)
        self.size = Int(size)
    }

    public func sum(_ values: UnsafeMutableBufferPointer<Float>) throws {
        // MPI counts are Int32: a large buffer goes in chunks.
        var offset = 0
        while offset < values.count {
            let n = min(values.count - offset, Int(Int32.max))
            try MPIError.check(
                MPI_Allreduce(
                    kdflow_mpi_in_place(), values.baseAddress! + offset, Int32(n), kdflow_mpi_float(),
                    kdflow_mpi_sum(), kdflow_mpi_comm_world()), "MPI_Allreduce")
            offset += n
        }
    }

    public func gather(_ value: UInt64) throws -> [UInt64] {
        var mine = value
        var all = [UInt64](repeating: 0, count: size)
        try MPIError.check(
            MPI_Allgather(&mine, 1, kdflow_mpi_uint64(), &all, 1, kdflow_mpi_uint64(), kdflow_mpi_comm_world()),
            "MPI_Allgather")
        return all
    }

    public func barrier() throws {
        try MPIError.check(MPI_Barrier(kdflow_mpi_comm_world()), "MPI_Barrier")
    }

    /// Stops every rank of the launch (mpirun ends the job with `code`).
    public func abort(code: Int32) -> Never {
        MPI_Abort(kdflow_mpi_comm_world(), code)
        exit(code)
    }

    /// Shuts MPI down after a successful command; every rank must call it.
    public func finalize() {
        MPI_Finalize()
    }
}
