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
