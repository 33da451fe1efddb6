/* fs/workload/workload.c — the workload driver: a task per numjobs of each job
 * section, drawing operations from the job's weighted mix (or replaying an
 * fsx log, fs/workload/fsx.c) and issuing them through the modelled kernel's entry
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

#include "fs/workload/workload.h"
#include "fs/block/disk.h"
#include "fs/ext4/ext4.h"
#include "fs/ext4/ext4_map.h"
#include "fs/ext4/file.h"
#include "fs/ext4/truncate.h"
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

static void wl_fsx_free(struct wl_fsx *x);

void fs_wl_task_destroy(struct fs_wl_task *t)
{
	/* after the world stopped: unmapping needs no task (no costs, no
	 * locks are taken outside a task) */
	if (t->mm)
		mmput(t->mm);
	t->mm = NULL;
	t->vma = NULL;
	g_free(t->file);
	t->file = NULL;
	g_free(t->name);
	t->name = NULL;
	/* a replay the world stopped in the middle of */
	wl_fsx_free(t->fsx);
	t->fsx = NULL;
}

/* open(2) + mmap(2) of the whole file up to its cap, once per task. */
static void wl_open(struct fs_wl_task *t)
{
	struct fs_wl_job *job = t->job;
	struct inode *inode = job->file->inode;

	t->file = g_new0(struct file, 1);
	ext4_sim_file_open(t->file, inode);
	if (job->uses_mmap) {
		t->mm = mm_alloc(inode->i_mapping->mm_sim);
		t->vma = ext4_sim_mmap(t->mm, t->file, 0,
				       DIV_ROUND_UP(job->file->cap, PAGE_SIZE),
				       job->cfg->mmap == FS_MMAP_SHARED, true);
	}
}

static unsigned long wl_addr(const struct fs_wl_task *t, uint64_t off)
{
	return t->vma->vm_start + (unsigned long)off;
}

/* A fault's error bits as the errno a signal handler would report. */
static int wl_fault_errno(int bits)
{
	return bits ? -EFAULT : 0;
}

/* A stamp for the data of a mapped store (byte k of the store is byte k
 * of the stamp); write(2) and DIO writes get theirs from the write path. */
static sim_stamp_t wl_stamp(struct fs_wl_task *t, uint64_t off, uint64_t len)
{
	return ext4_sim_new_stamp(t->job->file->inode, (loff_t)off,
				  (uint32_t)len, SIM_STAMP_MMAP, t->seq);
}

/* ---- issuing operations ------------------------------------------------------------
 * One function per op kind, calling the kernel entry point the op stands
 * for; NULL while that path is not in the build (create() then rejects
 * the op).  Each returns 0 or -errno (what the system call would).
 */
typedef int (*fs_wl_issue_fn)(struct fs_wl_task *t, const struct fs_wl_op *op);

/* A user load through the task's mapping; the oracle checks each page's
 * bytes as the load reads them (mm_sim_user_load reports them). */
static int wl_mmap_read(struct fs_wl_task *t, const struct fs_wl_op *op)
{
	return wl_fault_errno(mm_sim_user_load(t->mm, wl_addr(t, op->offset),
					       (uint32_t)op->len, NULL));
}

static int wl_mmap_write(struct fs_wl_task *t, const struct fs_wl_op *op)
{
	sim_stamp_t s = wl_stamp(t, op->offset, op->len);

	return wl_fault_errno(mm_sim_user_store(t->mm, wl_addr(t, op->offset),
						(uint32_t)op->len, s));
}

/* pread(2); the bytes go to the oracle under the read's token. */
static int wl_read(struct fs_wl_task *t, const struct fs_wl_op *op)
{
	loff_t pos = (loff_t)op->offset;
	ssize_t ret = ext4_sim_read(t->file, &pos, op->len, NULL, NULL);

	return ret < 0 ? (int)ret : 0;
}

static int wl_write(struct fs_wl_task *t, const struct fs_wl_op *op)
{
	ssize_t ret = ext4_sim_sys_write(t->file, (loff_t)op->offset, op->len,
					 false, false, t->seq, NULL);

	return ret < 0 ? (int)ret : 0;
}

static int wl_dio_read(struct fs_wl_task *t, const struct fs_wl_op *op)
{
	ssize_t ret = ext4_sim_sys_dio_read(t->file, (loff_t)op->offset,
					    op->len, t->seq, NULL, NULL);

	return ret < 0 ? (int)ret : 0;
}

static int wl_dio_write(struct fs_wl_task *t, const struct fs_wl_op *op)
{
	ssize_t ret = ext4_sim_sys_write(t->file, (loff_t)op->offset, op->len,
					 true, false, t->seq, NULL);

	return ret < 0 ? (int)ret : 0;
}

static int wl_fsync(struct fs_wl_task *t, const struct fs_wl_op *op)
{
	(void)op;
	return ext4_sim_sys_fsync(t->file, 0, LLONG_MAX, false);
}

static int wl_fallocate_mode(struct fs_wl_task *t, const struct fs_wl_op *op,
			     int mode)
{
	return (int)vfs_fallocate(t->file, mode, (loff_t)op->offset,
				  (loff_t)op->len);
}

static int wl_punch_hole(struct fs_wl_task *t, const struct fs_wl_op *op)
{
	return wl_fallocate_mode(t, op,
				 FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE);
}

/* Inside EOF (the fit keeps it there), so KEEP_SIZE changes nothing. */
static int wl_zero_range(struct fs_wl_task *t, const struct fs_wl_op *op)
{
	return wl_fallocate_mode(t, op, FALLOC_FL_ZERO_RANGE);
}

static int wl_collapse_range(struct fs_wl_task *t, const struct fs_wl_op *op)
{
	return wl_fallocate_mode(t, op, FALLOC_FL_COLLAPSE_RANGE);
}

static int wl_insert_range(struct fs_wl_task *t, const struct fs_wl_op *op)
{
	return wl_fallocate_mode(t, op, FALLOC_FL_INSERT_RANGE);
}

/* Plain allocation, growing the size like fallocate(fd, 0, ...). */
static int wl_fallocate(struct fs_wl_task *t, const struct fs_wl_op *op)
{
	return wl_fallocate_mode(t, op, 0);
}

static int wl_truncate(struct fs_wl_task *t, const struct fs_wl_op *op)
{
	return do_truncate(t->job->file->inode, (loff_t)op->offset);
}

static int wl_readahead(struct fs_wl_task *t, const struct fs_wl_op *op)
{
	return (int)sys_readahead(t->file, (loff_t)op->offset, op->len);
}

static int wl_madvise_dontneed(struct fs_wl_task *t, const struct fs_wl_op *op)
{
	return sys_madvise(t->mm, wl_addr(t, op->offset), op->len,
			   MADV_DONTNEED);
}

static const fs_wl_issue_fn issue[FS_NR_OPS] = {
	[FS_OP_MMAP_READ] = wl_mmap_read,
	[FS_OP_MMAP_WRITE] = wl_mmap_write,
	[FS_OP_READ] = wl_read,
	[FS_OP_WRITE] = wl_write,
	[FS_OP_READAHEAD] = wl_readahead,
	[FS_OP_DIO_READ] = wl_dio_read,
	[FS_OP_DIO_WRITE] = wl_dio_write,
	[FS_OP_PUNCH_HOLE] = wl_punch_hole,
	[FS_OP_ZERO_RANGE] = wl_zero_range,
	[FS_OP_COLLAPSE_RANGE] = wl_collapse_range,
	[FS_OP_INSERT_RANGE] = wl_insert_range,
	[FS_OP_FALLOCATE] = wl_fallocate,
	[FS_OP_TRUNCATE] = wl_truncate,
	[FS_OP_FSYNC] = wl_fsync,
	[FS_OP_MADVISE_DONTNEED] = wl_madvise_dontneed,
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

/* One CPU cycle: what a turn of a task's loop (draw, op, think) costs at
 * least once think times are too short to hide it.  The model prices the
 * user's own instructions between ops at zero, and a mapped load or store
 * that hits a present PTE too (so may any op, with [costs] at zero).  With
 * think times of microseconds that is a fine approximation, and a turn
 * that happens to take no time (a think drawn below half a nanosecond, a
 * cached mapped access) costs nothing, as always.  With think times below
 * a nanosecond on average (think = fixed:0: ops back to back) it is not:
 * such turns would stop the clock for good — simulated time never reaches
 * the job's duration (issue 11 finding 3) — where a real CPU spends at
 * least a cycle per turn.  So for such a job (think's mean below 1 ns, or
 * undefined) a turn that took no time is charged this much.  Op latencies
 * exclude it. */
#define WL_SIM_TURN_MIN_NS ((sim_time_t)1)

/* The charge for a turn that took no time (0: none, think moves time). */
static sim_time_t wl_turn_min(const struct fs_wl_job *job)
{
	return sim_dist_mean(&job->cfg->think) >= 1.0 ? 0 : WL_SIM_TURN_MIN_NS;
}

/* The mix, forever (the world stops at the job's duration). */
static void wl_run_mix(struct fs_wl_task *t)
{
	struct fs_wl_job *job = t->job;
	struct inode *inode = job->file->inode;
	unsigned bs = inode->i_sb->s_blocksize;
	sim_time_t turn_min = wl_turn_min(job);

	while (!job->stop) {
		/* ops may cost no simulated time: a ^C must still land */
		sim_task_check_interrupt(t->task);
		unsigned k = sim_choice_pick(&job->mix, &t->rng_op);
		double len = sim_dist_sample(&job->cfg->len, &t->rng_len);
		struct fs_wl_op op = {
			.kind = job->ops[k],
			.len = len >= 1 ? (uint64_t)(len + 0.5) : 1,
		};
		sim_time_t think, t0 = sim_task_now(t->task);

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
				       max(inode->i_sb->s_costs->syscall_entry,
					   (sim_time_t)1));
		}
		if (think > 0)
			sim_task_sleep(t->task, think);
		else if (turn_min && sim_task_now(t->task) == t0)
			sim_task_delay(t->task, turn_min);
	}
}

/* ---- fsx replay -------------------------------------------------------------------
 * fsx's loop (ltp/fsx.c test()): each log op is trimmed and skipped by
 * fsx's rules (fsx_model_plan), issued as the system calls fsx makes, and
 * checked the way fsx checks: every byte a read or mapped read returns
 * against fsx's model (check_buffers), the bytes past EOF in the mapped EOF
 * page against zero (check_eofpage), and a failing call or a size that
 * differs from fsx's file_size (report_failure).  Each op with a finding
 * counts one fsx_mismatch; the first is explained.  The checks run only
 * when no other job changes the file (job->fsx_check).
 */
struct wl_fsx {
	struct fs_wl_task *t;
	struct fsx_model m;
	const struct fsx_op *op;
	unsigned opi;               /* index of op in the log */
	sim_stamp_t stamp;          /* the op's write data, or 0 */
	bool found;                 /* this op already counted */
	struct sim_contents load;   /* what a mapped read returned */
};

static void wl_fsx_observe(struct wl_fsx *x, loff_t pos,
			   const struct sim_contents *src, uint32_t soff,
			   uint32_t len)
{
	const struct fs_wl_fsx_observer *obs = x->t->job->fsx_obs;

	if (obs && obs->data)
		obs->data(obs->ctx, x->opi, pos, src, soff, len);
}

static void wl_fsx_free(struct wl_fsx *x)
{
	if (!x)
		return;
	fsx_model_destroy(&x->m);
	sim_contents_destroy(&x->load);
	g_free(x);
}

G_GNUC_PRINTF(2, 3)
static void wl_fsx_mismatch(struct wl_fsx *x, const char *fmt, ...)
{
	struct fs_wl_stats *st = x->t->stats;
	struct sim_note notes[24];
	char optext[128];
	GString *text;
	unsigned n;
	va_list ap;
	char *msg;

	if (!x->t->job->fsx_check || x->found)
		return;
	x->found = true;
	st->fsx_mismatches++;
	if (st->fsx_first)
		return;
	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	fsx_op_format(x->op, optext, sizeof(optext));
	st->fsx_first_time = sim_task_now(x->t->task);
	text = g_string_new(NULL);
	g_string_append_printf(text,
		"fsx_mismatch at %.3f us: task %s replaying %s:%u '%s': %s\n",
		(double)st->fsx_first_time / SIM_USEC, x->t->name,
		x->t->job->fsx->name, x->op->line, optext, msg);
	/* the replaying task's recent steps, oldest first */
	n = sim_task_notes(x->t->task, notes, G_N_ELEMENTS(notes));
	for (unsigned i = 0; i < n; i++)
		g_string_append_printf(text, "  %12.3fus  %s %s %s\n",
				       (double)notes[i].time / SIM_USEC,
				       notes[i].func ? notes[i].func : "",
				       notes[i].what ? notes[i].what : "",
				       notes[i].obj ? notes[i].obj : "");
	st->fsx_first = g_string_free(text, FALSE);
	g_free(msg);
}

static void wl_fsx_check(struct wl_fsx *x, loff_t pos,
			 const struct sim_contents *src, uint32_t soff,
			 uint32_t len, const char *via)
{
	struct inode *inode = x->t->job->file->inode;
	const struct sim_stamp_table *tab =
		&EXT4_SB(inode->i_sb)->s_disk->stamps;
	int64_t bad = fsx_model_compare(&x->m, (uint64_t)pos, src, soff, len);
	char got[160], want[160];
	uint64_t worig;
	uint32_t gorig;
	sim_stamp_t gs, ws;

	wl_fsx_observe(x, pos, src, soff, len);
	if (bad < 0)
		return;
	gs = sim_contents_at(src, soff + (uint32_t)(bad - pos), &gorig);
	ws = fsx_model_at(&x->m, (uint64_t)bad, &worig);
	if (gs)
		sim_stamp_format(tab, gs, got, sizeof(got));
	else
		g_strlcpy(got, "zero", sizeof(got));
	if (ws)
		sim_stamp_format(tab, ws, want, sizeof(want));
	else
		g_strlcpy(want, "zero", sizeof(want));
	wl_fsx_mismatch(x, "%s: byte 0x%" G_GINT64_MODIFIER "x is %s byte %u, fsx expects %s byte %" G_GUINT64_FORMAT,
			via, bad, got, gorig, want, worig);
}

static void wl_fsx_sink(void *ctx, loff_t pos, const struct sim_contents *src,
			uint32_t soff, uint32_t len)
{
	wl_fsx_check(ctx, pos, src, soff, len, "read");
}

/* Mapped loads of [off, off + len), at most a contents object at a time. */
static void wl_fsx_mapread(struct wl_fsx *x, uint64_t off, uint64_t len,
			   const char *via)
{
	struct fs_wl_task *t = x->t;

	while (len) {
		uint32_t n = (uint32_t)min(len, (uint64_t)SIM_CONTENTS_MAX_SIZE);
		int bits;

		/* x->load, not a local: the load may fault and sleep with
		 * pages already copied in (heap runs), and the world may
		 * stop there (issue 11 finding 7: LeakSanitizer). */
		sim_contents_init(&x->load, n);
		bits = mm_sim_user_load(t->mm, wl_addr(t, off), n, &x->load);
		if (bits)
			wl_fsx_mismatch(x, "%s: mapped load at 0x%" G_GINT64_MODIFIER "x faulted (VM_FAULT 0x%x)",
					via, off, bits);
		else
			wl_fsx_check(x, (loff_t)off, &x->load, 0, n, via);
		sim_contents_destroy(&x->load);
		off += n;
		len -= n;
	}
}

/* check_eofpage: bytes past EOF in the mapped EOF page read zero. */
static void wl_fsx_eofpage(struct wl_fsx *x, uint64_t off, uint64_t len,
			   const char *via)
{
	uint64_t fs = x->m.file_size;
	uint32_t tail = (uint32_t)(round_up(fs, PAGE_SIZE) - fs);
	struct sim_contents dst;
	int bits;

	if (off + len <= round_down(fs, PAGE_SIZE) || tail == 0)
		return;
	sim_contents_init(&dst, tail);
	bits = mm_sim_user_load(x->t->mm, wl_addr(x->t, fs), tail, &dst);
	if (bits)
		wl_fsx_mismatch(x, "%s: load past EOF in the EOF page faulted (VM_FAULT 0x%x)",
				via, bits);
	else if (!sim_contents_is_zero(&dst, 0, tail))
		wl_fsx_mismatch(x, "%s: non-zero data past EOF (0x%" G_GINT64_MODIFIER "x) in the mapped EOF page",
				via, fs);
	if (!bits)
		wl_fsx_observe(x, (loff_t)fs, &dst, 0, tail);
	sim_contents_destroy(&dst);
}

static void wl_fsx_ret(struct wl_fsx *x, long ret, const char *call)
{
	if (ret < 0)
		wl_fsx_mismatch(x, "%s failed: %s", call, g_strerror((int)-ret));
}

/* One log op: issue, then fsx's model. */
static void wl_fsx_step(struct wl_fsx *x, const struct fsx_step *st)
{
	struct fs_wl_task *t = x->t;
	struct file *file = t->file;
	struct inode *inode = t->job->file->inode;
	uint64_t off = st->offset, len = st->length;
	sim_stamp_t stamp = 0;
	ssize_t ret;
	int mode = st->keep_size ? FALLOC_FL_KEEP_SIZE : 0;

	switch (st->kind) {
	case FSX_READ: {
		loff_t pos = (loff_t)off;

		ret = ext4_sim_read(file, &pos, len, wl_fsx_sink, x);
		wl_fsx_ret(x, ret, "read");
		if (ret >= 0 && (uint64_t)ret != len)
			wl_fsx_mismatch(x, "short read: 0x%zx bytes instead of 0x%" G_GINT64_MODIFIER "x",
					(size_t)ret, len);
		break;
	}
	case FSX_MAPREAD:
		wl_fsx_mapread(x, off, len, "mapread");
		wl_fsx_eofpage(x, off, len, "mapread");
		break;
	case FSX_WRITE:
		ret = ext4_sim_sys_write(file, (loff_t)off, len, false, false,
					 t->seq, &stamp);
		wl_fsx_ret(x, ret, "write");
		if (ret >= 0 && (uint64_t)ret != len)
			wl_fsx_mismatch(x, "short write: 0x%zx bytes instead of 0x%" G_GINT64_MODIFIER "x",
					(size_t)ret, len);
		break;
	case FSX_MAPWRITE: {
		uint64_t pg = round_down(off, PAGE_SIZE);
		int bits;

		/* domapwrite: ftruncate up first, store, msync(MS_SYNC) */
		if (st->grows && (uint64_t)i_size_read(inode) < st->size_after)
			wl_fsx_ret(x, do_truncate(inode, (loff_t)st->size_after),
				   "mapwrite: ftruncate");
		stamp = wl_stamp(t, off, len);
		bits = mm_sim_user_store(t->mm, wl_addr(t, off), (uint32_t)len,
					 stamp);
		if (bits)
			wl_fsx_mismatch(x, "mapwrite: store faulted (VM_FAULT 0x%x)",
					bits);
		wl_fsx_ret(x, ext4_sim_sys_fsync(file, (loff_t)pg,
						 (loff_t)(off + len - 1), true),
			   "mapwrite: msync");
		break;
	}
	case FSX_TRUNCATE:
		wl_fsx_ret(x, do_truncate(inode, (loff_t)len), "ftruncate");
		break;
	case FSX_FALLOCATE:
		wl_fsx_ret(x, vfs_fallocate(file, mode, (loff_t)off, (loff_t)len),
			   "fallocate");
		break;
	case FSX_PUNCH_HOLE:
		wl_fsx_ret(x, vfs_fallocate(file, FALLOC_FL_PUNCH_HOLE |
					    FALLOC_FL_KEEP_SIZE, (loff_t)off,
					    (loff_t)len), "punch hole");
		break;
	case FSX_ZERO_RANGE:
		wl_fsx_ret(x, vfs_fallocate(file, FALLOC_FL_ZERO_RANGE | mode,
					    (loff_t)off, (loff_t)len),
			   "zero range");
		break;
	case FSX_COLLAPSE_RANGE:
		wl_fsx_ret(x, vfs_fallocate(file, FALLOC_FL_COLLAPSE_RANGE,
					    (loff_t)off, (loff_t)len),
			   "collapse range");
		break;
	case FSX_INSERT_RANGE:
		wl_fsx_ret(x, vfs_fallocate(file, FALLOC_FL_INSERT_RANGE,
					    (loff_t)off, (loff_t)len),
			   "insert range");
		break;
	case FSX_FSYNC:
		wl_fsx_ret(x, ext4_sim_sys_fsync(file, 0, LLONG_MAX, false),
			   "fsync");
		break;
	default:
		SIM_BUG_ON(1);
	}
	if (st->kind == FSX_WRITE || st->kind == FSX_MAPWRITE) {
		if (!stamp)  /* the write failed outright: fsx would stop */
			return;
	}
	x->stamp = stamp;
	fsx_model_apply(&x->m, st, stamp);
	if (st->kind == FSX_MAPWRITE)
		wl_fsx_eofpage(x, off, len, "mapwrite");
	if ((uint64_t)i_size_read(inode) != x->m.file_size)
		wl_fsx_mismatch(x, "i_size 0x%" G_GINT64_MODIFIER "x, fsx's file_size 0x%" G_GINT64_MODIFIER "x",
				i_size_read(inode), x->m.file_size);
}

static void wl_run_fsx(struct fs_wl_task *t)
{
	struct fs_wl_job *job = t->job;
	struct fs_wl_file *f = job->file;
	struct inode *inode = f->inode;
	const struct fs_wl_fsx_observer *obs = job->fsx_obs;
	struct wl_fsx *x = g_new0(struct wl_fsx, 1);

	/* The task owns the replay's memory (see struct fs_wl_task). */
	t->fsx = x;
	x->t = t;
	/* fsx's maxfilelen is the file's size; its good_buf starts as the
	 * file does */
	fsx_model_init(&x->m, f->size, inode->i_sb->s_blocksize);
	fsx_model_set_size(&x->m, f->initial_size);
	for (unsigned i = 0; i < f->npieces; i++)
		fsx_model_fill(&x->m, f->pieces[i].off, f->pieces[i].len,
			       f->pieces[i].stamp);
	for (unsigned i = 0; i < job->fsx->n && !job->stop; i++) {
		struct fsx_step st;
		enum fs_op kind;
		sim_time_t t0, think;

		x->op = &job->fsx->ops[i];
		x->opi = i;
		x->stamp = 0;
		x->found = false;
		fsx_model_plan(&x->m, x->op, &st);
		think = wl_think(t);
		t->stats->fsx_ops++;
		if (st.skip) {
			/* fsx did not run it either: skipped like a mix op
			 * that does not fit */
			t->stats->fsx_skipped++;
			t->stats->skipped[fs_wl_fsx_op(x->op->kind)]++;
			if (obs && obs->op_end)
				obs->op_end(obs->ctx, i, &st, 0);
			continue;
		}
		kind = fs_wl_fsx_op(st.kind);
		t0 = sim_task_now(t->task);
		t->seq++;
		wl_fsx_step(x, &st);
		sim_hist_record(&t->stats->lat[kind], sim_task_now(t->task) - t0);
		t->stats->done[kind]++;
		if (obs && obs->op_end)
			obs->op_end(obs->ctx, i, &st, x->stamp);
		if (think > 0)
			sim_task_sleep(t->task, think);
	}
	t->fsx = NULL;
	wl_fsx_free(x);
	if (obs && obs->end)
		obs->end(obs->ctx, t);
}

void fs_wl_task_main(struct sim_task *task, void *arg)
{
	struct fs_wl_task *t = arg;

	SIM_BUG_ON(t->task != task);
	if (t->job->cfg->start_delay > 0)
		sim_task_sleep(task, t->job->cfg->start_delay);
	wl_open(t);
	if (t->job->fsx)
		wl_run_fsx(t);
	else
		wl_run_mix(t);
	t->exited = true;
}
