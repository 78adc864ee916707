#include <mpi.h>

// Open MPI's predefined handles are macros over addresses of globals, which Swift does not
// import; these return them as values.
static inline MPI_Comm kdflow_mpi_comm_world(void) { return MPI_COMM_WORLD; }
static inline MPI_Datatype kdflow_mpi_float(void) { return MPI_FLOAT; }
static inline MPI_Datatype kdflow_mpi_uint64(void) { return MPI_UINT64_T; }
static inline MPI_Op kdflow_mpi_sum(void) { return MPI_SUM; }
static inline void *kdflow_mpi_in_place(void) { return MPI_IN_PLACE; }
