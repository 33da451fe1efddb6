/* fs/ext4/lock-compose.c — strategies composed from parts: what a
 * [strategy NAME] section of a workload file builds (docs/strategies.md).
 *
 * A composed strategy is an ext4_lock_ops like the built-ins: the step
 * order (kver) and version switches (flags) the paths read, plus what the
 * built-ins hard-code — which lock plays the invalidate role (none, one of
 * the inode's rw_semaphores, or the mapping's range lock) and which paths
 * take its shared and its exclusive side.  The ops below take that lock on
 * behalf of a path only when the path is among the chosen ones; the path
 * is recognised by the kernel function the lock is taken for (the ops'
 * ip, which every call site passes), and an unlock releases only what the
 * task holds — no path nests two acquisitions of the role's lock, so
 * "held" means "this path took it".  A call site no table row names is a
 * model bug (SIM_BUG_ON): a new call site must say which part it is.
 *
 * With every path chosen and the built-in's lock, a composed strategy
 * makes exactly the lock calls the built-in makes (same lock, same ip,
 * same order), so its results are the built-in's byte for byte —
 * tests/strategy-sections.sh checks that for every built-in.
 *
 * Model-only: no kernel counterpart.
 */
#include "config.h"

#include <string.h>

#include <glib.h>

#include "fs/ext4/locking.h"

const char *const ext4_sim_kver_names[] = {
	[EXT4_KVER_4_4] = "v4.4.1", [EXT4_KVER_4_5] = "v4.5",
	[EXT4_KVER_5_15] = "v5.15", NULL,
};
const char *const ext4_sim_lock_kind_names[] = {
	[EXT4_SIM_LOCK_NONE] = "none", [EXT4_SIM_LOCK_RWSEM] = "rwsem",
	[EXT4_SIM_LOCK_RANGE] = "range", NULL,
};
const char *const ext4_sim_rwsem_names[] = {
	"i_mmap_sem", "invalidate_lock", "i_data_sem", NULL,
};
/* by bit number of EXT4_SIM_PATH_* */
const char *const ext4_sim_path_names[] = {
	"faults", "page_mkwrite", "dax", "reads",
	"punch", "zero", "collapse_insert", "truncate", NULL,
};

/* The version switches, in the section's words.  EXT4_LOCK_READ_PATHS is
 * not one: it is `reads` among the shared paths. */
const struct ext4_sim_switch ext4_sim_switches[] = {
	{ "second_truncate", EXT4_LOCK_PUNCH_SECOND_TRUNCATE,
	  "v4.4.1 order: punch truncates the page cache again after removing the blocks" },
	{ "unlocked_writeback", EXT4_LOCK_UNLOCKED_WRITEBACK,
	  "v4.4.1/v4.5 order: zero/collapse/insert write back before i_mutex" },
	{ "fault_fast_path", EXT4_LOCK_FAULT_FAST_PATH,
	  "v5.15 order: faults lock only to create or re-read a page" },
	{ "lock_before_isize", EXT4_LOCK_BEFORE_ISIZE,
	  "v5.15 order: setattr takes the exclusive side before the i_size update" },
	{ "hold_data_sem_across_journal", EXT4_LOCK_HOLD_DATA_SEM_ACROSS_JOURNAL,
	  "rwsem i_data_sem, exclusive paths: keep it across journal start and restarts (design A)" },
	{ "fault_holds_data_sem", EXT4_LOCK_FAULT_HOLDS_DATA_SEM,
	  "rwsem i_data_sem, shared paths: inner block lookups do not take it again (designs A/B)" },
	{ NULL, 0, NULL },
};

/* The kernel function a lock is taken for -> the path (part) it is. */
static const struct {
	const char *ip;
	unsigned path;
} ext4_sim_path_of_ip[] = {
	{ "ext4_filemap_fault", EXT4_SIM_PATH_FAULT },
	{ "filemap_fault", EXT4_SIM_PATH_FAULT },
	{ "ext4_page_mkwrite", EXT4_SIM_PATH_MKWRITE },
	{ "ext4_dax_fault", EXT4_SIM_PATH_DAX },
	{ "ext4_dax_pmd_fault", EXT4_SIM_PATH_DAX },
	{ "ext4_dax_mkwrite", EXT4_SIM_PATH_DAX },
	{ "ext4_dax_pfn_mkwrite", EXT4_SIM_PATH_DAX },
	{ "__do_page_cache_readahead", EXT4_SIM_PATH_READ },
	{ "filemap_create_page", EXT4_SIM_PATH_READ },
	{ "filemap_update_page", EXT4_SIM_PATH_READ },
	{ "ext4_punch_hole", EXT4_SIM_PATH_PUNCH },
	{ "ext4_zero_range", EXT4_SIM_PATH_ZERO },
	{ "ext4_sim_shift_lock", EXT4_SIM_PATH_SHIFT },
	{ "ext4_setattr", EXT4_SIM_PATH_TRUNCATE },
	{ "ext4_truncate_failed_write", EXT4_SIM_PATH_TRUNCATE },
};

static unsigned ext4_sim_path_of(const char *ip)
{
	for (unsigned i = 0; i < SIM_ARRAY_SIZE(ext4_sim_path_of_ip); i++)
		if (strcmp(ext4_sim_path_of_ip[i].ip, ip) == 0)
			return ext4_sim_path_of_ip[i].path;
	SIM_BUG_ON(1);   /* a call site no part names (see the top) */
	return 0;
}

static struct sim_rwsem *ext4_sim_compose_rwsem(struct inode *inode,
						const struct ext4_lock_ops *ops)
{
	if (strcmp(ops->rwsem, "i_mmap_sem") == 0)
		return &EXT4_I(inode)->i_mmap_sem;
	if (strcmp(ops->rwsem, "invalidate_lock") == 0)
		return &inode->i_mapping->invalidate_lock;
	SIM_BUG_ON(strcmp(ops->rwsem, "i_data_sem") != 0);
	return &EXT4_I(inode)->i_data_sem;
}

static struct sim_range_lock *ext4_sim_compose_range(struct inode *inode)
{
	struct sim_range_lock *rl = &inode->i_mapping->range_lock;

	if (!rl->wo.ops)
		sim_range_lock_init(inode->i_sb->s_world, rl, "range_lock");
	return rl;
}

static void ext4_sim_compose_lock(struct inode *inode, loff_t start,
				  loff_t end, const char *ip, bool write)
{
	const struct ext4_lock_ops *ops = ext4_sim_lock_ops(inode);
	unsigned paths = write ? ops->exclusive_paths : ops->shared_paths;

	if (!(paths & ext4_sim_path_of(ip)))
		return;
	if (ops->lock == EXT4_SIM_LOCK_RANGE) {
		if (write)
			sim_range_write_lock(current, ext4_sim_compose_range(inode),
					     start, end, ip);
		else
			sim_range_read_lock(current, ext4_sim_compose_range(inode),
					    start, end, ip);
	} else if (write) {
		sim_down_write(current, ext4_sim_compose_rwsem(inode, ops), ip);
	} else {
		sim_down_read(current, ext4_sim_compose_rwsem(inode, ops), ip);
	}
}

static void ext4_sim_compose_unlock(struct inode *inode, loff_t start,
				    loff_t end, bool write)
{
	const struct ext4_lock_ops *ops = ext4_sim_lock_ops(inode);

	/* no path takes this side: the task may hold the same rwsem for
	 * its own reasons (the paths' i_data_sem) */
	if (!(write ? ops->exclusive_paths : ops->shared_paths))
		return;
	if (ops->lock == EXT4_SIM_LOCK_RANGE) {
		struct sim_range_lock *rl = ext4_sim_compose_range(inode);

		if (sim_range_held_by(rl, current, start, end, write))
			sim_range_unlock(current, rl, start, end);
		return;
	}
	struct sim_rwsem *s = ext4_sim_compose_rwsem(inode, ops);

	if (write ? s->writer != current : !sim_rwsem_held_by(s, current))
		return;
	if (write)
		up_write(s);
	else
		up_read(s);
}

static void ext4_sim_compose_fault_lock(struct inode *inode, loff_t start,
					loff_t end, const char *ip)
{
	ext4_sim_compose_lock(inode, start, end, ip, false);
}

static bool ext4_sim_compose_fault_trylock(struct inode *inode, loff_t start,
					   loff_t end, const char *ip)
{
	const struct ext4_lock_ops *ops = ext4_sim_lock_ops(inode);

	if (!(ops->shared_paths & ext4_sim_path_of(ip)))
		return true;
	if (ops->lock == EXT4_SIM_LOCK_RANGE)
		return sim_range_read_trylock(current,
					      ext4_sim_compose_range(inode),
					      start, end, ip);
	return sim_down_read_trylock(current,
				     ext4_sim_compose_rwsem(inode, ops), ip);
}

static void ext4_sim_compose_fault_unlock(struct inode *inode, loff_t start,
					  loff_t end)
{
	ext4_sim_compose_unlock(inode, start, end, false);
}

static void ext4_sim_compose_remove_lock(struct inode *inode, loff_t start,
					 loff_t end, const char *ip)
{
	ext4_sim_compose_lock(inode, start, end, ip, true);
}

static void ext4_sim_compose_remove_unlock(struct inode *inode, loff_t start,
					   loff_t end)
{
	ext4_sim_compose_unlock(inode, start, end, true);
}

struct ext4_lock_ops *ext4_sim_lock_compose(const char *name,
					    enum ext4_kver kver,
					    unsigned flags,
					    enum ext4_sim_lock_kind lock,
					    const char *rwsem,
					    unsigned shared_paths,
					    unsigned exclusive_paths)
{
	struct ext4_lock_ops *ops = g_new0(struct ext4_lock_ops, 1);

	ops->name = name;
	ops->summary = "composed in the workload file ([strategy] section)";
	ops->kver = kver;
	ops->flags = flags & ~EXT4_LOCK_READ_PATHS;
	if (shared_paths & EXT4_SIM_PATH_READ)
		ops->flags |= EXT4_LOCK_READ_PATHS;
	ops->lock = lock;
	ops->rwsem = rwsem;
	if (lock == EXT4_SIM_LOCK_NONE)
		return ops;
	ops->shared_paths = shared_paths & EXT4_SIM_PATHS_SHARED;
	ops->exclusive_paths = exclusive_paths & EXT4_SIM_PATHS_EXCLUSIVE;
	ops->fault_lock = ext4_sim_compose_fault_lock;
	ops->fault_trylock = ext4_sim_compose_fault_trylock;
	ops->fault_unlock = ext4_sim_compose_fault_unlock;
	ops->remove_lock = ext4_sim_compose_remove_lock;
	ops->remove_unlock = ext4_sim_compose_remove_unlock;
	return ops;
}

static void ext4_sim_paths_str(GString *s, unsigned paths)
{
	const char *sep = "";

	for (unsigned i = 0; ext4_sim_path_names[i]; i++)
		if (paths & (1u << i)) {
			g_string_append_printf(s, "%s%s", sep,
					       ext4_sim_path_names[i]);
			sep = ", ";
		}
}

char *ext4_sim_lock_section(const struct ext4_lock_ops *ops)
{
	GString *s = g_string_new(NULL);
	unsigned shared = ops->shared_paths;

	if (ops->flags & EXT4_LOCK_READ_PATHS)
		shared |= EXT4_SIM_PATH_READ;
	g_string_append_printf(s, "[strategy %s]\n", ops->name);
	g_string_append_printf(s, "order = %s\n", ext4_sim_kver_names[ops->kver]);
	g_string_append_printf(s, "lock = %s\n",
			       ext4_sim_lock_kind_names[ops->lock]);
	if (ops->lock == EXT4_SIM_LOCK_RWSEM)
		g_string_append_printf(s, "rwsem = %s\n", ops->rwsem);
	/* an empty list is the default: left out */
	if (ops->lock != EXT4_SIM_LOCK_NONE && shared) {
		g_string_append(s, "shared = ");
		ext4_sim_paths_str(s, shared);
		g_string_append_c(s, '\n');
	}
	if (ops->lock != EXT4_SIM_LOCK_NONE && ops->exclusive_paths) {
		g_string_append(s, "exclusive = ");
		ext4_sim_paths_str(s, ops->exclusive_paths);
		g_string_append_c(s, '\n');
	}
	for (const struct ext4_sim_switch *w = ext4_sim_switches; w->key; w++)
		if (ops->flags & w->flag)
			g_string_append_printf(s, "%s = yes\n", w->key);
	return g_string_free(s, FALSE);
}
