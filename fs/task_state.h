/* fs/task_state.h — the fs model's per-task state (the parts of the kernel's
 * task_struct that fs/ code reads through `current`).
 *
 * The engine gives every task one private pointer (sim_task_set_private);
 * fs/ keeps a struct fs_task_state there.  Whoever spawns a task that enters
 * fs/ code (the workload, kjournald2, a test) owns the storage — usually
 * embedded in its own per-task struct — and attaches it with
 * fs_task_state_attach() before the task first runs.  The engine never looks
 * at it, and it must outlive the task's use of fs/ (a world frees tasks, not
 * their private state).
 *
 * Fields, by owner (add yours with a tag, keep it small):
 *   [jbd2]  journal_info — the handle the task holds, or NULL
 *           (current->journal_info in the kernel: nested journal starts only
 *           take another reference on it).  handle — the storage of that
 *           handle: a task holds at most one handle at a time (the kernel
 *           allocates it from a slab; we embed it so starting a handle
 *           allocates nothing).
 */
#ifndef FS_TASK_STATE_H
#define FS_TASK_STATE_H

#include "fs/jbd2/jbd2.h"

struct fs_task_state {
	/* [jbd2] */
	handle_t *journal_info;
	handle_t handle;
	/* the task is in a fault path that holds i_data_sem (r)
	 * for a strategy with EXT4_LOCK_FAULT_HOLDS_DATA_SEM: ext4_map_blocks
	 * and ext4_da_map_blocks then look blocks up without taking it again
	 * (a recursive down_read would queue behind a waiting writer).  Set
	 * and cleared by whoever takes the lock (the strategy's fault_lock). */
	bool i_data_sem_held_by_fault;
	/* room for other modules' per-task state (e.g. PF_MEMALLOC-like flags,
	 * the page a fault is working on) — add fields with an owner tag. */
};

static inline void fs_task_state_init(struct fs_task_state *ts)
{
	*ts = (struct fs_task_state){ 0 };
}

static inline void fs_task_state_attach(struct sim_task *t,
					struct fs_task_state *ts)
{
	sim_task_set_private(t, ts);
}

/* The state of task t, or NULL if its spawner attached none (such a task
 * may not start journal handles). */
static inline struct fs_task_state *fs_task_state_of(const struct sim_task *t)
{
	return (struct fs_task_state *)sim_task_get_private(t);
}

/* Spawn a task with fs state attached (ts is initialised here). */
static inline struct sim_task *fs_task_spawn(struct sim_world *w,
					     const char *name, sim_task_fn fn,
					     void *arg, struct fs_task_state *ts)
{
	struct sim_task *t = sim_task_spawn(w, name, fn, arg);

	fs_task_state_init(ts);
	fs_task_state_attach(t, ts);
	return t;
}

#endif /* FS_TASK_STATE_H */
