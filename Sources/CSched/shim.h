#include <stddef.h>

#ifdef __linux__
// glibc declares these only under _GNU_SOURCE, which Swift's Glibc module is built without.
int sched_getcpu(void);
int sched_getaffinity(int pid, size_t size, void *mask);
int sched_setaffinity(int pid, size_t size, const void *mask);
#endif
