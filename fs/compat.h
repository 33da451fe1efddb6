/* fs/compat.h — kernel vocabulary over sim primitives, so modelled paths
 * read like the kernel code they mirror.
 *
 * `current` is the task running in this thread's world (the engine sets it
 * on every switch; a world runs on one thread, so this is deterministic).
 * Lock calls record the calling function as lockdep's "ip".
 */
#ifndef FS_COMPAT_H
#define FS_COMPAT_H

#include <errno.h>

#include "sim/engine/sim.h"

#define current (sim_current_task())

#define BUG_ON(cond) SIM_BUG_ON(cond)
#define BUG() sim_bug(__FILE__, __LINE__, "BUG()")
#define WARN_ON(cond) ({ bool __w = !!(cond); if (__w) SIM_BUG_ON(__w); __w; })

#define min(a, b) ((a) < (b) ? (a) : (b))
#define max(a, b) ((a) > (b) ? (a) : (b))
#define min_t(t, a, b) ((t)(a) < (t)(b) ? (t)(a) : (t)(b))
#define max_t(t, a, b) ((t)(a) > (t)(b) ? (t)(a) : (t)(b))
#define round_up(x, y) ((((x) + (y) - 1) / (y)) * (y))
#define round_down(x, y) (((x) / (y)) * (y))
#define DIV_ROUND_UP(n, d) (((n) + (d) - 1) / (d))

/* ERR_PTR / PTR_ERR / IS_ERR */
#define MAX_ERRNO 4095
static inline void *ERR_PTR(long error) { return (void *)error; }
static inline long PTR_ERR(const void *ptr) { return (long)ptr; }
static inline bool IS_ERR(const void *ptr)
{
	return (unsigned long)ptr >= (unsigned long)-MAX_ERRNO;
}

/* rw_semaphore / mutex, kernel spelling. */
#define down_read(s)          sim_down_read(current, (s), __func__)
#define down_write(s)         sim_down_write(current, (s), __func__)
#define down_read_trylock(s)  sim_down_read_trylock(current, (s), __func__)
#define down_write_trylock(s) sim_down_write_trylock(current, (s), __func__)
#define up_read(s)            sim_up_read(current, (s))
#define up_write(s)           sim_up_write(current, (s))
#define downgrade_write(s)    sim_downgrade_write(current, (s))
#define mutex_lock(m)         sim_mutex_lock(current, (m), __func__)
#define mutex_trylock(m)      sim_mutex_trylock(current, (m), __func__)
#define mutex_unlock(m)       sim_mutex_unlock(current, (m))

#endif /* FS_COMPAT_H */
