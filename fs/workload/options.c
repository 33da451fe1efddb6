/* fs/workload/options.c — the option tables of the ext4 model: every key a workload
 * file may hold, with its type, unit, range, default and help (docs/design.md §6).
 *
 * Sections: [global] and [costs] by name; a section with `type = file` is a
 * file the jobs share; every other section is a job (numjobs tasks running
 * an operation mix).  Cross-key rules that a single key cannot express
 * (a job's file must exist, mount options must not conflict, value syntax
 * of layout and offset) are checked in fs_validate().
 *
 * Cost defaults are order-of-magnitude figures for a current x86 server
 * core (a 4 KiB memset/memcpy at ~10-15 GB/s, a radix-tree lookup of a hot
 * page-cache entry, a trap into the kernel); they set the scale of CPU time
 * beside device latencies, which dominate.  Users override them in [costs].
 */
#include "config.h"

#include <string.h>

#include <glib.h>

#include "fs/ext4/locking.h"
#include "fs/workload/options.h"
#include "fs/workload/script.h"

/* The registry's names (fs/ext4/locking.h), for the option table. */
const char *const fs_strategy_names[] = {
	EXT4_LOCK_STRATEGIES(EXT4_LOCK_STRATEGY_NAME) NULL,
};

const char *const fs_op_names[] = {
	"mmap_read", "mmap_write", "read", "write", "readahead",
	"dio_read", "dio_write", "punch_hole", "zero_range", "collapse_range",
	"insert_range", "fallocate", "truncate", "fsync", "madvise_dontneed",
	NULL,
};
_Static_assert(SIM_ARRAY_SIZE(fs_op_names) == FS_NR_OPS + 1,
	       "fs_op_names and enum fs_op disagree");

static const char *const devices[] = { "nvme", "ssd", "hdd", "pmem", NULL };
static const char *const mount_opts[] = {
	"data=ordered", "data=writeback", "data=journal", "delalloc",
	"nodelalloc", "dax", "nojournal", NULL,
};
static const char *const mmap_kinds[] = { "shared", "private", NULL };
static const char *const time_dists[] = {
	"fixed", "uniform", "exp", "normal", "lognormal", "pareto", NULL,
};
static const char *const size_dists[] = {
	"fixed", "uniform", "exp", "normal", "lognormal", "pareto", NULL,
};

#define G(f) offsetof(struct fs_global, f)
static const struct sim_option global_opts[] = {
	{ .name = "strategies", .type = SIM_OPT_LIST, .offset = G(strategies),
	  .def = "lockless, i_data_sem, i_mmap_sem, invalidate_lock",
	  .help = "locking strategies to compare (the first is the baseline): built-in names (--list-strategies) or [strategy NAME] sections" },
	{ .name = "replicas", .type = SIM_OPT_INT, .offset = G(replicas),
	  .min = "1", .max = "10000", .def = "8", .label = "runs",
	  .help = "replicas per strategy (replica r draws the same workload in every strategy)" },
	{ .name = "duration", .type = SIM_OPT_TIME, .offset = G(duration),
	  .unit = SIM_UNIT_MS, .min = "1us", .max = "3600s", .def = "200ms",
	  .help = "simulated time per job" },
	{ .name = "seed", .type = SIM_OPT_INT, .offset = G(seed), .min = "0",
	  .def = "1", .help = "run seed; every job's streams derive from it" },
	{ .name = "device", .type = SIM_OPT_ENUM, .offset = G(device),
	  .def = "nvme", .allowed = devices,
	  .help = "device latency profile" },
	{ .name = "queue_depth", .type = SIM_OPT_INT, .offset = G(queue_depth),
	  .min = "1", .max = "4096", .def = "32", .label = "requests",
	  .help = "requests the device serves at once" },
	{ .name = "mount", .type = SIM_OPT_LIST, .offset = G(mount),
	  .def = "data=ordered, delalloc", .allowed = mount_opts,
	  .help = "ext4 mount options that matter here" },
	{ .name = "commit", .type = SIM_OPT_TIME, .offset = G(commit),
	  .unit = SIM_UNIT_S, .min = "1ms", .max = "3600s", .def = "5s",
	  .help = "jbd2 commit interval (mount option commit=)" },
	{ .name = "blocksize", .type = SIM_OPT_SIZE, .offset = G(blocksize),
	  .min = "1K", .max = "4K", .def = "4K",
	  .help = "filesystem block size, a power of two; at most the page "
		  "size (4K): v4.4-v5.15 ext4 refuses to mount blocksize > "
		  "PAGE_SIZE" },
	{ .name = "fs_size", .type = SIM_OPT_SIZE, .offset = G(fs_size),
	  .min = "1M", .max = "16T", .def = "1G",
	  .help = "filesystem size" },
	{ .name = "blocks_per_group", .type = SIM_OPT_INT,
	  .offset = G(blocks_per_group), .min = "256", .max = "524288",
	  .def = "32768", .label = "blocks", .help = "blocks per block group" },
	{ .name = "journal_size", .type = SIM_OPT_SIZE,
	  .offset = G(journal_size), .min = "1M", .max = "1G", .def = "64M",
	  .help = "journal size (a transaction may use a quarter of it)" },
	{ .name = "page_budget", .type = SIM_OPT_SIZE, .offset = G(page_budget),
	  .min = "0", .max = "1T", .def = "0",
	  .help = "page-cache memory before reclaim of clean pages (0: unlimited)" },
	{ .name = "timeline", .type = SIM_OPT_TIME, .offset = G(timeline),
	  .unit = SIM_UNIT_MS, .min = "0", .max = "10s", .def = "2ms",
	  .help = "window of replica 0 recorded for the lock-hold timeline" },
	{ NULL }
};
#undef G

#define COST(f, d, h)                                                     \
	{ .name = #f, .type = SIM_OPT_TIME,                               \
	  .offset = offsetof(struct fs_costs, f), .unit = SIM_UNIT_NS,    \
	  .min = "0", .max = "1s", .def = d, .help = h }
static const struct sim_option costs_opts[] = {
	COST(syscall_entry, "100ns", "entering and leaving a system call"),
	COST(fault_entry, "250ns", "trap + handle_mm_fault dispatch of a page fault"),
	COST(page_cache_lookup, "50ns", "find_get_page of a cached page"),
	COST(page_cache_insert, "200ns", "allocating and inserting a page-cache page"),
	COST(page_zero, "300ns", "zeroing a 4 KiB page"),
	COST(page_copy, "400ns", "copying 4 KiB to or from user space"),
	COST(pte_install, "40ns", "setting up one PTE"),
	COST(pte_zap, "20ns", "zapping one PTE"),
	COST(extent_lookup_level, "60ns", "binary search of one extent-tree node"),
	COST(extent_modify, "300ns", "inserting, splitting or removing an extent"),
	COST(es_lookup, "40ns", "extent-status cache lookup"),
	COST(block_alloc, "500ns", "one mballoc allocation"),
	COST(journal_handle, "150ns", "jbd2 handle start or stop bookkeeping"),
	COST(bio_submit, "500ns", "building and submitting one bio (block layer + driver)"),
	COST(user_fault_in, "30ns", "write(2): faulting in (touching) one page of the user buffer"),
	COST(writeback_page, "250ns", "writeback: preparing one page and adding it to a bio"),
	{ .name = "dirty_writeback_interval", .type = SIM_OPT_TIME, .offset = offsetof(struct fs_costs, dirty_writeback_interval), .unit = SIM_UNIT_S, .min = "1ms", .max = "3600s", .def = "5s", .help = "flusher wake-up period (vm.dirty_writeback_centisecs = 500)" },
	{ .name = "dirty_expire_interval", .type = SIM_OPT_TIME, .offset = offsetof(struct fs_costs, dirty_expire_interval), .unit = SIM_UNIT_S, .min = "0", .max = "3600s", .def = "30s", .help = "dirty data older than this is written by the flusher (vm.dirty_expire_centisecs = 3000)" },
	{ .name = "dirty_background_ratio", .type = SIM_OPT_INT, .offset = offsetof(struct fs_costs, dirty_background_ratio), .min = "0", .max = "100", .def = "10", .help = "% of page_budget dirty that starts background writeback (0 or no budget: off)" },
	{ .name = "dirty_ratio", .type = SIM_OPT_INT, .offset = offsetof(struct fs_costs, dirty_ratio), .min = "0", .max = "100", .def = "20", .help = "% of page_budget dirty at which writers are throttled (0 or no budget: off)" },
	COST(dirty_pause, "10ms", "one sleep of a writer throttled in balance_dirty_pages"),
	{ NULL }
};
#undef COST

#define F(f) offsetof(struct fs_file, f)
static const struct sim_option file_opts[] = {
	{ .name = "size", .type = SIM_OPT_SIZE, .offset = F(size),
	  .min = "4K", .max = "1T", .flags = SIM_OPT_REQUIRED,
	  .help = "file size at the start of a job" },
	{ .name = "layout", .type = SIM_OPT_STRING, .offset = F(layout),
	  .def = "dense",
	  .help = "initial blocks: dense | sparse:FRACTION (allocated) | fragmented:N (extents) | empty (size 0)" },
	{ NULL }
};
#undef F

#define J(f) offsetof(struct fs_job, f)
static const struct sim_option job_opts[] = {
	{ .name = "file", .type = SIM_OPT_STRING, .offset = J(file),
	  .flags = SIM_OPT_REQUIRED, .help = "the file section this job works on" },
	{ .name = "numjobs", .type = SIM_OPT_INT, .offset = J(numjobs),
	  .min = "1", .max = "4096", .def = "1", .label = "tasks",
	  .help = "tasks running this job, each on its own CPU" },
	{ .name = "ops", .type = SIM_OPT_MIX, .offset = J(ops),
	  .def = "mmap_read", .allowed = fs_op_names,
	  .help = "operation mix, NAME:WEIGHT, ..." },
	{ .name = "offset", .type = SIM_OPT_STRING, .offset = J(offset),
	  .def = "random",
	  .help = "where ops land: random | sequential | zipf:THETA | hot:FRACTION" },
	{ .name = "len", .type = SIM_OPT_DIST, .offset = J(len),
	  .unit = SIM_UNIT_BYTES, .min = "1", .max = "1G", .def = "4K",
	  .allowed = size_dists, .help = "operation length" },
	{ .name = "think", .type = SIM_OPT_DIST, .offset = J(think),
	  .unit = SIM_UNIT_US, .min = "0", .max = "10s", .def = "exp:10us",
	  .allowed = time_dists, .help = "pause between operations" },
	{ .name = "mmap", .type = SIM_OPT_ENUM, .offset = J(mmap),
	  .def = "shared", .allowed = mmap_kinds,
	  .help = "mapping used by mmap_read / mmap_write" },
	{ .name = "ops_file", .type = SIM_OPT_STRING, .offset = J(ops_file),
	  .help = "replay an fsx .fsxops log instead of drawing from ops "
		  "(at least one op to run; every op within the file's "
		  "size, fsx's maxfilelen)" },
	{ .name = "start_delay", .type = SIM_OPT_TIME, .offset = J(start_delay),
	  .unit = SIM_UNIT_US, .min = "0", .max = "3600s", .def = "0",
	  .help = "simulated time before the job's first operation" },
	{ .name = "script", .type = SIM_OPT_STRING, .offset = J(script),
	  .flags = SIM_OPT_OMIT_UNSET,
	  .help = "run these ops once instead of the mix: 'OP [OFFSET [LEN]] [at=T] [think=T] [delay=STEP[#N]:T], ...' (numjobs = 1)" },
	{ NULL }
};
#undef J

/* ---- [strategy NAME] -------------------------------------------------- */

static const char *const shared_path_names[] = {
	"faults", "page_mkwrite", "dax", "reads", NULL,
};
static const char *const exclusive_path_names[] = {
	"punch", "zero", "collapse_insert", "truncate", NULL,
};

#define S(f) offsetof(struct fs_strategy, f)
#define SWITCH(f, h) { .name = #f, .type = SIM_OPT_BOOL, .offset = S(f), \
		       .def = "no", .help = h }
static const struct sim_option strategy_opts[] = {
	{ .name = "order", .type = SIM_OPT_ENUM, .offset = S(order),
	  .allowed = ext4_sim_kver_names, .flags = SIM_OPT_REQUIRED,
	  .help = "step order of the paths: the kernel version v4.4.1 | v4.5 | v5.15" },
	{ .name = "lock", .type = SIM_OPT_ENUM, .offset = S(lock),
	  .allowed = ext4_sim_lock_kind_names, .def = "none",
	  .help = "the lock in the invalidate role: none | rwsem | range (the mapping's range lock)" },
	{ .name = "rwsem", .type = SIM_OPT_ENUM, .offset = S(rwsem),
	  .allowed = ext4_sim_rwsem_names,
	  .help = "with lock = rwsem: which one, i_mmap_sem | invalidate_lock | i_data_sem" },
	{ .name = "shared", .type = SIM_OPT_LIST, .offset = S(shared),
	  .allowed = shared_path_names, .def = "",
	  .help = "paths that take the lock shared: faults, page_mkwrite, dax, reads (v5.15 order)" },
	{ .name = "exclusive", .type = SIM_OPT_LIST, .offset = S(exclusive),
	  .allowed = exclusive_path_names, .def = "",
	  .help = "paths that take it exclusive: punch, zero, collapse_insert, truncate" },
	SWITCH(second_truncate, "punch truncates the page cache again after removing the blocks (v4.4.1)"),
	SWITCH(unlocked_writeback, "zero/collapse/insert write back before i_mutex (v4.4.1)"),
	SWITCH(fault_fast_path, "v5.15 order: faults lock only to create or re-read a page"),
	SWITCH(lock_before_isize, "v5.15 order: truncate takes the exclusive side before the i_size update"),
	SWITCH(hold_data_sem_across_journal, "rwsem = i_data_sem: held exclusive across journal start and restarts (design A)"),
	SWITCH(fault_holds_data_sem, "rwsem = i_data_sem: faults' inner block lookups do not take it again (designs A/B)"),
	{ NULL }
};
#undef SWITCH
#undef S

const char *fs_strategy_section_name(const char *section)
{
	if (strncmp(section, "strategy ", 9) != 0)
		return NULL;
	section += 9;
	while (*section == ' ')
		section++;
	return section;
}

static unsigned path_bits(char **names)
{
	unsigned bits = 0;

	for (; names && *names; names++)
		for (unsigned i = 0; ext4_sim_path_names[i]; i++)
			if (strcmp(*names, ext4_sim_path_names[i]) == 0)
				bits |= 1u << i;
	return bits;
}

static unsigned strategy_flags(const struct fs_strategy *st)
{
	return (st->second_truncate ? EXT4_LOCK_PUNCH_SECOND_TRUNCATE : 0) |
	       (st->unlocked_writeback ? EXT4_LOCK_UNLOCKED_WRITEBACK : 0) |
	       (st->fault_fast_path ? EXT4_LOCK_FAULT_FAST_PATH : 0) |
	       (st->lock_before_isize ? EXT4_LOCK_BEFORE_ISIZE : 0) |
	       (st->hold_data_sem_across_journal ?
		EXT4_LOCK_HOLD_DATA_SEM_ACROSS_JOURNAL : 0) |
	       (st->fault_holds_data_sem ? EXT4_LOCK_FAULT_HOLDS_DATA_SEM : 0);
}

struct ext4_lock_ops *fs_strategy_compose(const struct sim_cfg *cfg,
					  const char *name)
{
	for (unsigned i = 0; i < cfg->n_sections; i++) {
		const struct sim_cfg_section *sec = cfg->sections[i];
		const struct fs_strategy *st = sec->data;
		const char *n;

		if (sec->type_index != FS_SEC_STRATEGY)
			continue;
		n = fs_strategy_section_name(sec->name);
		if (strcmp(n, name) != 0)
			continue;
		return ext4_sim_lock_compose(n, (enum ext4_kver)st->order,
					     strategy_flags(st),
					     (enum ext4_sim_lock_kind)st->lock,
					     st->rwsem >= 0 ?
					     ext4_sim_rwsem_names[st->rwsem] : NULL,
					     path_bits(st->shared),
					     path_bits(st->exclusive));
	}
	return NULL;
}

/* Nonsense (an unknown part is the option table's error): a lock's
 * choice without the lock, a lock without its choice, a switch or part the
 * chosen step order cannot honour. */
static bool validate_strategy(struct sim_cfg *cfg, struct sim_cfg_section *sec,
			      GError **err)
{
	const struct fs_strategy *st = sec->data;
	const char *name = fs_strategy_section_name(sec->name);
	bool v515 = st->order == EXT4_KVER_5_15;
	bool data_sem = st->rwsem >= 0 &&
			strcmp(ext4_sim_rwsem_names[st->rwsem], "i_data_sem") == 0;

	if (!*name || strpbrk(name, " ,\t")) {
		sim_cfg_error_at(cfg, sec, NULL, err, SIM_CFG_ERROR_INVALID,
				 "a strategy section is [strategy NAME], NAME one word");
		return false;
	}
	for (const char *const *b = fs_strategy_names; *b; b++)
		if (strcmp(*b, name) == 0) {
			sim_cfg_error_at(cfg, sec, NULL, err,
					 SIM_CFG_ERROR_INVALID,
					 "'%s' is a built-in strategy: name yours otherwise",
					 name);
			return false;
		}
	if (st->lock == EXT4_SIM_LOCK_NONE) {
		const char *key = st->rwsem >= 0 ? "rwsem" :
				  st->shared && st->shared[0] ? "shared" :
				  st->exclusive && st->exclusive[0] ? "exclusive" :
				  NULL;
		if (key) {
			sim_cfg_error_at(cfg, sec, key, err, SIM_CFG_ERROR_INVALID,
					 "lock = none: no lock for %s to name",
					 key);
			return false;
		}
	}
	if (st->lock == EXT4_SIM_LOCK_RWSEM && st->rwsem < 0) {
		sim_cfg_error_at(cfg, sec, "lock", err, SIM_CFG_ERROR_INVALID,
				 "lock = rwsem needs rwsem = i_mmap_sem | invalidate_lock | i_data_sem");
		return false;
	}
	if (st->lock == EXT4_SIM_LOCK_RANGE && st->rwsem >= 0) {
		sim_cfg_error_at(cfg, sec, "rwsem", err, SIM_CFG_ERROR_INVALID,
				 "lock = range: the range lock is not an rwsem");
		return false;
	}
	if (!v515 && (path_bits(st->shared) & EXT4_SIM_PATH_READ)) {
		sim_cfg_error_at(cfg, sec, "shared", err, SIM_CFG_ERROR_INVALID,
				 "reads: only the v5.15 step order locks read(2) and readahead page creation (order = %s)",
				 ext4_sim_kver_names[st->order]);
		return false;
	}
	if (!v515 && (st->fault_fast_path || st->lock_before_isize)) {
		const char *key = st->fault_fast_path ? "fault_fast_path"
						      : "lock_before_isize";
		sim_cfg_error_at(cfg, sec, key, err, SIM_CFG_ERROR_INVALID,
				 "a v5.15 switch: order = %s cannot honour it",
				 ext4_sim_kver_names[st->order]);
		return false;
	}
	if (!data_sem && (st->hold_data_sem_across_journal ||
			  st->fault_holds_data_sem)) {
		const char *key = st->hold_data_sem_across_journal ?
				  "hold_data_sem_across_journal" :
				  "fault_holds_data_sem";
		sim_cfg_error_at(cfg, sec, key, err, SIM_CFG_ERROR_INVALID,
				 "only for lock = rwsem, rwsem = i_data_sem");
		return false;
	}
	return true;
}

/* strategies = built-in names and [strategy NAME] sections of this file */
static bool validate_strategy_names(struct sim_cfg *cfg,
				    struct sim_cfg_section *sec, char **names,
				    GError **err)
{
	for (char **n = names; n && *n; n++) {
		bool found = false;

		for (const char *const *b = fs_strategy_names; *b && !found; b++)
			found = strcmp(*b, *n) == 0;
		for (unsigned i = 0; i < cfg->n_sections && !found; i++)
			found = cfg->sections[i]->type_index == FS_SEC_STRATEGY &&
				strcmp(fs_strategy_section_name(
					       cfg->sections[i]->name), *n) == 0;
		if (!found) {
			char *all = g_strjoinv(", ", (char **)fs_strategy_names);

			sim_cfg_error_at(cfg, sec, "strategies", err,
					 SIM_CFG_ERROR_VALUE,
					 "unknown strategy '%s' (expected one of: %s, or a [strategy %s] section)",
					 *n, all, *n);
			g_free(all);
			return false;
		}
	}
	return true;
}

static bool has_item(char **list, const char *item)
{
	for (; list && *list; list++)
		if (strcmp(*list, item) == 0)
			return true;
	return false;
}

/* "NAME" or "NAME:NUMBER" with NUMBER in (lo, hi]; returns false if the text
 * is neither. */
static bool parse_tagged(const char *text, const char *name, double lo,
			 double hi, bool want_number)
{
	size_t n = strlen(name);
	char *end;

	if (strncmp(text, name, n) != 0)
		return false;
	if (!want_number)
		return text[n] == '\0';
	if (text[n] != ':' || text[n + 1] == '\0')
		return false;
	double v = g_ascii_strtod(text + n + 1, &end);
	return *end == '\0' && v > lo && v <= hi;
}

static bool validate_global(struct sim_cfg *cfg, struct sim_cfg_section *sec,
			    GError **err)
{
	struct fs_global *g = sec->data;
	int data_modes = 0;

	if (!g->strategies || !g->strategies[0]) {
		char *all = g_strjoinv(", ", (char **)fs_strategy_names);

		sim_cfg_error_at(cfg, sec, "strategies", err,
				 SIM_CFG_ERROR_INVALID,
				 "empty: no strategy to run (name one or more of: %s)",
				 all);
		g_free(all);
		return false;
	}
	if (!validate_strategy_names(cfg, sec, g->strategies, err))
		return false;
	if (g->blocksize & (g->blocksize - 1)) {
		sim_cfg_error_at(cfg, sec, "blocksize", err, SIM_CFG_ERROR_INVALID,
				 "%" G_GUINT64_FORMAT " is not a power of two",
				 g->blocksize);
		return false;
	}
	for (char **m = g->mount; m && *m; m++)
		data_modes += strncmp(*m, "data=", 5) == 0;
	if (data_modes > 1) {
		sim_cfg_error_at(cfg, sec, "mount", err, SIM_CFG_ERROR_INVALID,
				 "more than one data= mode");
		return false;
	}
	if (has_item(g->mount, "delalloc") && has_item(g->mount, "nodelalloc")) {
		sim_cfg_error_at(cfg, sec, "mount", err, SIM_CFG_ERROR_INVALID,
				 "delalloc and nodelalloc together");
		return false;
	}
	if (has_item(g->mount, "nojournal") && has_item(g->mount, "data=journal")) {
		sim_cfg_error_at(cfg, sec, "mount", err, SIM_CFG_ERROR_INVALID,
				 "data=journal needs a journal (nojournal given)");
		return false;
	}
	if (g->journal_size * 2 > g->fs_size) {
		sim_cfg_error_at(cfg, sec, "journal_size", err, SIM_CFG_ERROR_INVALID,
				 "journal would take more than half of fs_size");
		return false;
	}
	return true;
}

/* A job with a script runs it in one task, instead of a mix or a log. */
static bool validate_script(struct sim_cfg *cfg, struct sim_cfg_section *sec,
			    GError **err)
{
	struct fs_job *job = sec->data;
	struct fs_wl_script s;
	GError *e = NULL;

	if (job->ops_file || sim_cfg_is_set(sec, "ops")) {
		sim_cfg_error_at(cfg, sec, "script", err, SIM_CFG_ERROR_INVALID,
				 "a job runs a script, an ops mix or an ops_file, not two of them");
		return false;
	}
	if (job->numjobs != 1) {
		sim_cfg_error_at(cfg, sec, "numjobs", err, SIM_CFG_ERROR_INVALID,
				 "a job running a script runs one task (numjobs = 1)");
		return false;
	}
	if (!fs_wl_script_parse(job->script, &s, &e)) {
		sim_cfg_error_at(cfg, sec, "script", err, SIM_CFG_ERROR_VALUE,
				 "%s", e->message);
		g_error_free(e);
		return false;
	}
	fs_wl_script_free(&s);
	return true;
}

static bool fs_validate(struct sim_cfg *cfg, GError **err)
{
	struct fs_global *g = sim_cfg_data(cfg, "global");
	bool any_job = false;

	for (unsigned i = 0; i < cfg->n_sections; i++) {
		struct sim_cfg_section *sec = cfg->sections[i], *f;

		switch (sec->type_index) {
		case FS_SEC_GLOBAL:
			if (!validate_global(cfg, sec, err))
				return false;
			break;
		case FS_SEC_FILE: {
			struct fs_file *file = sec->data;
			const char *l = file->layout;
			if (!parse_tagged(l, "dense", 0, 0, false) &&
			    !parse_tagged(l, "sparse", 0, 1, true) &&
			    !parse_tagged(l, "fragmented", 0, 1e9, true) &&
			    !parse_tagged(l, "empty", 0, 0, false)) {
				sim_cfg_error_at(cfg, sec, "layout", err,
						 SIM_CFG_ERROR_VALUE,
						 "expected dense, sparse:FRACTION, fragmented:N or empty, got '%s'",
						 l);
				return false;
			}
			/* fragmented:N lays N extents, at least a block
			 * each */
			if (g && g->blocksize &&
			    g_str_has_prefix(l, "fragmented:") &&
			    g_ascii_strtod(l + 11, NULL) >
			    (double)((file->size + g->blocksize - 1) /
				     g->blocksize)) {
				sim_cfg_error_at(cfg, sec, "layout", err,
						 SIM_CFG_ERROR_RANGE,
						 "%s: more extents than the file has blocks (%" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT " bytes: size / blocksize)",
						 l, (file->size + g->blocksize - 1) /
						 g->blocksize, g->blocksize);
				return false;
			}
			if (g && file->size > g->fs_size / 2) {
				sim_cfg_error_at(cfg, sec, "size", err,
						 SIM_CFG_ERROR_RANGE,
						 "file larger than half of [global] fs_size");
				return false;
			}
			break;
		}
		case FS_SEC_JOB: {
			struct fs_job *job = sec->data;
			const char *o = job->offset;
			any_job = true;
			f = sim_cfg_lookup(cfg, job->file);
			if (!f || f->type_index != FS_SEC_FILE) {
				sim_cfg_error_at(cfg, sec, "file", err,
						 SIM_CFG_ERROR_INVALID,
						 "no file section [%s] (a file section has 'type = file')",
						 job->file);
				return false;
			}
			if (!parse_tagged(o, "random", 0, 0, false) &&
			    !parse_tagged(o, "sequential", 0, 0, false) &&
			    !parse_tagged(o, "zipf", 0, 100, true) &&
			    !parse_tagged(o, "hot", 0, 1, true)) {
				sim_cfg_error_at(cfg, sec, "offset", err,
						 SIM_CFG_ERROR_VALUE,
						 "expected random, sequential, zipf:THETA or hot:FRACTION, got '%s'",
						 o);
				return false;
			}
			if (job->script && !validate_script(cfg, sec, err))
				return false;
			break;
		}
		case FS_SEC_STRATEGY:
			if (!validate_strategy(cfg, sec, err))
				return false;
			break;
		default:
			break;
		}
	}
	if (!any_job) {
		sim_cfg_error_at(cfg, NULL, NULL, err, SIM_CFG_ERROR_MISSING,
				 "no job section: nothing would run");
		return false;
	}
	return true;
}

static const char *const global_names[] = { "global", NULL };
static const char *const costs_names[] = { "costs", NULL };

static const struct sim_section_type fs_types[] = {
	[FS_SEC_GLOBAL] = { .name = "global", .help = "run-wide settings",
		.options = global_opts, .size = sizeof(struct fs_global),
		.flags = SIM_SECTION_IMPLICIT, .names = global_names },
	[FS_SEC_COSTS] = { .name = "costs",
		.help = "the cost model: CPU time of each modelled step",
		.options = costs_opts, .size = sizeof(struct fs_costs),
		.flags = SIM_SECTION_IMPLICIT, .names = costs_names },
	[FS_SEC_FILE] = { .name = "file",
		.help = "a file the jobs share (a section with 'type = file')",
		.options = file_opts, .size = sizeof(struct fs_file),
		.flags = SIM_SECTION_TYPED },
	[FS_SEC_JOB] = { .name = "job",
		.help = "any other section: numjobs tasks issuing an operation mix",
		.options = job_opts, .size = sizeof(struct fs_job),
		.flags = SIM_SECTION_DEFAULT },
	[FS_SEC_STRATEGY] = { .name = "strategy",
		.help = "[strategy NAME]: a locking strategy composed from parts (docs/strategies.md)",
		.options = strategy_opts, .size = sizeof(struct fs_strategy) },
};

/* fio habits: its names for our keys */
static const char *const fio_aliases[] = {
	"runtime", "duration",
	"filename", "file",
	"bs", "len",
	"blocksize", "len",
	"thinktime", "think",
	"rw", "ops",
	"readwrite", "ops",
	"randseed", "seed",
	NULL,
};

/* [strategy NAME] by its name; the rest as the schema says. */
static int fs_classify(const struct sim_schema *schema, const char *name,
		       const char *type_value)
{
	if (fs_strategy_section_name(name))
		return FS_SEC_STRATEGY;
	return sim_schema_classify(schema, name, type_value);
}

const struct sim_schema fs_schema = {
	.types = fs_types,
	.n_types = SIM_ARRAY_SIZE(fs_types),
	.type_key = "type",
	.classify = fs_classify,
	.validate = fs_validate,
	.aliases = fio_aliases,
	.aliases_from = "fio",
};

void fs_options_print_help(FILE *out)
{
	sim_option_print_help(out, &fs_schema);
}
