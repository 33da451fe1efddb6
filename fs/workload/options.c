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
	  .allowed = fs_strategy_names,
	  .help = "locking strategies to compare (the first is the baseline)" },
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
	{ NULL }
};
#undef J

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
			break;
		}
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
};

const struct sim_schema fs_schema = {
	.types = fs_types,
	.n_types = SIM_ARRAY_SIZE(fs_types),
	.type_key = "type",
	.validate = fs_validate,
};

void fs_options_print_help(FILE *out)
{
	sim_option_print_help(out, &fs_schema);
}
