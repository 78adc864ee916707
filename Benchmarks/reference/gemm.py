"""NumPy (OpenBLAS) reference for `kdbench gemm`.

Runs as a server so the Swift driver can interleave its own measurements with these: it prints
one JSON line describing the BLAS it found, then answers each request line
    time M N K THREADS REPS
with a JSON list of REPS wall-clock seconds of C = A @ B (float32, row-major, A m×k, B k×n),
after WARM_UP_SECONDS of untimed calls (as kdbench warms kdflow up). `quit` or end of input
stops it.
"""
import json
import sys
import time

from requirements import require

WARM_UP_SECONDS = 0.02


def aligned(array, alignment=64):
    """A copy of `array` whose data starts on a cache line, as kdbench gives kdflow's operands."""
    import numpy as np
    spare = alignment // array.itemsize
    storage = np.empty(array.size + spare, dtype=array.dtype)
    offset = (-storage.ctypes.data % alignment) // array.itemsize
    copy = storage[offset:offset + array.size].reshape(array.shape)
    copy[...] = array
    assert copy.ctypes.data % alignment == 0 and copy.flags.c_contiguous
    return copy


def main():
    try:
        require(("numpy", "numpy"), ("threadpoolctl", "threadpoolctl"))
        import numpy as np
        from threadpoolctl import threadpool_info, threadpool_limits
    except ImportError as error:
        print(json.dumps({"error": str(error)}), flush=True)
        return 1

    blas = [info for info in threadpool_info() if info.get("user_api") == "blas"]
    print(json.dumps({
        "numpy": np.__version__,
        "blas": [{key: info.get(key) for key in
                  ("internal_api", "version", "architecture", "num_threads", "filepath")}
                 for info in blas],
    }), flush=True)

    rng = np.random.default_rng(0)
    operands = {}
    for line in sys.stdin:
        words = line.split()
        if not words or words[0] == "quit":
            break
        m, n, k, threads, reps = map(int, words[1:6])
        if (m, n, k) not in operands:
            operands.clear()
            operands[(m, n, k)] = (
                aligned(rng.uniform(-1, 1, (m, k)).astype(np.float32)),
                aligned(rng.uniform(-1, 1, (k, n)).astype(np.float32)),
                aligned(np.zeros((m, n), dtype=np.float32)),
            )
        a, b, c = operands[(m, n, k)]
        seconds = []
        with threadpool_limits(limits=threads, user_api="blas"):
            warm_up_end = time.perf_counter() + WARM_UP_SECONDS
            np.matmul(a, b, out=c)
            while time.perf_counter() < warm_up_end:
                np.matmul(a, b, out=c)
            for _ in range(reps):
                start = time.perf_counter()
                np.matmul(a, b, out=c)
                seconds.append(time.perf_counter() - start)
        print(json.dumps(seconds), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
