// System calls and compiler builtins that Swift cannot reach directly.
#include <stddef.h>

#ifdef __linux__
// glibc declares these only under _GNU_SOURCE, which Swift's Glibc module is built without.
int sched_getcpu(void);
int sched_getaffinity(int pid, size_t size, void *mask);
int sched_setaffinity(int pid, size_t size, const void *mask);
#endif

// Prefetches the cache line at `p` for writing (prefetchw where the CPU has it).
static inline void kd_prefetch_for_write(const void *p) { __builtin_prefetch(p, 1, 3); }

// Stores 8 floats at the 32-byte aligned `p` without pulling its line into the cache, for
// outputs too large to stay there (a plain store first reads the line: twice the traffic).
typedef float kd_float8 __attribute__((ext_vector_type(8)));
static inline void kd_stream_store8(float *p, kd_float8 v) {
    __builtin_nontemporal_store(v, (kd_float8 *)p);
}

// Orders earlier streaming stores before later stores (they are weakly ordered on x86).
static inline void kd_stream_fence(void) {
#if defined(__x86_64__)
    __builtin_ia32_sfence();
#else
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
#endif
}

// Prefetches the cache line at `p` for reading into L2 (and outer levels).
static inline void kd_prefetch_to_l2(const void *p) { __builtin_prefetch(p, 0, 2); }
