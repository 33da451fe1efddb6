/* fs/workload/model.c — the ext4 model's sim_model_ops (sim/engine/model.h): world set-up
 * from a resolved config, and the job result (docs/design.md §1).
 *
 * Set-up, in create():
 *   1. mount (fs/ext4/super.c ext4_sim_mount) from [global]: geometry,
 *      journal, data mode, delalloc, dax, commit interval, device profile
 *      with the configured queue depth; kjournald2 starts at mount;
 *   2. the strategy (fs/ext4/locking.h), the [costs] section, the oracle
 *      (fs/oracle/oracle.h), the page cache (fs/mm.h) with its page budget;
 *   3. each file section's inode, built by a set-up task that the world
 *      runs to completion before create() returns (it takes no simulated
 *      time: no IO, no journal handles), through the real extent tree and
 *      allocator (ext4_ext_map_blocks with EXT4_GET_BLOCKS_CREATE):
 *        dense         every block allocated and written
 *        sparse:F      F of the file allocated, in 16-block units spread
 *                      evenly (unit u allocated iff floor((u+1)F) >
 *                      floor(uF)), the rest holes
 *        fragmented:N  every block allocated, in N extents of (nearly)
 *                      equal length, with a free block between
 *                      neighbours on disk (so they cannot merge)
 *        empty         i_size 0 (an fsx replay's `touch`ed file)
 *      Allocated blocks carry an initial stamp on disk and in the oracle's
 *      shadow (SIM_STAMP_INITIAL, one per mapped extent).  The files
 *      existed before mount: the set-up runs without a journal handle and
 *      the metadata it dirtied (tree nodes, bitmaps, descriptors) is then
 *      marked clean, as if mke2fs and the writes that made the files had
 *      reached the disk before the run;
 *   4. numjobs tasks per job section (fs/workload/workload.c), each with its own
 *      fs_task_state, seeded per (seed, replica, job section, task) —
 *      never the strategy — so replica r of every strategy draws the same
 *      operations (common random numbers).
 *
 * finish(): the oracle's end-of-job checks (lost writes, fsck), then the
 * job result: latency histograms per op kind, violations per kind with the
 * first explanation and detection time, ops skipped per kind, lock_stat
 * copies.  The lock-hold timeline of the first [global] timeline window is
 * recorded by the runner (sim/run/runner.c owns the world's tracer); the model
 * only gives the window (model_timeline).
 *
 * Not done here: the flusher and other writeback daemons come with the
 * write paths; a clean unmount (journal detach) is not
 * run — destroy() frees memory, since a finished job's tasks are stopped
 * mid-operation.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "fs/workload/model.h"
#include "fs/block/disk.h"
#include "fs/mm.h"
#include "fs/oracle/oracle.h"
#include "fs/ext4/ext4_extents.h"
#include "fs/ext4/ext4_map.h"
#include "fs/ext4/file.h"
#include "fs/ext4/locking.h"
#include "fs/ext4/mballoc.h"

#define SPARSE_UNIT 16u   /* blocks per sparse layout unit */

struct ext4_model {
	struct sim_world *w;
	struct sim_job_id id;
	const struct ext4_lock_ops *lock_ops;
	sim_time_t duration;
	sim_time_t t0;                    /* clock when set-up ended */
	struct fs_costs costs;            /* sb->s_costs points here */
	struct super_block *sb;
	struct mm_sim *mm;
	struct fs_oracle *oracle;
	bool writes;                      /* ext4_sim_writes_init done */
	unsigned nfiles;
	struct fs_wl_file *files;
	GArray **initial;                 /* per file: struct fs_wl_piece */
	char **layouts;                   /* per file */
	unsigned njobs;
	struct fs_wl_job *jobs;
	unsigned ntasks;
	struct fs_wl_task *tasks;
	struct fs_wl_stats stats;
	/* set-up task */
	struct fs_task_state setup_ts;
	bool setup_done;
	GError *setup_err;
	sim_time_t tl_len;                /* [global] timeline: the window */
	/* unmount task (ext4_model_unmount) */
	struct fs_task_state umount_ts;
	bool umount_done;
	int umount_err;
	bool tasks_exited;
};

/* ---- the initial layout --------------------------------------------------------- */

/* Map [lblk, lblk + n) with allocation, write the initial stamps.  In the
 * set-up task, i_data_sem held for write. */
static int layout_map(struct ext4_model *m, struct fs_wl_file *f,
		      GArray *pieces, ext4_lblk_t lblk, unsigned n,
		      uint64_t size, ext4_fsblk_t *last)
{
	struct inode *inode = f->inode;
	struct ext4_sb_info *sbi = EXT4_SB(inode->i_sb);
	unsigned bs = inode->i_sb->s_blocksize;
	ext4_lblk_t l = lblk;

	while (l < lblk + n) {
		struct ext4_map_blocks map = {
			.m_lblk = l,
			.m_len = min(lblk + n - l, EXT_INIT_MAX_LEN),
		};
		int ret = ext4_ext_map_blocks(NULL, inode, &map,
					      EXT4_GET_BLOCKS_CREATE);
		struct fs_wl_piece p;

		if (ret <= 0)
			return ret < 0 ? ret : -ENOSPC;
		p.off = (uint64_t)map.m_lblk * bs;
		p.len = min((uint64_t)map.m_len * bs, size - p.off);
		p.stamp = sim_stamp_new(&sbi->s_disk->stamps, inode->i_ino,
					(int64_t)p.off, (uint32_t)p.len,
					SIM_STAMP_INITIAL, 0, 0);
		/* every block written whole, bytes past EOF in the last one
		 * zero: recorded as one run, not block by block */
		ext4_sim_disk_write_initial(sbi->s_disk, map.m_pblk, map.m_len,
					    p.stamp, 0, p.len,
					    (uint32_t)inode->i_ino, map.m_lblk);
		fs_oracle_write(inode, (loff_t)p.off, p.len, p.stamp);
		g_array_append_val(pieces, p);
		*last = map.m_pblk + map.m_len - 1;
		l += (ext4_lblk_t)ret;
	}
	return 0;
}

/* A free block between two extents on disk: allocated now right after
 * `after`, freed once the file is built. */
static ext4_fsblk_t layout_spacer(struct inode *inode, ext4_fsblk_t after)
{
	struct ext4_allocation_request ar = {
		.inode = inode,
		.len = 1,
		.logical = 0,
		.goal = after + 1,
		.flags = EXT4_MB_HINT_DATA | EXT4_MB_HINT_TRY_GOAL,
	};
	int err;
	ext4_fsblk_t blk = ext4_mb_new_blocks(NULL, &ar, &err);

	return err ? 0 : blk;
}

static int layout_build(struct ext4_model *m, unsigned fi, GError **err)
{
	struct fs_wl_file *f = &m->files[fi];
	struct inode *inode = f->inode;
	struct ext4_inode_info *ei = EXT4_I(inode);
	const char *layout = m->layouts[fi];
	unsigned bs = inode->i_sb->s_blocksize;
	uint64_t size = f->size, blocks = DIV_ROUND_UP(size, bs);
	GArray *pieces = m->initial[fi];
	GArray *spacers = g_array_new(FALSE, FALSE, sizeof(ext4_fsblk_t));
	ext4_fsblk_t last = 0;
	struct ext4_sim_ext_census census;
	char why[256];
	int ret = 0;

	down_write(&ei->i_data_sem);
	ext4_ext_tree_init(NULL, inode);
	if (g_str_has_prefix(layout, "empty")) {
		size = 0;
	} else if (g_str_has_prefix(layout, "dense")) {
		ret = layout_map(m, f, pieces, 0, (unsigned)blocks, size, &last);
	} else if (g_str_has_prefix(layout, "sparse:")) {
		double frac = g_ascii_strtod(layout + 7, NULL);
		uint64_t units = DIV_ROUND_UP(blocks, SPARSE_UNIT);

		for (uint64_t u = 0; u < units && !ret; u++) {
			uint64_t lo = (uint64_t)(frac * (double)u);
			uint64_t hi = (uint64_t)(frac * (double)(u + 1));
			uint64_t b = u * SPARSE_UNIT;

			if (hi > lo)
				ret = layout_map(m, f, pieces, (ext4_lblk_t)b,
						 (unsigned)min(blocks - b,
							       (uint64_t)SPARSE_UNIT),
						 size, &last);
		}
	} else if (g_str_has_prefix(layout, "fragmented:")) {
		uint64_t n = g_ascii_strtoull(layout + 11, NULL, 10);

		if (n > blocks) {
			g_set_error(err, SIM_CFG_ERROR, SIM_CFG_ERROR_INVALID,
				    "[%s] layout: fragmented:%" G_GUINT64_FORMAT
				    " needs at least as many blocks, the file has %"
				    G_GUINT64_FORMAT, f->name, n, blocks);
			up_write(&ei->i_data_sem);
			g_array_free(spacers, TRUE);
			return -EINVAL;
		}
		for (uint64_t k = 0; k < n && !ret; k++) {
			uint64_t b = blocks * k / n, e = blocks * (k + 1) / n;

			ret = layout_map(m, f, pieces, (ext4_lblk_t)b,
					 (unsigned)(e - b), size, &last);
			if (!ret && k + 1 < n) {
				ext4_fsblk_t s = layout_spacer(inode, last);

				if (!s)
					ret = -ENOSPC;
				else
					g_array_append_val(spacers, s);
			}
		}
	} else {
		SIM_BUG_ON(1);  /* fs/workload/options.c validated the syntax */
	}
	for (unsigned i = 0; i < spacers->len; i++)
		ext4_free_blocks(NULL, inode, NULL,
				 g_array_index(spacers, ext4_fsblk_t, i), 1, 0);
	g_array_free(spacers, TRUE);
	ei->i_disksize = (loff_t)size;
	up_write(&ei->i_data_sem);
	i_size_write(inode, (loff_t)size);
	f->initial_size = size;
	f->npieces = pieces->len;
	f->pieces = (const struct fs_wl_piece *)(void *)pieces->data;
	if (ret) {
		g_set_error(err, SIM_CFG_ERROR, SIM_CFG_ERROR_INVALID,
			    "[%s] layout %s: %s (the file system is %s small?)",
			    f->name, layout, g_strerror(-ret),
			    ret == -ENOSPC ? "too" : "perhaps too");
		return ret;
	}
	down_read(&ei->i_data_sem);
	ret = ext4_sim_ext_check_tree(inode, EXT4_SIM_CHECK_DATA_OWNERS,
				      &census, why, sizeof(why));
	up_read(&ei->i_data_sem);
	SIM_BUG_ON(ret != 0);  /* a tree the extent code built is sound */
	return ext4_inode_attach_jinode(inode);
}

static void setup_task(struct sim_task *t, void *arg)
{
	struct ext4_model *m = arg;
	struct ext4_sim_meta *meta = EXT4_SB(m->sb)->s_meta;

	(void)t;
	for (unsigned i = 0; i < m->nfiles && !m->setup_err; i++)
		if (layout_build(m, i, &m->setup_err) && !m->setup_err)
			g_set_error(&m->setup_err, SIM_CFG_ERROR,
				    SIM_CFG_ERROR_INVALID, "[%s]: set-up failed",
				    m->files[i].name);
	/* everything above was on disk before mount */
	for (struct buffer_head *bh = ext4_sim_meta_next(meta, 0); bh;
	     bh = ext4_sim_meta_next(meta, bh->b_blocknr + 1))
		clear_buffer_dirty(bh);
	m->setup_done = true;
}

/* ---- create ------------------------------------------------------------------------ */

static bool has_item(char **list, const char *item)
{
	for (; list && *list; list++)
		if (strcmp(*list, item) == 0)
			return true;
	return false;
}

static void mount_opts_from(const struct sim_cfg *cfg, const struct fs_global *g,
			    struct ext4_sim_mount_opts *o,
			    struct blk_sim_profile *prof)
{
	static const char *const devices[] = { "nvme", "ssd", "hdd", "pmem" };
	const struct sim_cfg_section *gs = sim_cfg_lookup(cfg, "global");
	const struct blk_sim_profile *base;

	ext4_sim_mount_opts_default(o);
	o->blocksize = (unsigned)g->blocksize;
	o->size = g->fs_size;
	/* the table's default (32768) is mke2fs's for 4 KiB blocks; left
	 * unset, mke2fs's rule (8 x blocksize) applies to any block size */
	o->blocks_per_group = gs && sim_cfg_is_set(gs, "blocks_per_group") ?
			      (unsigned)g->blocks_per_group : 0;
	o->journal_blocks = g->journal_size / g->blocksize;
	o->journal = !has_item(g->mount, "nojournal");
	if (has_item(g->mount, "data=journal"))
		o->data = EXT4_SIM_DATA_JOURNAL;
	else if (has_item(g->mount, "data=writeback"))
		o->data = EXT4_SIM_DATA_WRITEBACK;
	else
		o->data = EXT4_SIM_DATA_ORDERED;
	/* delalloc is ext4's default; data=journal turns it off */
	o->delalloc = !has_item(g->mount, "nodelalloc") &&
		      (o->data != EXT4_SIM_DATA_JOURNAL ||
		       has_item(g->mount, "delalloc"));
	o->dax = has_item(g->mount, "dax");
	o->commit_interval = g->commit;
	base = blk_sim_profile_lookup(devices[g->device]);
	SIM_BUG_ON(!base);
	*prof = *base;
	prof->queue_depth = (unsigned)g->queue_depth;
	o->profile = prof;
}

/* Does job j only read its file (so an fsx replay beside it stays
 * checkable)? */
static bool job_reads_only(const struct fs_wl_job *j)
{
	if (j->fsx)
		return false;
	for (unsigned i = 0; i < j->nops; i++)
		switch (j->ops[i]) {
		case FS_OP_MMAP_READ:
		case FS_OP_READ:
		case FS_OP_READAHEAD:
		case FS_OP_DIO_READ:
		case FS_OP_FSYNC:
		case FS_OP_MADVISE_DONTNEED:
			break;
		default:
			return false;
		}
	return true;
}

static bool fsx_ops_supported(const struct fsx_log *log, char *buf,
			      size_t len)
{
	for (unsigned i = 0; i < log->n; i++) {
		const struct fsx_op *op = &log->ops[i];
		enum fs_op need[3] = { fs_wl_fsx_op(op->kind), FS_NR_OPS,
				       FS_NR_OPS };

		if (op->flags & FSX_FL_SKIPPED)
			continue;
		/* fsx's mapwrite: ftruncate up, store, msync(MS_SYNC) */
		if (op->kind == FSX_MAPWRITE) {
			need[1] = FS_OP_TRUNCATE;
			need[2] = FS_OP_FSYNC;
		}
		for (unsigned k = 0; k < 3; k++)
			if (need[k] != FS_NR_OPS && !fs_wl_op_supported(need[k])) {
				snprintf(buf, len, "%s:%u: %s needs op '%s', whose kernel path is not in this build yet",
					 log->name, op->line,
					 fsx_op_name(op->kind),
					 fs_op_names[need[k]]);
				return false;
			}
	}
	return true;
}

/* An fsx log runs within its file: fsx's maxfilelen is the file's size,
 * and the mapping a replay loads and stores through covers that much (a
 * truncate past it used to make every later mapped load "fault", reported
 * as fsx mismatches).  And it has something to run.  Ops the log marks
 * skipped are not looked at: fsx did not run them. */
static bool fsx_log_fits(const struct sim_cfg *cfg,
			 const struct sim_cfg_section *sec,
			 const struct fsx_log *log, const struct fs_wl_file *f,
			 GError **err)
{
	unsigned run = 0;

	for (unsigned k = 0; k < log->n; k++) {
		const struct fsx_op *op = &log->ops[k];
		uint64_t reach = op->kind == FSX_TRUNCATE ? op->length :
				 op->offset + op->length;
		char text[128];

		if (op->flags & FSX_FL_SKIPPED)
			continue;
		run++;
		if (reach <= f->size)
			continue;
		fsx_op_format(op, text, sizeof(text));
		sim_cfg_error_at(cfg, sec, "ops_file", err,
				 SIM_CFG_ERROR_RANGE,
				 "%s:%u: '%s' reaches 0x%" G_GINT64_MODIFIER "x, past [%s] size 0x%" G_GINT64_MODIFIER "x (fsx's maxfilelen: make the file at least that large)",
				 log->name, op->line, text, reach, f->name,
				 f->size);
		return false;
	}
	if (!run) {
		sim_cfg_error_at(cfg, sec, "ops_file", err,
				 SIM_CFG_ERROR_INVALID,
				 "%s: %s: nothing to replay",
				 log->name, log->n ? "every op is marked skipped" :
						     "no op in it");
		return false;
	}
	return true;
}

/* Jobs from the job sections.  check_ops: refuse ops whose kernel path is
 * not in the build (not needed when no task will run). */
static bool setup_jobs(struct ext4_model *m, const struct sim_cfg *cfg,
		       bool check_ops, GError **err)
{
	char *dir = g_path_get_dirname(cfg->file ? cfg->file : ".");
	unsigned nj = 0, nt = 0;
	bool ok = false;

	for (unsigned i = 0; i < cfg->n_sections; i++)
		if (cfg->sections[i]->type_index == FS_SEC_JOB)
			m->njobs++;
	m->jobs = g_new0(struct fs_wl_job, m->njobs);
	for (unsigned i = 0; i < cfg->n_sections; i++) {
		const struct sim_cfg_section *sec = cfg->sections[i];
		const struct fs_job *jc = sec->data;
		struct fs_wl_job *j;

		if (sec->type_index != FS_SEC_JOB)
			continue;
		j = &m->jobs[nj];
		j->name = sec->name;
		j->index = nj++;
		j->cfg = jc;
		for (unsigned f = 0; f < m->nfiles; f++)
			if (strcmp(m->files[f].name, jc->file) == 0)
				j->file = &m->files[f];
		SIM_BUG_ON(!j->file);  /* fs/workload/options.c checked it */
		SIM_BUG_ON(!fs_wl_offset_parse(jc->offset, &j->off_kind,
					       &j->off_param));
		if (jc->ops_file) {
			char *path = g_path_is_absolute(jc->ops_file) ?
				g_strdup(jc->ops_file) :
				g_build_filename(dir, jc->ops_file, NULL);
			GError *e = NULL;
			char msg[256];

			j->fsx = fsx_log_load(path, &e);
			g_free(path);
			if (!j->fsx) {
				sim_cfg_error_at(cfg, sec, "ops_file", err,
						 SIM_CFG_ERROR_VALUE, "%s",
						 e->message);
				g_error_free(e);
				goto out;
			}
			if (jc->numjobs != 1) {
				sim_cfg_error_at(cfg, sec, "numjobs", err,
						 SIM_CFG_ERROR_INVALID,
						 "a job replaying an fsx log runs one task (numjobs = 1)");
				goto out;
			}
			if (check_ops && !fsx_log_fits(cfg, sec, j->fsx, j->file, err))
				goto out;
			if (check_ops &&
			    !fsx_ops_supported(j->fsx, msg, sizeof(msg))) {
				sim_cfg_error_at(cfg, sec, "ops_file", err,
						 SIM_CFG_ERROR_INVALID, "%s",
						 msg);
				goto out;
			}
			for (unsigned k = 0; k < j->fsx->n; k++)
				if (j->fsx->ops[k].kind == FSX_MAPREAD ||
				    j->fsx->ops[k].kind == FSX_MAPWRITE)
					j->uses_mmap = true;
		} else {
			double w[SIM_CHOICE_MAX];

			j->nops = jc->ops.n;
			for (unsigned k = 0; k < j->nops; k++) {
				j->ops[k] = (enum fs_op)jc->ops.index[k];
				w[k] = jc->ops.weights[k];
				if (check_ops && !fs_wl_op_supported(j->ops[k])) {
					sim_cfg_error_at(cfg, sec, "ops", err,
							 SIM_CFG_ERROR_INVALID,
							 "op '%s' is not modelled yet (its kernel path has not landed in this build)",
							 fs_op_names[j->ops[k]]);
					goto out;
				}
				if (j->ops[k] == FS_OP_MMAP_READ ||
				    j->ops[k] == FS_OP_MMAP_WRITE ||
				    j->ops[k] == FS_OP_MADVISE_DONTNEED)
					j->uses_mmap = true;
			}
			sim_choice_init(&j->mix, w, j->nops);
		}
		nt += (unsigned)jc->numjobs;
	}
	m->ntasks = nt;
	ok = true;
out:
	g_free(dir);
	return ok;
}

/* fsx checks hold only when nobody else changes the file. */
static bool fsx_checkable(const struct ext4_model *m, const struct fs_wl_job *j)
{
	for (unsigned i = 0; i < m->njobs; i++)
		if (&m->jobs[i] != j && m->jobs[i].file == j->file &&
		    !job_reads_only(&m->jobs[i]))
			return false;
	return true;
}

struct ext4_model *ext4_model_create(struct sim_world *w,
				     const struct sim_cfg *cfg,
				     const char *strategy,
				     const struct sim_job_id *id,
				     unsigned flags, GError **err)
{
	const struct fs_global *g = sim_cfg_data(cfg, "global");
	const struct fs_costs *costs = sim_cfg_data(cfg, "costs");
	struct ext4_model *m = g_new0(struct ext4_model, 1);
	struct ext4_sim_mount_opts mo;
	struct ext4_sim_mount_error me;
	struct blk_sim_profile prof;
	struct mm_sim_costs mc;
	struct ext4_sb_info *sbi;
	unsigned nf = 0, ti = 0;

	SIM_BUG_ON(!g || !costs);
	m->w = w;
	m->id = *id;
	m->duration = g->duration;
	m->costs = *costs;
	fs_wl_stats_init(&m->stats);
	m->lock_ops = ext4_lock_ops_find(strategy);
	if (!m->lock_ops) {
		g_set_error(err, SIM_CFG_ERROR, SIM_CFG_ERROR_VALUE,
			    "unknown strategy '%s'", strategy);
		goto fail;
	}

	/* 1. mount */
	mount_opts_from(cfg, g, &mo, &prof);
	me = (struct ext4_sim_mount_error){ 0 };
	m->sb = ext4_sim_mount_why(w, &mo, &me);
	if (IS_ERR(m->sb)) {
		const struct sim_cfg_section *gs = sim_cfg_lookup(cfg, "global");
		const char *at = NULL;
		long e = PTR_ERR(m->sb);

		/* point at the key the user set: the one at fault, else
		 * the one that goes with it, else [global] */
		if (me.key && gs && sim_cfg_is_set(gs, me.key))
			at = me.key;
		else if (me.key2 && gs && sim_cfg_is_set(gs, me.key2))
			at = me.key2;
		m->sb = NULL;
		if (me.key)
			sim_cfg_error_at(cfg, gs, at, err, SIM_CFG_ERROR_INVALID,
					 "cannot mount: %s", me.why);
		else
			sim_cfg_error_at(cfg, gs, NULL, err,
					 SIM_CFG_ERROR_INVALID,
					 "cannot mount: %s", g_strerror((int)-e));
		goto fail;
	}
	sim_world_set_model(w, m);

	/* 2. strategy, costs, oracle, page cache */
	sbi = EXT4_SB(m->sb);
	sbi->s_lock_ops = m->lock_ops;
	m->sb->s_costs = &m->costs;
	m->oracle = fs_oracle_new(w, m->sb);
	fs_oracle_set_config_name(m->oracle, cfg->file ? cfg->file : "FILE.cfg");
	mm_sim_costs_default(&mc);
	mm_sim_costs_from_config(&mc, &m->costs);
	m->mm = mm_sim_new(w, &mc);
	mm_sim_set_page_budget(m->mm, (unsigned long)(g->page_budget / PAGE_SIZE));
	/* the write side (IO pools, conversion worker, the flusher task,
	 * data=ordered hooks) and the read side's address_space ops */
	if (ext4_sim_writes_init(m->sb)) {
		sim_cfg_error_at(cfg, sim_cfg_lookup(cfg, "global"), NULL, err,
				 SIM_CFG_ERROR_INVALID,
				 "cannot set up writeback for this mount");
		goto fail;
	}
	m->writes = true;
	ext4_sim_set_read_aops(m->sb, ext4_readpage, ext4_readpages);

	/* 3. files */
	for (unsigned i = 0; i < cfg->n_sections; i++)
		if (cfg->sections[i]->type_index == FS_SEC_FILE)
			m->nfiles++;
	m->files = g_new0(struct fs_wl_file, m->nfiles);
	m->layouts = g_new0(char *, m->nfiles);
	m->initial = g_new0(GArray *, m->nfiles);
	for (unsigned i = 0; i < cfg->n_sections; i++) {
		const struct sim_cfg_section *sec = cfg->sections[i];
		const struct fs_file *fc = sec->data;
		struct fs_wl_file *f;

		if (sec->type_index != FS_SEC_FILE)
			continue;
		f = &m->files[nf];
		f->name = sec->name;
		f->size = fc->size;
		f->cap = 2 * fc->size;
		f->inode = ext4_sim_new_inode(m->sb);
		address_space_sim_init(f->inode->i_mapping, f->inode, m->mm);
		ext4_set_aops(f->inode);
		fs_oracle_add_inode(f->inode);
		m->layouts[nf] = g_strdup(fc->layout);
		m->initial[nf] = g_array_new(FALSE, FALSE,
					     sizeof(struct fs_wl_piece));
		nf++;
	}
	if (!setup_jobs(m, cfg, !(flags & EXT4_MODEL_NO_TASKS), err))
		goto fail;
	/* an fsx replay's file is bounded by fsx's maxfilelen: its size */
	for (unsigned j = 0; j < m->njobs; j++)
		if (m->jobs[j].fsx)
			m->jobs[j].file->cap = m->jobs[j].file->size;

	fs_task_spawn(w, "mkfs", setup_task, m, &m->setup_ts);
	sim_world_run(w, SIM_TIME_MAX);
	if (m->setup_err) {
		g_propagate_error(err, m->setup_err);
		m->setup_err = NULL;
		goto fail;
	}
	SIM_BUG_ON(!m->setup_done);
	m->t0 = sim_world_now(w);

	/* 4. the jobs' tasks */
	if (!(flags & EXT4_MODEL_NO_TASKS)) {
		m->tasks = g_new0(struct fs_wl_task, m->ntasks);
		for (unsigned j = 0; j < m->njobs; j++) {
			struct fs_wl_job *job = &m->jobs[j];
			unsigned n = (unsigned)job->cfg->numjobs;

			job->fsx_check = job->fsx && fsx_checkable(m, job);
			for (unsigned k = 0; k < n; k++, ti++) {
				struct fs_wl_task *t = &m->tasks[ti];
				char *name;

				fs_wl_task_init(t, job, k, n, id->seed,
						id->replica, &m->stats);
				name = g_strdup_printf("%s/%u", job->name, k);
				t->name = name;
				t->task = fs_task_spawn(w, name, fs_wl_task_main,
							t, &t->ts);
			}
		}
	}
	m->tl_len = g->timeline;
	return m;
fail:
	ext4_model_destroy(m);
	return NULL;
}

/* ---- finish, destroy ----------------------------------------------------------------- */

static void model_finish(void *model, struct sim_world *w,
			 struct sim_job_result *r)
{
	struct ext4_model *m = model;
	unsigned nk = FS_ORACLE_NR_KINDS;

	fs_oracle_finish(m->oracle);
	r->n_ops = FS_NR_OPS;
	for (unsigned i = 0; i < FS_NR_OPS; i++) {
		r->op_names[i] = fs_op_names[i];
		r->op_latency[i] = g_memdup2(&m->stats.lat[i],
					     sizeof(struct sim_hist));
		r->op_skipped[i] = m->stats.skipped[i];
	}
	r->n_kinds = nk + 1;
	for (unsigned k = 0; k < nk; k++) {
		const char *ex = fs_oracle_explanation(m->oracle, k, 0);

		r->kind_names[k] = fs_oracle_kind_name(k);
		r->violations[k] = fs_oracle_count(m->oracle, k);
		r->first_time[k] = fs_oracle_first_time(m->oracle, k);
		r->first_explanation[k] = ex ? g_strdup(ex) : NULL;
	}
	r->kind_names[nk] = "fsx_mismatch";
	r->violations[nk] = m->stats.fsx_mismatches;
	r->first_time[nk] = m->stats.fsx_first_time;
	r->first_explanation[nk] = g_strdup(m->stats.fsx_first);
	r->n_locks = sim_lock_class_count(w);
	r->locks = g_new(struct sim_lock_stats, r->n_locks);
	for (unsigned i = 0; i < r->n_locks; i++)
		r->locks[i] = *sim_lock_class_stats(w, i);
	/* no spans: the runner records the timeline (model_timeline) */
}

void ext4_model_destroy(struct ext4_model *m)
{
	if (!m)
		return;
	for (unsigned i = 0; i < m->ntasks && m->tasks; i++)
		fs_wl_task_destroy(&m->tasks[i]);
	if (m->oracle) {
		for (unsigned i = 0; i < m->nfiles; i++)
			if (m->files[i].inode)
				fs_oracle_remove_inode(m->files[i].inode);
		fs_oracle_free(m->oracle);
	}
	for (unsigned i = 0; i < m->nfiles; i++) {
		struct inode *inode = m->files[i].inode;

		if (!inode)
			continue;
		address_space_sim_destroy(inode->i_mapping);
		ext4_sim_es_release(&EXT4_I(inode)->i_es_tree);
	}
	if (m->writes)
		ext4_sim_writes_free(m->sb);
	if (m->sb && EXT4_SB(m->sb)->s_journal)
		ext4_sim_journal_free(m->sb);
	for (unsigned i = 0; i < m->nfiles; i++) {
		struct inode *inode = m->files[i].inode;

		if (!inode)
			continue;
		/* ext4_sim_inode_release_jinode would wait for a commit from
		 * a task; the journal is gone, so only the memory is left */
		free(EXT4_I(inode)->jinode);
		ext4_sim_free_inode(inode);
		g_array_free(m->initial[i], TRUE);
		g_free(m->layouts[i]);
	}
	if (m->sb)
		ext4_sim_unmount(m->sb);
	if (m->mm)
		mm_sim_free(m->mm);
	for (unsigned j = 0; j < m->njobs; j++)
		fsx_log_free(m->jobs[j].fsx);
	if (m->w && sim_world_model(m->w) == m)
		sim_world_set_model(m->w, NULL);
	g_free(m->tasks);
	g_free(m->jobs);
	g_free(m->files);
	g_free(m->initial);
	g_free(m->layouts);
	g_clear_error(&m->setup_err);
	fs_wl_stats_destroy(&m->stats);
	g_free(m);
}

/* ---- a clean unmount ------------------------------------------------------------------ */

static bool all_exited(const struct ext4_model *m)
{
	for (unsigned i = 0; i < m->ntasks; i++)
		if (!m->tasks[i].exited)
			return false;
	return true;
}

/* umount(2) after the jobs' tasks are gone: sync_filesystem (every file's
 * dirty pages written back through the model's own writeback paths and
 * waited for: fsync of each file), then ext4_put_super's
 * jbd2_journal_destroy (the running transaction committed, every
 * checkpoint written home, kjournald2 stopped). */
static void umount_task(struct sim_task *t, void *arg)
{
	struct ext4_model *m = arg;
	int err = 0;

	/* the jobs' tasks finish the operation they are in first */
	while (!all_exited(m))
		sim_task_sleep(t, SIM_MSEC);
	m->tasks_exited = true;
	for (unsigned i = 0; i < m->nfiles; i++) {
		struct file *file = g_new0(struct file, 1);
		int e;

		ext4_sim_file_open(file, m->files[i].inode);
		e = ext4_sim_sys_fsync(file, 0, LLONG_MAX, false);
		err = err ? err : e;
		g_free(file);
	}
	if (!err)
		err = ext4_sim_journal_detach(m->sb);
	m->umount_err = err;
	m->umount_done = true;
	sim_world_request_stop(m->w);
}

int ext4_model_unmount(struct ext4_model *m, sim_time_t limit, char *why,
		       size_t len)
{
	const char *dl;

	for (unsigned j = 0; j < m->njobs; j++)
		m->jobs[j].stop = true;
	fs_task_spawn(m->w, "umount", umount_task, m, &m->umount_ts);
	sim_world_run(m->w, sim_world_now(m->w) + limit);
	if (m->umount_done && !m->umount_err)
		return 0;
	dl = sim_world_deadlock_report(m->w);
	if (m->umount_done)
		snprintf(why, len, "the unmount failed: %s",
			 g_strerror(-m->umount_err));
	else if (dl)
		snprintf(why, len, "the world is deadlocked: no task can "
			 "finish, no unmount");
	else if (!m->tasks_exited) {
		/* the tasks still in their operations, and their last
		 * steps */
		GString *st = g_string_new(NULL);
		struct sim_note notes[SIM_NOTES];

		for (unsigned i = 0; i < m->ntasks; i++) {
			const struct fs_wl_task *t = &m->tasks[i];
			unsigned n;

			if (t->exited || !t->task)
				continue;
			n = sim_task_notes(t->task, notes, SIM_NOTES);
			g_string_append_printf(st, "%s%s last did %s %s %s at %.3f ms",
					       st->len ? "; " : "", t->name,
					       n ? (notes[n - 1].func ? notes[n - 1].func : "") : "-",
					       n ? (notes[n - 1].what ? notes[n - 1].what : "") : "",
					       n ? (notes[n - 1].obj ? notes[n - 1].obj : "") : "",
					       n ? (double)notes[n - 1].time / SIM_MSEC : 0.0);
		}
		snprintf(why, len, "the jobs' tasks did not finish their "
			 "operations within %.3f s of simulated time: %s",
			 (double)limit / SIM_SEC, st->str);
		g_string_free(st, TRUE);
	}
	else
		snprintf(why, len, "the unmount did not finish within %.0f s "
			 "of simulated time", (double)limit / SIM_SEC);
	return m->umount_done ? m->umount_err : -ETIMEDOUT;
}

/* ---- views -------------------------------------------------------------------------- */

struct super_block *ext4_model_sb(const struct ext4_model *m)
{
	return m->sb;
}

unsigned ext4_model_nfiles(const struct ext4_model *m)
{
	return m->nfiles;
}

const struct fs_wl_file *ext4_model_file(const struct ext4_model *m,
					 unsigned i)
{
	return i < m->nfiles ? &m->files[i] : NULL;
}

const struct fs_wl_stats *ext4_model_stats(const struct ext4_model *m)
{
	return &m->stats;
}

unsigned ext4_model_njobs(const struct ext4_model *m)
{
	return m->njobs;
}

struct fs_wl_job *ext4_model_job(struct ext4_model *m, unsigned i)
{
	return i < m->njobs ? &m->jobs[i] : NULL;
}

struct fs_oracle *ext4_model_oracle(const struct ext4_model *m)
{
	return m->oracle;
}

/* ---- the ops ------------------------------------------------------------------------ */

static void *model_create(struct sim_world *w, const struct sim_cfg *cfg,
			  const char *strategy, const struct sim_job_id *id,
			  GError **err)
{
	return ext4_model_create(w, cfg, strategy, id, 0, err);
}

static sim_time_t model_duration(const void *model)
{
	const struct ext4_model *m = model;

	/* the clock starts where set-up left it (0: set-up takes no time) */
	return m->t0 + m->duration;
}

static sim_time_t model_timeline(const void *model)
{
	const struct ext4_model *m = model;

	/* the window of the first part of every job; the runner records it
	 * for replica 0 */
	return m->tl_len;
}

static void model_destroy(void *model)
{
	ext4_model_destroy(model);
}

static const char *model_strategy_summary(const char *name)
{
	const struct ext4_lock_ops *ops = ext4_lock_ops_find(name);

	return ops ? ops->summary : NULL;
}

/* The oracle's kinds in enum fs_oracle_kind order, then the replayer's. */
static const char *const model_kinds[] = {
	"stale_mapping", "foreign_write", "stale_read", "lost_write",
	"deadlock", "lock_order", "fsck", "fsx_mismatch", NULL,
};
_Static_assert(SIM_ARRAY_SIZE(model_kinds) == FS_ORACLE_NR_KINDS + 2,
	       "model_kinds and enum fs_oracle_kind disagree");

const struct sim_model_ops ext4_model_ops = {
	.name = "ext4",
	.schema = &fs_schema,
	.strategies = fs_strategy_names,
	.strategy_summary = model_strategy_summary,
	.kinds = model_kinds,
	.ops = fs_op_names,
	.create = model_create,
	.duration = model_duration,
	.timeline = model_timeline,
	.finish = model_finish,
	.destroy = model_destroy,
};
