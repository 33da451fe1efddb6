/* fs/workload.c — the workload driver: a task per numjobs of each job
 * section, drawing operations from the job's weighted mix (or replaying an
 * fsx log, fs/fsx.c) and issuing them through the modelled kernel's entry
 * points, one simulated system call or user-space access at a time.
 *
 * Model-only (no kernel counterpart): this is the user-space program of the
 * simulation — fio's job loop (op, offset, length, think time) over
 * syscalls, and fsx's replay loop with its good_buf check.  The rules that
 * keep a file's size bounded and fit a drawn op to the file are in
 * fs/workload.h.
 *
 * A task owns its address space (one mm_struct per task, as fio's default
 * of one process per job) and one open file; mapped ops go through a
 * mapping of the whole file up to its cap (shared or private per the job's
 * `mmap` key), made once when the task starts.
 */
#include "config.h"

#include <string.h>

#include <glib.h>

#include "fs/workload.h"
#include "fs/ext4/ext4.h"
#include "fs/mm.h"

/* ---- offsets ------------------------------------------------------------------ */

static bool tagged(const char *spec, const char *name, double *param)
{
	size_t n = strlen(name);

	if (strncmp(spec, name, n) != 0)
		return false;
	if (spec[n] == '\0') {
		*param = 0;
		return true;
	}
	if (spec[n] != ':')
		return false;
	*param = g_ascii_strtod(spec + n + 1, NULL);
	return true;
}

bool fs_wl_offset_parse(const char *spec, enum fs_wl_offset_kind *kind,
			double *param)
{
	if (tagged(spec, "random", param))
		*kind = FS_WL_OFF_RANDOM;
	else if (tagged(spec, "sequential", param))
		*kind = FS_WL_OFF_SEQUENTIAL;
	else if (tagged(spec, "zipf", param) && *param > 0)
		*kind = FS_WL_OFF_ZIPF;
	else if (tagged(spec, "hot", param) && *param > 0 && *param <= 1)
		*kind = FS_WL_OFF_HOT;
	else
		return false;
	return true;
}

void fs_wl_offset_init(struct fs_wl_offset *g, enum fs_wl_offset_kind kind,
		       double param, uint64_t size, unsigned task,
		       unsigned ntasks)
{
	*g = (struct fs_wl_offset){
		.kind = kind,
		.param = param,
		.size = size,
		.pages = size ? DIV_ROUND_UP(size, PAGE_SIZE) : 1,
	};
	switch (kind) {
	case FS_WL_OFF_SEQUENTIAL:
		/* task i of n starts i/n into the file, page-aligned */
		if (ntasks > 1)
			g->cursor = (uint64_t)((double)size * task / ntasks) &
				    ~(uint64_t)(PAGE_SIZE - 1);
		break;
	case FS_WL_OFF_ZIPF:
		g->zipf = sim_dist_zipf(param);
		sim_dist_zipf_prepare(&g->zipf, g->pages);
		break;
	case FS_WL_OFF_HOT:
		g->hot_pages = (uint64_t)((double)g->pages * param + 0.5);
		g->hot_pages = g->hot_pages ? min(g->hot_pages, g->pages) : 1;
		break;
	case FS_WL_OFF_RANDOM:
		break;
	}
}

uint64_t fs_wl_offset_next(struct fs_wl_offset *g, struct sim_rng *r,
			   uint64_t len)
{
	uint64_t page, off;

	switch (g->kind) {
	case FS_WL_OFF_SEQUENTIAL:
		off = g->cursor < g->size ? g->cursor : 0;
		g->cursor = off + len;
		if (g->cursor >= g->size)
			g->cursor = 0;
		return off;
	case FS_WL_OFF_ZIPF:
		page = sim_dist_zipf_sample(&g->zipf, r);
		break;
	case FS_WL_OFF_HOT: {
		/* two draws every time, whichever part is chosen */
		double u = sim_rng_double(r);
		uint64_t v = sim_rng_next(r);
		uint64_t cold = g->pages - g->hot_pages;

		if (u < FS_WL_HOT_SHARE || cold == 0)
			page = v % g->hot_pages;
		else
			page = g->hot_pages + v % cold;
		break;
	}
	case FS_WL_OFF_RANDOM:
	default:
		page = sim_rng_below(r, g->pages);
		break;
	}
	return page << PAGE_SHIFT;
}

/* ---- fitting -------------------------------------------------------------------- */

bool fs_wl_op_fit(struct fs_wl_op *op, uint64_t i_size, uint64_t cap,
		  unsigned bs)
{
	uint64_t off = op->offset, len = op->len ? op->len : 1, end;

	switch (op->kind) {
	case FS_OP_MADVISE_DONTNEED:
		/* madvise wants a page-aligned start */
		if (i_size == 0)
			return false;
		off = round_down(off % i_size, PAGE_SIZE);
		len = min(len, i_size - off);
		break;
	case FS_OP_MMAP_READ:
	case FS_OP_MMAP_WRITE:
	case FS_OP_READ:
	case FS_OP_READAHEAD:
	case FS_OP_PUNCH_HOLE:
	case FS_OP_ZERO_RANGE:
		/* inside the file: a mapped access past EOF would be SIGBUS,
		 * and size changes are left to the ops that make them */
		if (i_size == 0)
			return false;
		off %= i_size;
		len = min(len, i_size - off);
		break;
	case FS_OP_DIO_READ:
		if (i_size == 0)
			return false;
		off = round_down(off % i_size, bs);
		len = max(round_down(len, bs), (uint64_t)bs);
		len = min(len, round_up(i_size, bs) - off);
		break;
	case FS_OP_DIO_WRITE:
		end = round_down(cap, bs);
		off = round_down(off, bs);
		if (off >= end)
			return false;
		len = max(round_down(len, bs), (uint64_t)bs);
		len = min(len, end - off);
		break;
	case FS_OP_WRITE:
	case FS_OP_FALLOCATE:
		if (off >= cap)
			return false;
		len = min(len, cap - off);
		break;
	case FS_OP_TRUNCATE:
		off = min(off, cap);
		len = 0;
		break;
	case FS_OP_COLLAPSE_RANGE:
		/* offset + len < i_size, both block multiples, len >= 1 block:
		 * the range ends at or before the last block boundary below
		 * i_size */
		end = i_size ? round_down(i_size - 1, bs) : 0;
		if (end < bs)
			return false;
		off = round_down(off % end, bs);
		len = max(round_down(len, bs), (uint64_t)bs);
		len = min(len, end - off);
		break;
	case FS_OP_INSERT_RANGE:
		if (i_size == 0)
			return false;
		off = round_down(off % i_size, bs);
		len = max(round_down(len, bs), (uint64_t)bs);
		if (i_size + len > cap)
			return false;
		break;
	case FS_OP_FSYNC:
		off = 0;
		len = 0;
		break;
	default:
		SIM_BUG_ON(1);
	}
	op->offset = off;
	op->len = len;
	return true;
}

/* ---- statistics ------------------------------------------------------------------ */

void fs_wl_stats_init(struct fs_wl_stats *s)
{
	*s = (struct fs_wl_stats){ .fsx_first_time = -1 };
	for (unsigned i = 0; i < FS_NR_OPS; i++)
		sim_hist_init(&s->lat[i]);
}

void fs_wl_stats_destroy(struct fs_wl_stats *s)
{
	g_free(s->fsx_first);
	s->fsx_first = NULL;
}

/* ---- tasks ------------------------------------------------------------------------ */

void fs_wl_task_init(struct fs_wl_task *t, struct fs_wl_job *job,
		     unsigned index, unsigned ntasks, uint64_t seed,
		     uint64_t replica, struct fs_wl_stats *stats)
{
	uint64_t who = ((uint64_t)job->index << 32) | index;

	*t = (struct fs_wl_task){
		.job = job,
		.index = index,
		.stats = stats,
	};
	fs_task_state_init(&t->ts);
	sim_rng_seed(&t->rng_op, seed, replica, who, sim_rng_purpose("op"));
	sim_rng_seed(&t->rng_off, seed, replica, who, sim_rng_purpose("offset"));
	sim_rng_seed(&t->rng_len, seed, replica, who, sim_rng_purpose("len"));
	sim_rng_seed(&t->rng_think, seed, replica, who, sim_rng_purpose("think"));
	fs_wl_offset_init(&t->off, job->off_kind, job->off_param,
			  job->file->size, index, ntasks);
}

void fs_wl_task_destroy(struct fs_wl_task *t)
{
	g_free(t->name);
	t->name = NULL;
}

/* ---- issuing operations ------------------------------------------------------------
 * One function per op kind, calling the kernel entry point the op stands
 * for; NULL while that path is not in the build (create() then rejects
 * the op).  Each returns 0 or -errno (what the system call would).
 */
typedef int (*fs_wl_issue_fn)(struct fs_wl_task *t, const struct fs_wl_op *op);

static const fs_wl_issue_fn issue[FS_NR_OPS] = {
	[FS_OP_MMAP_READ] = NULL,        /* faults: mm_sim_user_load */
	[FS_OP_MMAP_WRITE] = NULL,       /* faults: mm_sim_user_store */
	[FS_OP_READ] = NULL,             /* faults: ext4_sim_read */
	[FS_OP_WRITE] = NULL,            /* writes: ext4_file_write_iter */
	[FS_OP_READAHEAD] = NULL,        /* faults: sys_readahead */
	[FS_OP_DIO_READ] = NULL,         /* writes/faults: DIO */
	[FS_OP_DIO_WRITE] = NULL,
	[FS_OP_PUNCH_HOLE] = NULL,       /* removes: ext4_fallocate */
	[FS_OP_ZERO_RANGE] = NULL,
	[FS_OP_COLLAPSE_RANGE] = NULL,
	[FS_OP_INSERT_RANGE] = NULL,
	[FS_OP_FALLOCATE] = NULL,
	[FS_OP_TRUNCATE] = NULL,         /* removes: ext4_setattr */
	[FS_OP_FSYNC] = NULL,            /* writes: ext4_sync_file */
	[FS_OP_MADVISE_DONTNEED] = NULL, /* faults: sys_madvise */
};

bool fs_wl_op_supported(enum fs_op op)
{
	return (unsigned)op < FS_NR_OPS && issue[op] != NULL;
}

enum fs_op fs_wl_fsx_op(enum fsx_op_kind k)
{
	static const enum fs_op map[FSX_NR_OPS] = {
		[FSX_READ] = FS_OP_READ,
		[FSX_WRITE] = FS_OP_WRITE,
		[FSX_MAPREAD] = FS_OP_MMAP_READ,
		[FSX_MAPWRITE] = FS_OP_MMAP_WRITE,
		[FSX_TRUNCATE] = FS_OP_TRUNCATE,
		[FSX_FALLOCATE] = FS_OP_FALLOCATE,
		[FSX_PUNCH_HOLE] = FS_OP_PUNCH_HOLE,
		[FSX_ZERO_RANGE] = FS_OP_ZERO_RANGE,
		[FSX_COLLAPSE_RANGE] = FS_OP_COLLAPSE_RANGE,
		[FSX_INSERT_RANGE] = FS_OP_INSERT_RANGE,
		[FSX_FSYNC] = FS_OP_FSYNC,
	};

	SIM_BUG_ON((unsigned)k >= FSX_NR_OPS);
	return map[k];
}

/* Issue op and record its latency. */
static int wl_issue(struct fs_wl_task *t, const struct fs_wl_op *op)
{
	sim_time_t t0 = sim_task_now(t->task);
	int ret;

	SIM_BUG_ON(!issue[op->kind]);
	t->seq++;
	ret = issue[op->kind](t, op);
	sim_hist_record(&t->stats->lat[op->kind], sim_task_now(t->task) - t0);
	t->stats->done[op->kind]++;
	if (ret < 0)
		t->stats->failed[op->kind]++;
	return ret;
}

static sim_time_t wl_think(struct fs_wl_task *t)
{
	double v = sim_dist_sample(&t->job->cfg->think, &t->rng_think);

	return v > 0 ? (sim_time_t)(v + 0.5) : 0;
}

/* The mix, forever (the world stops at the job's duration). */
static void wl_run_mix(struct fs_wl_task *t)
{
	struct fs_wl_job *job = t->job;
	struct inode *inode = job->file->inode;
	unsigned bs = inode->i_sb->s_blocksize;

	for (;;) {
		unsigned k = sim_choice_pick(&job->mix, &t->rng_op);
		double len = sim_dist_sample(&job->cfg->len, &t->rng_len);
		struct fs_wl_op op = {
			.kind = job->ops[k],
			.len = len >= 1 ? (uint64_t)(len + 0.5) : 1,
		};
		sim_time_t think;

		op.offset = fs_wl_offset_next(&t->off, &t->rng_off, op.len);
		think = wl_think(t);
		if (fs_wl_op_fit(&op, (uint64_t)i_size_read(inode),
				 job->file->cap, bs)) {
			wl_issue(t, &op);
		} else {
			/* the kernel would have refused it at syscall entry:
			 * charge that (and never loop at a standstill) */
			t->stats->skipped[op.kind]++;
			sim_task_delay(t->task,
				       max(EXT4_SB(inode->i_sb)->s_costs->syscall_entry,
					   (sim_time_t)1));
		}
		if (think > 0)
			sim_task_sleep(t->task, think);
	}
}

void fs_wl_task_main(struct sim_task *task, void *arg)
{
	struct fs_wl_task *t = arg;

	SIM_BUG_ON(t->task != task);
	if (t->job->cfg->start_delay > 0)
		sim_task_sleep(task, t->job->cfg->start_delay);
	if (t->job->fsx)
		SIM_BUG_ON(1);  /* replay: not yet (its ops' paths are not in) */
	else
		wl_run_mix(t);
}
