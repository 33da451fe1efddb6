/* sim/engine/types.h — basic vocabulary shared by every part of faultline.
 *
 * Simulated time is a signed 64-bit count of nanoseconds (about 292 years
 * of range, so overflow is not a concern for any run).  Intrusive lists are
 * the Linux list_head shape so the fs/ model can read like kernel code.
 */
#ifndef SIM_TYPES_H
#define SIM_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef int64_t sim_time_t;

#define SIM_NSEC ((sim_time_t)1)
#define SIM_USEC ((sim_time_t)1000)
#define SIM_MSEC ((sim_time_t)1000000)
#define SIM_SEC  ((sim_time_t)1000000000)
#define SIM_TIME_MAX INT64_MAX

#ifndef container_of
#define container_of(ptr, type, member) \
	((type *)(void *)((char *)(ptr) - offsetof(type, member)))
#endif

#define SIM_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define sim_likely(x)   __builtin_expect(!!(x), 1)
#define sim_unlikely(x) __builtin_expect(!!(x), 0)

/* ---- intrusive doubly linked list (list_head shape) ------------------- */

struct sim_list {
	struct sim_list *next, *prev;
};

#define SIM_LIST_INIT(name) { &(name), &(name) }

static inline void sim_list_init(struct sim_list *l)
{
	l->next = l->prev = l;
}

static inline bool sim_list_empty(const struct sim_list *l)
{
	return l->next == l;
}

static inline void sim_list__insert(struct sim_list *n, struct sim_list *prev,
				    struct sim_list *next)
{
	next->prev = n;
	n->next = next;
	n->prev = prev;
	prev->next = n;
}

static inline void sim_list_add(struct sim_list *n, struct sim_list *head)
{
	sim_list__insert(n, head, head->next);
}

static inline void sim_list_add_tail(struct sim_list *n, struct sim_list *head)
{
	sim_list__insert(n, head->prev, head);
}

static inline void sim_list_del(struct sim_list *n)
{
	n->next->prev = n->prev;
	n->prev->next = n->next;
	n->next = n->prev = n;
}

#define sim_list_entry(ptr, type, member) container_of(ptr, type, member)
#define sim_list_first_entry(head, type, member) \
	sim_list_entry((head)->next, type, member)

#define sim_list_for_each(pos, head) \
	for ((pos) = (head)->next; (pos) != (head); (pos) = (pos)->next)

#define sim_list_for_each_safe(pos, tmp, head)                     \
	for ((pos) = (head)->next, (tmp) = (pos)->next; (pos) != (head); \
	     (pos) = (tmp), (tmp) = (pos)->next)

/* ---- impossible states ------------------------------------------------- */

/* SIM_BUG_ON reports the simulated time, the running task and the source
 * location, and ends the world: the process aborts, unless a runner armed
 * a trap for the job (sim_bug_trap_push, engine.h), which then becomes a
 * model error and the other jobs run on.  Always on (not compiled out by
 * NDEBUG): a broken invariant in a model must never silently produce
 * numbers. */
_Noreturn void sim_bug(const char *file, int line, const char *cond);

#define SIM_BUG_ON(cond)                                        \
	do {                                                    \
		if (sim_unlikely(cond))                          \
			sim_bug(__FILE__, __LINE__, #cond);      \
	} while (0)

/* An invariant checker's verdict (assert-style: `SIM_CHECK(jbd2_sim_check(j))`):
 * in debug builds (SIM_DEBUG) a failure is a model error like SIM_BUG_ON,
 * otherwise the checker is not run. */
#ifdef SIM_DEBUG
#define SIM_CHECK(expr) SIM_BUG_ON(!(expr))
#else
#define SIM_CHECK(expr) ((void)sizeof(!(expr)))
#endif

#endif /* SIM_TYPES_H */
