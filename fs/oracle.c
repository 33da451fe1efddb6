/* fs/oracle.c — the violation oracle's hooks, counting and end-of-job checks
 * (DESIGN §5; model-only).
 *
 * The kernel paths report what they do (writes, reads, block-removing
 * operations, buffers and DAX PTEs gaining or losing a block, blocks
 * becoming reusable, data landing on disk); this file keeps the per-file
 * shadow (oracle_shadow.c) and the reverse index pblk -> mappings up to
 * date and flags violations.  Explanations are built by oracle_explain.c.
 *
 * Everything here runs inside one world (single-threaded) and allocates
 * only when a table grows (amortised), never per event.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs/disk.h"
#include "fs/ext4/ext4.h"
#include "fs/ext4/fsck.h"
#include "fs/mm.h"
#include "fs/oracle_internal.h"

static const char *const kind_names[FS_ORACLE_NR_KINDS] = {
	[FS_ORACLE_STALE_MAPPING] = "stale_mapping",
	[FS_ORACLE_FOREIGN_WRITE] = "foreign_write",
	[FS_ORACLE_STALE_READ] = "stale_read",
	[FS_ORACLE_LOST_WRITE] = "lost_write",
	[FS_ORACLE_DEADLOCK] = "deadlock",
	[FS_ORACLE_LOCK_ORDER] = "lock_order",
	[FS_ORACLE_FSCK] = "fsck",
};

static const char *const remove_names[] = {
	[FS_ORACLE_PUNCH] = "punch_hole",
	[FS_ORACLE_ZERO] = "zero_range",
	[FS_ORACLE_COLLAPSE] = "collapse_range",
	[FS_ORACLE_INSERT] = "insert_range",
	[FS_ORACLE_TRUNCATE] = "truncate",
	[FS_ORACLE_FALLOCATE] = "fallocate",
};

const char *fs_oracle_kind_name(enum fs_oracle_kind k)
{
	return (unsigned)k < FS_ORACLE_NR_KINDS ? kind_names[k] : "?";
}

int fs_oracle_kind_from_name(const char *name)
{
	for (int k = 0; k < FS_ORACLE_NR_KINDS; k++)
		if (strcmp(name, kind_names[k]) == 0)
			return k;
	return -1;
}

/* ---- life cycle ------------------------------------------------------------ */

struct fs_oracle *fs_oracle_new(struct sim_world *w, struct super_block *sb)
{
	struct fs_oracle *o = g_new0(struct fs_oracle, 1);

	o->w = w;
	o->sb = sb;
	o->cfg = g_strdup("FILE.cfg");
	o->explain_max = 1;
	for (int k = 0; k < FS_ORACLE_NR_KINDS; k++) {
		o->explain[k] = g_ptr_array_new_with_free_func(g_free);
		o->first_time[k] = -1;
	}
	oracle_map_index_init(&o->map);
	if (sb)
		EXT4_SB(sb)->s_oracle = o;
	if (w)
		sim_world_set_finding_hook(w, fs_oracle_finding, o);
	return o;
}

void fs_oracle_free(struct fs_oracle *o)
{
	if (!o)
		return;
	if (o->sb && EXT4_SB(o->sb)->s_oracle == o)
		EXT4_SB(o->sb)->s_oracle = NULL;
	if (o->w)
		sim_world_set_finding_hook(o->w, NULL, NULL);
	for (unsigned i = 0; i < o->nfiles; i++)
		oracle_file_free(o->files[i]);
	g_free(o->files);
	for (int k = 0; k < FS_ORACLE_NR_KINDS; k++)
		g_ptr_array_free(o->explain[k], TRUE);
	g_free(o->ops);
	g_free(o->reads);
	oracle_map_index_destroy(&o->map);
	if (o->fsck_seen)
		g_hash_table_destroy(o->fsck_seen);
	g_free(o->index_drift_first);
	g_free(o->snaps);
	g_free(o->cfg);
	g_free(o);
}

void fs_oracle_set_config_name(struct fs_oracle *o, const char *cfg)
{
	g_free(o->cfg);
	o->cfg = g_strdup(cfg ? cfg : "FILE.cfg");
}

void fs_oracle_set_paranoid(struct fs_oracle *o, bool on)
{
	o->paranoid = on;
}

void fs_oracle_set_explain_max(struct fs_oracle *o, unsigned n)
{
	o->explain_max = n;
}

struct fs_oracle *fs_oracle_of(struct super_block *sb)
{
	return sb && sb->s_fs_info ? EXT4_SB(sb)->s_oracle : NULL;
}

static struct fs_oracle *oracle_of_inode(const struct inode *inode)
{
	return inode ? fs_oracle_of(inode->i_sb) : NULL;
}

static sim_time_t oracle_now(const struct fs_oracle *o)
{
	return o->w ? sim_world_now(o->w) : 0;
}

uint32_t oracle_task_now(void)
{
	struct sim_task *t = sim_current_task();

	return t ? sim_task_id(t) + 1 : 0;
}

bool oracle_count(struct fs_oracle *o, enum fs_oracle_kind k)
{
	/* detection time, not the time of the fault that caused it: that is
	 * what the explanation's steps show */
	if (!o->count[k]++)
		o->first_time[k] = oracle_now(o);
	return o->explain[k]->len < o->explain_max;
}

/* ---- files ------------------------------------------------------------------ */

static unsigned file_slot(const struct fs_oracle *o, uint64_t ino, bool *found)
{
	unsigned lo = 0, hi = o->nfiles;

	while (lo < hi) {
		unsigned mid = (lo + hi) / 2;

		if (o->files[mid]->ino < ino)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = lo < o->nfiles && o->files[lo]->ino == ino;
	return lo;
}

struct oracle_file *oracle_file_get(struct fs_oracle *o, struct inode *inode)
{
	bool found;
	unsigned i = file_slot(o, inode->i_ino, &found);
	struct oracle_file *f;

	if (found) {
		o->files[i]->inode = inode;
		return o->files[i];
	}
	if (o->nfiles == o->files_cap) {
		o->files_cap = o->files_cap ? 2 * o->files_cap : 8;
		o->files = g_renew(struct oracle_file *, o->files, o->files_cap);
	}
	memmove(&o->files[i + 1], &o->files[i],
		(o->nfiles - i) * sizeof(o->files[0]));
	f = g_new0(struct oracle_file, 1);
	f->inode = inode;
	f->ino = inode->i_ino;
	oracle_shadow_init(&f->shadow, inode->i_sb->s_blocksize);
	o->files[i] = f;
	o->nfiles++;
	return f;
}

void oracle_file_free(struct oracle_file *f)
{
	oracle_shadow_destroy(&f->shadow);
	if (f->setup_exts)
		g_array_free(f->setup_exts, TRUE);
	g_free(f);
}

void fs_oracle_setup_done(struct fs_oracle *o)
{
	if (!o)
		return;
	for (unsigned i = 0; i < o->nfiles; i++) {
		struct oracle_file *f = o->files[i];

		oracle_shadow_mark_pristine(&f->shadow);
		if (f->setup_exts)
			g_array_free(f->setup_exts, TRUE);
		f->setup_exts = oracle_file_extents(f);
	}
}

struct oracle_file *oracle_file_find(struct fs_oracle *o, uint64_t ino)
{
	bool found;
	unsigned i = file_slot(o, ino, &found);

	return found ? o->files[i] : NULL;
}

void fs_oracle_add_inode(struct inode *inode)
{
	struct fs_oracle *o = oracle_of_inode(inode);

	if (o)
		oracle_file_get(o, inode);
}

void fs_oracle_remove_inode(struct inode *inode)
{
	struct fs_oracle *o = oracle_of_inode(inode);
	bool found;
	unsigned i;

	if (!o)
		return;
	i = file_slot(o, inode->i_ino, &found);
	if (!found)
		return;
	oracle_file_free(o->files[i]);
	memmove(&o->files[i], &o->files[i + 1],
		(o->nfiles - i - 1) * sizeof(o->files[0]));
	o->nfiles--;
}

/* ---- operations in flight ---------------------------------------------------- */

static struct oracle_op *op_alloc(struct fs_oracle *o)
{
	for (unsigned i = 0; i < o->nops_cap; i++)
		if (!o->ops[i].id)
			return &o->ops[i];
	unsigned old = o->nops_cap;

	o->nops_cap = old ? 2 * old : 16;
	o->ops = g_renew(struct oracle_op, o->ops, o->nops_cap);
	memset(&o->ops[old], 0, (o->nops_cap - old) * sizeof(o->ops[0]));
	return &o->ops[old];
}

static struct oracle_op *op_find(struct fs_oracle *o, uint64_t id)
{
	for (unsigned i = 0; i < o->nops_cap; i++)
		if (o->ops[i].id == id)
			return &o->ops[i];
	return NULL;
}

struct oracle_opref oracle_opref_of(const struct oracle_op *op)
{
	return (struct oracle_opref){
		.kind = op->kind, .ino = op->f->ino, .off = op->off,
		.len = op->len, .t_begin = op->t_begin, .t_end = SIM_TIME_MAX,
		.task = op->task,
	};
}

struct oracle_op *oracle_task_op(const struct fs_oracle *o, uint32_t task)
{
	struct oracle_op *best = NULL;

	for (unsigned i = 0; task && i < o->nops_cap; i++) {
		struct oracle_op *x = &o->ops[i];

		if (!x->id || x->task != task)
			continue;
		if (!best || (best->kind == ORACLE_OP_WRITE &&
			      x->kind != ORACLE_OP_WRITE))
			best = x;
	}
	return best;
}

/* Whether explanations of kind k are still to be written. */
static bool explain_wanted(const struct fs_oracle *o, enum fs_oracle_kind k)
{
	return o->explain[k]->len < o->explain_max;
}

/* Gathers the step notes among the last few of op's task (see struct
 * oracle_op), while some explanation that could use them is wanted. */
static void op_harvest(struct fs_oracle *o, struct oracle_op *op)
{
	struct sim_note v[ORACLE_HARVEST];
	struct sim_task *t;
	unsigned n;

	if (!op || op->kind == ORACLE_OP_WRITE ||
	    op->nsteps == ORACLE_OP_STEPS || !o->w ||
	    !op->task || op->task - 1 >= sim_world_task_count(o->w) ||
	    !(explain_wanted(o, FS_ORACLE_STALE_READ) ||
	      explain_wanted(o, FS_ORACLE_STALE_MAPPING) ||
	      explain_wanted(o, FS_ORACLE_FOREIGN_WRITE)))
		return;
	t = sim_world_task(o->w, op->task - 1);
	n = sim_task_notes(t, v, ORACLE_HARVEST);
	for (unsigned i = 0; i < n && op->nsteps < ORACLE_OP_STEPS; i++) {
		bool seen = v[i].time < op->t_begin || oracle_note_is_lock(&v[i]);

		for (unsigned j = 0; j < op->nsteps && !seen; j++)
			seen = oracle_note_eq(&op->steps[j], &v[i]) ||
			       op->steps[j].time > v[i].time;
		if (!seen)
			op->steps[op->nsteps++] = v[i];
	}
}

/* The running task's operation, gathering its steps (see op_harvest). */
static void harvest_current(struct fs_oracle *o)
{
	uint32_t cur = oracle_task_now();

	if (cur && o->nops_cap)
		op_harvest(o, oracle_task_op(o, cur));
}

/* A zeroing operation op ends: a page fully inside its range that another
 * task read from disk after op began may keep the bytes op zeroed (the
 * fault between truncate_pagecache_range and the block removal).  Keep
 * the first such page with snapshots of both tasks for a later stale_read
 * explanation.  Walks only the pages present in the range (normally none:
 * op truncated them). */
static void raced_check(struct fs_oracle *o, const struct oracle_op *op)
{
	struct address_space *m = op->f->inode ? op->f->inode->i_mapping : NULL;
	uint64_t first = (op->off + PAGE_SIZE - 1) >> PAGE_SHIFT;
	uint64_t end = (op->off + op->len) >> PAGE_SHIFT;   /* exclusive */
	struct page *page;
	struct oracle_raced *r;

	if (!m || !m->page_tree || first >= end)
		return;
	for (page = page_cache_sim_next(m, first, -1);
	     page && page->index < end;
	     page = page_cache_sim_next(m, page->index + 1, -1))
		if (page->sim_read_task && page->sim_read_task != op->task &&
		    page->sim_read_time >= op->t_begin)
			break;
	if (!page || page->index >= end)
		return;
	r = &o->raced[o->raced_next++ % ORACLE_RACED];
	oracle_snap_put(o, r->op_snap);
	oracle_snap_put(o, r->read_snap);
	*r = (struct oracle_raced){
		.op = op->id, .what = oracle_opref_of(op), .index = page->index,
		.read_task = page->sim_read_task,
		.read_time = page->sim_read_time,
		.read_pblk = page->sim_read_pblk,
	};
	r->what.t_end = oracle_now(o);
	r->op_snap = oracle_snap_take(o, op->task);
	r->read_snap = oracle_snap_take(o, page->sim_read_task);
}

/* The oldest begin time of a read still in progress, else now: values
 * superseded before it can no longer be returned by anyone. */
static sim_time_t read_horizon(const struct fs_oracle *o)
{
	sim_time_t h = oracle_now(o);

	for (unsigned i = 0; i < o->nreads_cap; i++)
		if (o->reads[i].token && o->reads[i].t_begin < h)
			h = o->reads[i].t_begin;
	return h;
}

static void after_op(struct fs_oracle *o, struct oracle_file *f,
		     uint64_t off, uint64_t len)
{
	oracle_shadow_prune(&f->shadow, off, len, read_horizon(o));
	f->last_op_end = oracle_now(o);
	if (o->paranoid && !o->in_fsck)
		fs_oracle_fsck(o);
}

uint64_t fs_oracle_write_begin(struct inode *inode, loff_t off, uint64_t len,
			       sim_stamp_t stamp)
{
	return fs_oracle_write_begin_at(inode, off, len, stamp, 0);
}

uint64_t fs_oracle_write_begin_at(struct inode *inode, loff_t off,
				  uint64_t len, sim_stamp_t stamp,
				  uint32_t origin)
{
	struct fs_oracle *o = oracle_of_inode(inode);
	struct oracle_op *op;

	if (!o)
		return 0;
	op = op_alloc(o);
	*op = (struct oracle_op){
		.id = ++o->next_op, .f = oracle_file_get(o, inode),
		.kind = ORACLE_OP_WRITE, .off = (uint64_t)off, .len = len,
		.stamp = stamp, .t_begin = oracle_now(o),
		.task = oracle_task_now(),
	};
	op->f->inflight++;
	if (len)
		oracle_shadow_begin(&op->f->shadow, op->off, len, stamp,
				    off - (loff_t)origin, op->id, op->task,
				    op->t_begin);
	return op->id;
}

void fs_oracle_write_end(struct inode *inode, uint64_t id, uint64_t done)
{
	struct fs_oracle *o = oracle_of_inode(inode);
	struct oracle_op *op;
	sim_time_t now;

	if (!o || !id || !(op = op_find(o, id)))
		return;
	now = oracle_now(o);
	if (done > op->len)
		done = op->len;
	/* A torn write's bytes are no longer where op->off says: completing
	 * it there must not supersede the bytes that moved in. */
	if (done)
		oracle_shadow_end(&op->f->shadow, op->off, done, id,
				  op->t_begin, !op->torn, now);
	if (done < op->len)
		oracle_shadow_end(&op->f->shadow, op->off + done,
				  op->len - done, id, op->t_begin, false, now);
	op->id = 0;
	op->f->inflight--;
	after_op(o, op->f, op->off, op->len);
}

void fs_oracle_write(struct inode *inode, loff_t off, uint64_t len,
		     sim_stamp_t stamp)
{
	fs_oracle_write_end(inode, fs_oracle_write_begin(inode, off, len, stamp),
			    len);
}

void fs_oracle_write_at(struct inode *inode, loff_t off, uint64_t len,
			sim_stamp_t stamp, uint32_t origin)
{
	fs_oracle_write_end(inode,
			    fs_oracle_write_begin_at(inode, off, len, stamp,
						     origin), len);
}

/* The shadow extent of a file: past the last block with a record nothing
 * can have been written. */
static uint64_t shadow_end(const struct oracle_file *f)
{
	return f->shadow.nblocks_hint << f->shadow.blockbits;
}

uint64_t fs_oracle_remove_begin(struct inode *inode,
				enum fs_oracle_remove kind, loff_t off,
				loff_t len)
{
	struct fs_oracle *o = oracle_of_inode(inode);
	struct oracle_op *op;
	uint64_t zoff = 0, zlen = 0;

	if (!o)
		return 0;
	op = op_alloc(o);
	*op = (struct oracle_op){
		.id = ++o->next_op, .f = oracle_file_get(o, inode),
		.kind = (int)kind, .off = (uint64_t)off,
		.len = len > 0 ? (uint64_t)len : 0,
		.t_begin = oracle_now(o), .task = oracle_task_now(),
	};
	op->f->inflight++;
	if (kind != FS_ORACLE_FALLOCATE)
		op->f->last_remove_task = op->task;
	/* Zeroing kinds lay zeros in flight now: a read overlapping the
	 * operation may see old bytes or zeros. Shifts act at the end. */
	switch (kind) {
	case FS_ORACLE_PUNCH:
	case FS_ORACLE_ZERO:
		zoff = op->off;
		zlen = op->len;
		break;
	case FS_ORACLE_TRUNCATE:
		zoff = op->off;
		zlen = shadow_end(op->f) > zoff ? shadow_end(op->f) - zoff : 0;
		op->len = zlen;
		break;
	default:
		break;
	}
	if (zlen)
		oracle_shadow_begin(&op->f->shadow, zoff, zlen, 0, 0, op->id,
				    op->task, op->t_begin);
	return op->id;
}

void fs_oracle_remove_end(struct inode *inode, uint64_t id, int err)
{
	struct fs_oracle *o = oracle_of_inode(inode);
	struct oracle_op *op;
	sim_time_t now;

	if (!o || !id || !(op = op_find(o, id)))
		return;
	now = oracle_now(o);
	op_harvest(o, op);
	switch (op->kind) {
	case FS_ORACLE_PUNCH:
	case FS_ORACLE_ZERO:
	case FS_ORACLE_TRUNCATE:
		if (op->len)
			oracle_shadow_end(&op->f->shadow, op->off, op->len, id,
					  op->t_begin, err == 0, now);
		break;
	case FS_ORACLE_COLLAPSE:
		if (!err && op->len)
			oracle_shadow_shift(&op->f->shadow, op->off + op->len,
					    -(int64_t)op->len, now);
		break;
	case FS_ORACLE_INSERT:
		if (!err && op->len)
			oracle_shadow_shift(&op->f->shadow, op->off,
					    (int64_t)op->len, now);
		break;
	default:
		break;
	}
	if ((op->kind == FS_ORACLE_PUNCH || op->kind == FS_ORACLE_ZERO ||
	     op->kind == FS_ORACLE_TRUNCATE) && op->len &&
	    explain_wanted(o, FS_ORACLE_STALE_READ))
		raced_check(o, op);
	if (!err && (op->kind == FS_ORACLE_COLLAPSE ||
		     op->kind == FS_ORACLE_INSERT)) {
		/* In-flight operations of this file move with their bytes. */
		for (unsigned i = 0; i < o->nops_cap; i++) {
			struct oracle_op *x = &o->ops[i];
			uint64_t from = op->kind == FS_ORACLE_COLLAPSE ?
					op->off + op->len : op->off;

			if (!x->id || x == op || x->f != op->f)
				continue;
			/* A write the shift splits (or whose bytes a collapse
			 * removes) has no one offset any more: it completes
			 * as "maybe written" where it began (a mapped store
			 * racing collapse/insert; write(2) and DIO hold
			 * i_mutex against them). */
			if (x->off < from) {
				if (x->kind == ORACLE_OP_WRITE &&
				    x->off + x->len > (op->kind ==
						       FS_ORACLE_COLLAPSE ?
						       op->off : from))
					x->torn = true;
				continue;
			}
			if (op->kind == FS_ORACLE_COLLAPSE)
				x->off -= op->len;
			else
				x->off += op->len;
		}
	}
	op->id = 0;
	op->f->inflight--;
	after_op(o, op->f, op->off,
		 op->kind == FS_ORACLE_COLLAPSE || op->kind == FS_ORACLE_INSERT ?
		 UINT64_MAX : op->len);
}

/* ---- reads --------------------------------------------------------------------- */

uint64_t fs_oracle_read_begin(struct inode *inode)
{
	struct fs_oracle *o = oracle_of_inode(inode);
	struct oracle_read *r = NULL;

	if (!o)
		return 0;
	for (unsigned i = 0; i < o->nreads_cap && !r; i++)
		if (!o->reads[i].token)
			r = &o->reads[i];
	if (!r) {
		unsigned old = o->nreads_cap;

		o->nreads_cap = old ? 2 * old : 16;
		o->reads = g_renew(struct oracle_read, o->reads, o->nreads_cap);
		memset(&o->reads[old], 0,
		       (o->nreads_cap - old) * sizeof(o->reads[0]));
		r = &o->reads[old];
	}
	*r = (struct oracle_read){ .token = ++o->next_read,
				   .t_begin = oracle_now(o),
				   .task = oracle_task_now() };
	return r->token;
}

void fs_oracle_read_end(struct inode *inode, uint64_t token)
{
	struct fs_oracle *o = oracle_of_inode(inode);

	if (!o || !token)
		return;
	for (unsigned i = 0; i < o->nreads_cap; i++)
		if (o->reads[i].token == token)
			o->reads[i].token = 0;
}

struct read_ctx {
	struct fs_oracle *o;
	struct oracle_file *f;
	const struct sim_contents *c;   /* what the read returned */
	uint64_t file_off;       /* file offset of contents byte coff */
	uint32_t coff, clen;     /* window of the contents */
	sim_time_t tb, te;
	const char *via;
	bool ok;
};

static const char *const truncate_steps[] = {
	"truncate_pagecache_range", "truncate_pagecache", NULL,
};
static const char *const remove_steps[] = {
	"ext4_ext_remove_space", "ext4_ext_truncate", "convert_to_unwritten",
	NULL,
};

/* The page of file f at byte off, if it is the one whose contents c a read
 * returned (NULL: DIO, DAX, a page no longer in the cache). */
static const struct page *read_page(const struct oracle_file *f, uint64_t off,
				    const struct sim_contents *c)
{
	struct address_space *m = f->inode ? f->inode->i_mapping : NULL;
	const struct page *page;

	if (!m || !m->page_tree || !c)
		return NULL;
	page = page_cache_sim_peek(m, off >> PAGE_SHIFT);
	return page && &page->contents == c ? page : NULL;
}

static void explain_stale_read(struct fs_oracle *o, struct oracle_file *f,
			       const struct oracle_mismatch *mm,
			       sim_time_t tb, const char *via,
			       const struct sim_contents *c)
{
	char head[256], detail[768], got[160], want[160], tbuf[32];
	char race[768] = "", opname[96], rl[64], ol[64], t0[32], t1[32], t2[32];
	struct ext4_sim_disk *d = EXT4_SB(o->sb)->s_disk;
	struct oracle_story st = { 0 };
	const struct oracle_raced *rr = NULL;
	struct oracle_opref op = { .kind = -1 };
	const struct page *page = read_page(f, mm->off, c);
	uint64_t idx = mm->off >> PAGE_SHIFT;
	uint32_t read_task = 0;
	sim_time_t read_time = 0;
	uint64_t read_pblk = 0;

	if (mm->got)
		sim_stamp_format(&d->stamps, mm->got, got, sizeof(got));
	else
		snprintf(got, sizeof(got), "zeros");
	if (mm->want)
		sim_stamp_format(&d->stamps, mm->want, want, sizeof(want));
	else
		snprintf(want, sizeof(want), "zeros");
	oracle_fmt_time(tbuf, sizeof(tbuf), tb);
	snprintf(head, sizeof(head),
		 "stale_read: ino %" PRIu64 " offset %" PRIu64 " lblk %" PRIu64
		 " (%s begun at %s)", f->ino, mm->off,
		 mm->off >> f->shadow.blockbits, via, tbuf);
	snprintf(detail, sizeof(detail),
		 "  returned byte %u of %s\n"
		 "  expected byte %u of %s (one of %" PRIu64 " legal values)\n",
		 mm->got_origin, got, mm->want_origin, want, mm->nallowed);
	/* the operation whose value was expected, and who filled the page */
	for (unsigned i = 0; mm->want_op && i < ORACLE_RACED; i++)
		if (o->raced[i].op == mm->want_op)
			rr = &o->raced[i];
	if (rr) {
		op = rr->what;
	} else if (mm->want_op) {
		const struct oracle_op *x = op_find(o, mm->want_op);

		if (x)
			op = oracle_opref_of(x);
	}
	if (page && page->sim_read_task) {
		read_task = page->sim_read_task;
		read_time = page->sim_read_time;
		read_pblk = page->sim_read_pblk;
	} else if (rr && rr->index == idx) {
		read_task = rr->read_task;
		read_time = rr->read_time;
		read_pblk = rr->read_pblk;
	}
	oracle_story_task(&st, mm->want_task);
	if (rr) {
		oracle_story_snap(o, &st, rr->op_snap);
		oracle_story_snap(o, &st, rr->read_snap);
	}
	if (op.kind >= 0) {
		oracle_fmt_op(opname, sizeof(opname), &op);
		oracle_story_moment(&st, op.task, op.t_begin, true, "%s begins",
				    opname);
		if (op.t_end != SIM_TIME_MAX)
			oracle_story_moment(&st, op.task, op.t_end, false,
					    "%s ends", opname);
	}
	if (read_task)
		oracle_story_moment(&st, read_task, read_time, false,
				    "reads page %" PRIu64 " from pblk %" PRIu64,
				    idx, read_pblk);
	oracle_story_moment(&st, oracle_task_now(), tb, true,
			    "%s of offset %" PRIu64 " begins", via, mm->off);
	oracle_story_task(&st, mm->got_task);
	/* the race in words */
	oracle_task_label(o, read_task, rl, sizeof(rl));
	oracle_task_label(o, op.task, ol, sizeof(ol));
	if (!mm->want && op.kind >= 0 && read_task &&
	    read_time >= op.t_begin && read_time <= op.t_end) {
		uint32_t snap = rr ? rr->op_snap : 0;
		sim_time_t tt = oracle_step_time(o, snap, op.task,
						 truncate_steps, op.t_begin,
						 read_time, true);
		sim_time_t tr = oracle_step_time(o, snap, op.task, remove_steps,
						 read_time, op.t_end, false);
		int k;

		oracle_fmt_time(t0, sizeof(t0), read_time);
		k = snprintf(race, sizeof(race),
			     "page %" PRIu64 " was read from pblk %" PRIu64
			     " by %s at %s, ", idx, read_pblk, rl, t0);
		oracle_fmt_time(t1, sizeof(t1), tt >= 0 ? tt : op.t_begin);
		oracle_fmt_time(t2, sizeof(t2), tr >= 0 ? tr : op.t_end);
		k += snprintf(race + k, sizeof(race) - (size_t)k,
			      "after %s of %s %s at %s and before it %s at %s",
			      opname, ol, tt >= 0 ? "truncated the page cache"
			      : "began", t1,
			      tr >= 0 ? "removed the blocks" : "ended", t2);
		oracle_fmt_time(t1, sizeof(t1), tb);
		snprintf(race + k, sizeof(race) - (size_t)k,
			 ": the page kept the old bytes, and this %s (begun at "
			 "%s) returned them where %s's zeros belong", via, t1,
			 oracle_remove_name(op.kind));
	} else if (op.kind >= 0) {
		oracle_fmt_time(t0, sizeof(t0), op.t_begin);
		oracle_fmt_time(t1, sizeof(t1), op.t_end);
		if (read_task)
			oracle_fmt_time(t2, sizeof(t2), read_time);
		snprintf(race, sizeof(race),
			 "%s of %s (%s to %s) left %s there; the page returned "
			 "%s%s%s%s%s", opname, ol, t0, t1, mm->want ?
			 "another value" : "zeros", got,
			 read_task ? " and was last read from disk by " : "",
			 read_task ? rl : "", read_task ? " at " : "",
			 read_task ? t2 : "");
	} else if (read_task) {
		uint32_t lblk = (uint32_t)(mm->off >> f->shadow.blockbits);
		bool unw;
		int64_t now_p = oracle_file_pblk(f, lblk, &unw);
		int k;

		oracle_fmt_time(t2, sizeof(t2), read_time);
		k = snprintf(race, sizeof(race),
			     "page %" PRIu64 " was last read from pblk %" PRIu64
			     " by %s at %s", idx, read_pblk, rl, t2);
		/* Say whether the page outlived the block it was read from
		 * (e.g. readpages mapped the block before a punch removed it
		 * and filled the page after): a fact of the tree now, no
		 * guess about when. */
		if (f->shadow.blockbits != PAGE_SHIFT)
			;   /* read_pblk may be another block of the page */
		else if (now_p < 0)
			snprintf(race + k, sizeof(race) - (size_t)k,
				 "; the file has a hole at lblk %u now: the "
				 "page outlived the block it was read from",
				 lblk);
		else if ((uint64_t)now_p != read_pblk)
			snprintf(race + k, sizeof(race) - (size_t)k,
				 "; the file maps lblk %u to pblk %" PRId64
				 "%s now: the page outlived the block it was "
				 "read from", lblk, now_p,
				 unw ? " (unwritten)" : "");
	}
	oracle_explain_story(o, FS_ORACLE_STALE_READ, head, race, detail, &st);
}

static bool check_run(void *ctx, uint32_t start, uint32_t len,
		      sim_stamp_t stamp, uint32_t origin)
{
	struct read_ctx *rc = ctx;
	uint32_t a = start > rc->coff ? start : rc->coff;
	uint32_t b = start + len < rc->coff + rc->clen ? start + len
						       : rc->coff + rc->clen;
	struct oracle_mismatch mm;

	if (a >= b)
		return start < rc->coff + rc->clen;
	if (!oracle_shadow_check(&rc->f->shadow, rc->file_off + (a - rc->coff),
				 b - a, stamp, stamp ? origin + (a - start) : 0,
				 rc->tb, rc->te, &mm)) {
		rc->ok = false;
		if (oracle_count(rc->o, FS_ORACLE_STALE_READ))
			explain_stale_read(rc->o, rc->f, &mm, rc->tb, rc->via,
					   rc->c);
		return false;   /* one violation per read call */
	}
	return true;
}

bool fs_oracle_read(struct inode *inode, uint64_t token, loff_t off,
		    uint32_t len, const struct sim_contents *c, uint32_t coff,
		    const char *via)
{
	struct fs_oracle *o = oracle_of_inode(inode);
	struct read_ctx rc;

	if (!o || !len)
		return true;
	rc = (struct read_ctx){
		.o = o, .f = oracle_file_get(o, inode), .c = c,
		.file_off = (uint64_t)off, .coff = coff, .clen = len,
		.tb = oracle_now(o),
		.te = oracle_now(o), .via = via ? via : "read", .ok = true,
	};
	for (unsigned i = 0; token && i < o->nreads_cap; i++)
		if (o->reads[i].token == token)
			rc.tb = o->reads[i].t_begin;
	SIM_BUG_ON((uint64_t)coff + len > c->size);
	sim_contents_for_each_run(c, check_run, &rc);
	return rc.ok;
}

/* ---- the reverse index ------------------------------------------------------------ */

static uint64_t map_hash(uint64_t pblk)
{
	pblk ^= pblk >> 33;
	pblk *= 0xff51afd7ed558ccdull;
	pblk ^= pblk >> 33;
	return pblk;
}

struct oracle_map *oracle_map_find(const struct oracle_map_index *m,
				   uint64_t pblk)
{
	uint64_t mask = m->cap - 1;

	for (uint64_t i = map_hash(pblk) & mask;; i = (i + 1) & mask) {
		if (m->v[i].pblk == pblk)
			return &m->v[i];
		if (m->v[i].pblk == UINT64_MAX)
			return NULL;
	}
}

void oracle_map_index_init(struct oracle_map_index *m)
{
	m->cap = 1024;
	m->n = 0;
	m->v = g_new(struct oracle_map, m->cap);
	for (uint64_t i = 0; i < m->cap; i++)
		m->v[i].pblk = UINT64_MAX;
}

void oracle_map_index_destroy(struct oracle_map_index *m)
{
	g_free(m->v);
	m->v = NULL;
	m->cap = m->n = 0;
}

static void map_grow(struct oracle_map_index *m)
{
	struct oracle_map *old = m->v;
	uint64_t oldcap = m->cap;

	m->cap *= 2;
	m->v = g_new(struct oracle_map, m->cap);
	for (uint64_t i = 0; i < m->cap; i++)
		m->v[i].pblk = UINT64_MAX;
	m->n = 0;
	for (uint64_t i = 0; i < oldcap; i++)
		if (old[i].pblk != UINT64_MAX)
			*oracle_map_insert(m, old[i].pblk) = old[i];
	g_free(old);
}

struct oracle_map *oracle_map_insert(struct oracle_map_index *m,
				     uint64_t pblk)
{
	uint64_t mask;
	struct oracle_map *e = oracle_map_find(m, pblk);

	if (e)
		return e;
	if (2 * (m->n + 1) > m->cap)
		map_grow(m);
	mask = m->cap - 1;
	for (uint64_t i = map_hash(pblk) & mask;; i = (i + 1) & mask) {
		if (m->v[i].pblk == UINT64_MAX) {
			m->v[i] = (struct oracle_map){ .pblk = pblk };
			m->n++;
			return &m->v[i];
		}
	}
}

/* Backward-shift deletion keeps probe chains intact without tombstones. */
static void map_delete(struct oracle_map_index *m, struct oracle_map *e)
{
	uint64_t mask = m->cap - 1;
	uint64_t i = (uint64_t)(e - m->v), j = i;

	for (;;) {
		j = (j + 1) & mask;
		if (m->v[j].pblk == UINT64_MAX)
			break;
		uint64_t h = map_hash(m->v[j].pblk) & mask;
		/* move j into the hole at i unless its home lies in (i, j] */
		if ((i < j) ? (h <= i || h > j) : (h <= i && h > j)) {
			m->v[i] = m->v[j];
			i = j;
		}
	}
	m->v[i].pblk = UINT64_MAX;
	m->n--;
}

static void map_drop_snaps(struct fs_oracle *o, struct oracle_map *e)
{
	oracle_snap_put(o, e->map_snap);
	oracle_snap_put(o, e->free_snap);
	e->map_snap = e->free_snap = 0;
}

/* e was explained: its snapshots are not needed any more, unless the
 * other kind they serve is still to be explained (a stale mapping whose
 * block then takes a foreign write). */
static void map_done_snaps(struct fs_oracle *o, struct oracle_map *e)
{
	if (!explain_wanted(o, FS_ORACLE_STALE_MAPPING) &&
	    !explain_wanted(o, FS_ORACLE_FOREIGN_WRITE))
		map_drop_snaps(o, e);
}

static void map_add(struct inode *inode, uint32_t lblk, uint64_t pblk,
		    bool pte)
{
	struct fs_oracle *o = oracle_of_inode(inode);
	struct oracle_map *e;

	if (!o)
		return;
	o->map_hooked = true;
	e = oracle_map_insert(&o->map, pblk);
	if (pte)
		e->npte++;
	else
		e->nbh++;
	e->ino = (uint32_t)inode->i_ino;
	e->lblk = lblk;
	e->map_task = oracle_task_now();
	e->map_time = oracle_now(o);
}

static void map_remove(struct inode *inode, uint64_t pblk, bool pte)
{
	struct fs_oracle *o = oracle_of_inode(inode);
	struct oracle_map *e;

	if (!o)
		return;
	e = oracle_map_find(&o->map, pblk);
	/* An unpaired unmap is a bug in the caller's hook placement. */
	SIM_BUG_ON(!e || (pte ? e->npte == 0 : e->nbh == 0));
	/* truncate_pagecache_range drops buffers just after its step note */
	harvest_current(o);
	if (pte)
		e->npte--;
	else
		e->nbh--;
	if (!e->nbh && !e->npte) {
		map_drop_snaps(o, e);
		map_delete(&o->map, e);
	}
}

void fs_oracle_bh_map(struct inode *inode, uint32_t lblk, uint64_t pblk)
{
	map_add(inode, lblk, pblk, false);
}

void fs_oracle_bh_unmap(struct inode *inode, uint32_t lblk, uint64_t pblk)
{
	(void)lblk;
	map_remove(inode, pblk, false);
}

void fs_oracle_dax_pte_map(struct inode *inode, uint64_t pgoff, uint64_t pfn)
{
	map_add(inode, (uint32_t)pgoff, pfn, true);
}

void fs_oracle_dax_pte_unmap(struct inode *inode, uint64_t pgoff,
			     uint64_t pfn)
{
	(void)pgoff;
	map_remove(inode, pfn, true);
}

void fs_oracle_map_bh(struct inode *inode, struct buffer_head *bh,
		      uint32_t lblk, uint64_t pblk)
{
	if (buffer_mapped(bh) && bh->b_blocknr == pblk)
		return;
	if (buffer_mapped(bh))
		fs_oracle_bh_unmap(inode, lblk, bh->b_blocknr);
	set_buffer_mapped(bh);
	bh->b_blocknr = pblk;
	fs_oracle_bh_map(inode, lblk, pblk);
}

void fs_oracle_unmap_bh(struct inode *inode, struct buffer_head *bh,
			uint32_t lblk)
{
	if (!buffer_mapped(bh))
		return;
	clear_buffer_mapped(bh);
	fs_oracle_bh_unmap(inode, lblk, bh->b_blocknr);
}

unsigned fs_oracle_block_mappers(struct super_block *sb, uint64_t pblk)
{
	struct fs_oracle *o = fs_oracle_of(sb);
	const struct oracle_map *e;

	if (!o)
		return 0;
	e = oracle_map_find(&o->map, pblk);
	return e ? e->nbh + e->npte : 0;
}

void fs_oracle_block_free(struct super_block *sb, uint64_t pblk,
			  uint64_t count)
{
	struct fs_oracle *o = fs_oracle_of(sb);

	if (!o || !o->map.n)
		return;
	harvest_current(o);
	for (uint64_t b = pblk; b < pblk + count; b++) {
		struct oracle_map *e = oracle_map_find(&o->map, b);

		if (!e)
			continue;
		e->free_task = oracle_task_now();
		e->free_time = oracle_now(o);
		/* freed while mapped: what the explanation will show, kept
		 * now (the tasks' notes move on before the block is reused) */
		if (explain_wanted(o, FS_ORACLE_STALE_MAPPING) ||
		    explain_wanted(o, FS_ORACLE_FOREIGN_WRITE)) {
			map_drop_snaps(o, e);
			e->free_snap = oracle_snap_take(o, e->free_task);
			if (e->map_task != e->free_task)
				e->map_snap = oracle_snap_take(o, e->map_task);
		}
	}
}

/* The story of a block freed while mapped (stale_mapping, foreign_write):
 * moments, snapshots and the race in words; returns the freeing
 * operation (kind -1: unknown). */
static struct oracle_opref map_story(struct fs_oracle *o,
				     const struct oracle_map *e,
				     struct oracle_story *st, char *race,
				     size_t racelen, char *detail,
				     size_t detlen)
{
	const struct oracle_snap *fs = oracle_snap_get(o, e->free_snap);
	const struct oracle_op *x = oracle_task_op(o, e->free_task);
	struct oracle_opref op = fs ? fs->op : x ? oracle_opref_of(x)
				: (struct oracle_opref){ .kind = -1 };
	const struct oracle_file *f = oracle_file_find(o, e->ino);
	struct address_space *m = f && f->inode ? f->inode->i_mapping : NULL;
	const struct page *page = NULL;
	char opname[96] = "", ml[64], fl[64], rl[64], t0[32], t1[32], t2[32];
	uint64_t idx = 0;
	size_t dl = strlen(detail);

	oracle_task_label(o, e->map_task, ml, sizeof(ml));
	oracle_task_label(o, e->free_task, fl, sizeof(fl));
	if (op.kind >= 0) {
		oracle_fmt_op(opname, sizeof(opname), &op);
		oracle_story_moment(st, op.task, op.t_begin, true, "%s begins",
				    opname);
	}
	if (m && m->page_tree && f) {
		idx = (uint64_t)e->lblk >> (PAGE_SHIFT - f->shadow.blockbits);
		page = page_cache_sim_peek(m, idx);
		if (page && (!page->sim_read_task ||
			     page->sim_read_pblk != e->pblk))
			page = NULL;
	}
	/* a page read during the freeing operation (an older read is not
	 * part of this race) */
	if (page && (op.kind < 0 || page->sim_read_time < op.t_begin))
		page = NULL;
	if (page) {
		oracle_task_label(o, page->sim_read_task, rl, sizeof(rl));
		oracle_fmt_time(t0, sizeof(t0), page->sim_read_time);
		oracle_story_moment(st, page->sim_read_task,
				    page->sim_read_time, false,
				    "reads page %" PRIu64 " from pblk %" PRIu64,
				    idx, e->pblk);
		snprintf(detail + dl, detlen - dl,
			 "  page %" PRIu64 " was read from pblk %" PRIu64
			 " by %s at %s\n", idx, e->pblk, rl, t0);
	}
	oracle_story_moment(st, e->map_task, e->map_time, false,
			    "maps lblk %u to pblk %" PRIu64 " (%s)", e->lblk,
			    e->pblk, e->npte ? "DAX PTE" : "buffer");
	if (e->free_time)
		oracle_story_moment(st, e->free_task, e->free_time, false,
				    "frees pblk %" PRIu64 ", still mapped",
				    e->pblk);
	oracle_story_snap(o, st, e->free_snap);
	oracle_story_snap(o, st, e->map_snap);
	oracle_fmt_time(t0, sizeof(t0), e->map_time);
	oracle_fmt_time(t2, sizeof(t2), e->free_time);
	if (!e->free_time) {
		snprintf(race, racelen, "%s mapped lblk %u to pblk %" PRIu64
			 " at %s; the block was released without a recorded "
			 "free", ml, e->lblk, e->pblk, t0);
	} else if (op.kind >= 0 && e->map_time >= op.t_begin &&
		   e->map_time <= e->free_time) {
		sim_time_t tt = oracle_step_time(o, e->free_snap, op.task,
						 truncate_steps, op.t_begin,
						 e->map_time, true);

		oracle_fmt_time(t1, sizeof(t1), tt >= 0 ? tt : op.t_begin);
		snprintf(race, racelen,
			 "%s mapped lblk %u to pblk %" PRIu64 " at %s, after %s "
			 "of %s %s at %s and before it freed the block at %s: "
			 "the mapping outlived the block", ml, e->lblk,
			 e->pblk, t0, opname, fl,
			 tt >= 0 ? "truncated the page cache" : "began", t1, t2);
	} else {
		snprintf(race, racelen,
			 "%s mapped lblk %u to pblk %" PRIu64 " at %s; %s freed "
			 "the block at %s%s%s with the mapping still in place",
			 ml, e->lblk, e->pblk, t0, fl, t2,
			 op.kind >= 0 ? " in " : "", opname);
	}
	return op;
}

static void explain_stale_mapping(struct fs_oracle *o, struct oracle_map *e)
{
	char head[256], detail[768], race[768] = "", t1[32], t2[32];
	struct oracle_story st = { 0 };

	oracle_fmt_time(t1, sizeof(t1), e->map_time);
	oracle_fmt_time(t2, sizeof(t2), e->free_time);
	snprintf(head, sizeof(head),
		 "stale_mapping: ino %u lblk %u pblk %" PRIu64
		 " reusable while %u buffer(s) and %u DAX PTE(s) map it",
		 e->ino, e->lblk, e->pblk, e->nbh, e->npte);
	if (!e->map_task && !e->map_time) {
		snprintf(detail, sizeof(detail),
			 "  found by scanning the page cache (mappings are not "
			 "reported to the oracle: the mapping task is unknown)\n");
		oracle_story_task(&st, e->free_task);
	} else {
		snprintf(detail, sizeof(detail),
			 "  mapping established by %s%u at %s; block freed by "
			 "%s%u at %s\n",
			 e->map_task ? "task " : "event context", e->map_task ?
			 e->map_task - 1 : 0, t1,
			 e->free_task ? "task " : "event context/unknown ",
			 e->free_task ? e->free_task - 1 : 0,
			 e->free_time ? t2 : "-");
		map_story(o, e, &st, race, sizeof(race), detail,
			  sizeof(detail));
	}
	oracle_explain_story(o, FS_ORACLE_STALE_MAPPING, head, race, detail,
			     &st);
	map_done_snaps(o, e);
}

unsigned fs_oracle_block_reusable(struct super_block *sb, uint64_t pblk,
				  uint64_t count)
{
	struct fs_oracle *o = fs_oracle_of(sb);
	unsigned n = 0;

	if (!o)
		return 0;
	if (!o->map_hooked) {
		/* Nobody reports mappings: scan the page cache (slower, and
		 * no record of the task that mapped the block). */
		struct oracle_map hit;

		n = oracle_scan_range(o, pblk, count, &hit);
		if (n && oracle_count(o, FS_ORACLE_STALE_MAPPING))
			explain_stale_mapping(o, &hit);
		o->count[FS_ORACLE_STALE_MAPPING] += n ? n - 1 : 0;
		return n;
	}
	if (!o->map.n)
		return 0;
	for (uint64_t b = pblk; b < pblk + count; b++) {
		struct oracle_map *e = oracle_map_find(&o->map, b);

		if (!e)
			continue;
		/* The index is a filter; the page cache decides.  An entry
		 * the page cache does not confirm was left by an unpaired
		 * hook call: drop it (fsck's audit reports such drift). */
		if (!oracle_confirm_mapping(o, e)) {
			o->index_stale++;
			map_drop_snaps(o, e);
			map_delete(&o->map, e);
			continue;
		}
		n++;
		if (oracle_count(o, FS_ORACLE_STALE_MAPPING))
			explain_stale_mapping(o, e);
	}
	return n;
}

/* ---- data landing on disk ---------------------------------------------------------- */

void fs_oracle_disk_write(struct super_block *sb, struct inode *inode,
			  uint32_t lblk, uint64_t pblk, bool foreign,
			  const struct ext4_sim_owner *was, const char *via)
{
	struct fs_oracle *o = fs_oracle_of(sb);
	char head[256], owner[128], detail[768], race[768] = "";
	struct oracle_story st = { 0 };
	struct oracle_map *e;

	if (!o || !foreign)
		return;
	if (!oracle_count(o, FS_ORACLE_FOREIGN_WRITE))
		return;
	if (was)
		ext4_sim_owner_format(was, owner, sizeof(owner));
	else
		snprintf(owner, sizeof(owner), "?");
	e = oracle_map_find(&o->map, pblk);
	if (inode)
		snprintf(head, sizeof(head),
			 "foreign_write: %s of ino %lu lblk %u landed in pblk %"
			 PRIu64 ", owned by %s", via ? via : "write",
			 inode->i_ino, lblk, pblk, owner);
	else
		snprintf(head, sizeof(head),
			 "foreign_write: %s landed in pblk %" PRIu64
			 ", owned by %s", via ? via : "meta", pblk, owner);
	snprintf(detail, sizeof(detail),
		 "  the writer's mapping of pblk %" PRIu64 " %s\n", pblk,
		 e ? "was established by the other task shown" :
		     "is not in the buffer/PTE index");
	if (e)
		map_story(o, e, &st, race, sizeof(race), detail,
			  sizeof(detail));
	oracle_explain_story(o, FS_ORACLE_FOREIGN_WRITE, head, race, detail,
			     &st);
	if (e)
		map_done_snaps(o, e);
}

/* ---- engine findings, fsck ----------------------------------------------------------- */

void fs_oracle_finding(void *ctx, struct sim_world *w, const char *kind,
		       const char *report)
{
	struct fs_oracle *o = ctx;
	int k = fs_oracle_kind_from_name(kind);
	GString *s;

	(void)w;
	if (k != FS_ORACLE_DEADLOCK && k != FS_ORACLE_LOCK_ORDER)
		return;
	if (!oracle_count(o, (enum fs_oracle_kind)k))
		return;
	/* The engine's report already lists every involved task with its
	 * wait point and held locks; add the replay line. */
	s = g_string_new(NULL);
	g_string_append_printf(s, "%s: seed %" PRIu64 " job %" PRIu64
			       ": replay with sim/sim --replay %" PRIu64
			       ":%" PRIu64 " %s\n", kind,
			       o->w ? sim_world_seed(o->w) : 0,
			       o->w ? sim_world_job(o->w) : 0,
			       o->w ? sim_world_seed(o->w) : 0,
			       o->w ? sim_world_job(o->w) : 0, o->cfg);
	g_string_append(s, report ? report : "");
	if (s->len && s->str[s->len - 1] != '\n')
		g_string_append_c(s, '\n');
	g_ptr_array_add(o->explain[k], g_string_free(s, FALSE));
}

struct fsck_ctx {
	struct fs_oracle *o;
	unsigned found;
};

/* Each distinct problem counts once per job: with --paranoid the same
 * broken invariant is seen after every later operation. */
static void fsck_report(void *ctx, const char *check, bool soft,
			const char *msg)
{
	struct fsck_ctx *fc = ctx;
	struct fs_oracle *o = fc->o;
	char head[640];

	snprintf(head, sizeof(head), "fsck: %s%s: %s", check,
		 soft ? " (soft)" : "", msg);
	if (!o->fsck_seen)
		o->fsck_seen = g_hash_table_new_full(g_str_hash, g_str_equal,
						     g_free, NULL);
	if (g_hash_table_contains(o->fsck_seen, head))
		return;
	g_hash_table_add(o->fsck_seen, g_strdup(head));
	fc->found++;
	if (oracle_count(o, FS_ORACLE_FSCK))
		oracle_explain(o, FS_ORACLE_FSCK, head, NULL, NULL, 0);
}

/* Index drift is the oracle's own bookkeeping (a hook missing or placed
 * twice in the kernel paths), not a broken model invariant: kept apart
 * from the fsck count so that it cannot inflate the violations. */
static void audit_report(void *ctx, const char *msg)
{
	struct fsck_ctx *fc = ctx;
	struct fs_oracle *o = fc->o;

	o->index_drift++;
	if (!o->index_drift_first)
		o->index_drift_first = g_strdup(msg);
}

static bool quiescent(const struct fs_oracle *o)
{
	for (unsigned i = 0; i < o->nfiles; i++)
		if (o->files[i]->inflight)
			return false;
	return true;
}

static unsigned oracle_fsck_flags(struct fs_oracle *o, unsigned flags)
{
	struct inode **inodes;
	struct fsck_ctx fc = { .o = o };

	if (!o || !o->sb || o->in_fsck)
		return 0;
	o->in_fsck = true;
	inodes = g_new(struct inode *, o->nfiles + 1);
	for (unsigned i = 0; i < o->nfiles; i++)
		inodes[i] = o->files[i]->inode;
	ext4_sim_fsck(o->sb, inodes, o->nfiles, flags, fsck_report, &fc);
	if (o->map_hooked && (flags & EXT4_SIM_FSCK_QUIESCENT))
		oracle_index_audit(o, audit_report, &fc);
	g_free(inodes);
	o->fsck_runs++;
	o->in_fsck = false;
	return fc.found;
}

unsigned fs_oracle_fsck(struct fs_oracle *o)
{
	/* between operations of a running world: only the checks that hold
	 * at every step (fs/ext4/fsck.h) */
	return oracle_fsck_flags(o, 0);
}

/* ---- lost writes ------------------------------------------------------------------------ */

struct visible_ctx {
	struct fs_oracle *o;
	struct oracle_file *f;
	uint64_t file_off;
	uint32_t coff, clen;
	uint64_t last_bad_blk;   /* count once per fs block */
	bool ok;
};

static void explain_visible(struct fs_oracle *o, struct oracle_file *f,
			    enum fs_oracle_kind k, uint64_t x,
			    sim_stamp_t got, uint32_t got_origin,
			    sim_stamp_t want, uint32_t want_origin,
			    uint32_t want_task)
{
	struct ext4_sim_disk *d = EXT4_SB(o->sb)->s_disk;
	char head[256], detail[768], gbuf[160], wbuf[160];
	uint32_t tasks[2] = { want_task, f->last_remove_task };

	if (got)
		sim_stamp_format(&d->stamps, got, gbuf, sizeof(gbuf));
	else
		snprintf(gbuf, sizeof(gbuf), "zeros");
	if (want)
		sim_stamp_format(&d->stamps, want, wbuf, sizeof(wbuf));
	else
		snprintf(wbuf, sizeof(wbuf), "zeros");
	snprintf(head, sizeof(head),
		 "%s: ino %" PRIu64 " offset %" PRIu64 " lblk %" PRIu64
		 " at end of job", fs_oracle_kind_name(k), f->ino, x,
		 x >> f->shadow.blockbits);
	snprintf(detail, sizeof(detail),
		 "  the file shows byte %u of %s\n"
		 "  the last completed operation left byte %u of %s\n",
		 got_origin, gbuf, want_origin, wbuf);
	oracle_explain(o, k, head, detail, tasks, 2);
}

static bool visible_run(void *ctx, uint32_t start, uint32_t len,
			sim_stamp_t stamp, uint32_t origin)
{
	struct visible_ctx *vc = ctx;
	uint32_t a = MAX(start, vc->coff);
	uint32_t b = MIN(start + len, vc->coff + vc->clen);

	while (a < b) {
		uint64_t x = vc->file_off + (a - vc->coff);
		uint32_t g = stamp ? origin + (a - start) : 0;
		sim_stamp_t want;
		uint32_t worigin, run, wtask;
		bool single = oracle_shadow_final(&vc->f->shadow, x, &want,
						  &worigin, &run, &wtask);
		uint32_t step = MIN(run, b - a);

		if (single && (want != stamp || (stamp && worigin != g))) {
			uint64_t blk = x >> vc->f->shadow.blockbits;
			enum fs_oracle_kind k = want ? FS_ORACLE_LOST_WRITE
						     : FS_ORACLE_STALE_READ;

			vc->ok = false;
			if (blk != vc->last_bad_blk) {
				vc->last_bad_blk = blk;
				if (oracle_count(vc->o, k))
					explain_visible(vc->o, vc->f, k, x, stamp,
							g, want, worigin, wtask);
			}
		}
		a += step;
	}
	return start + len < vc->coff + vc->clen;
}

bool fs_oracle_check_visible(struct inode *inode, loff_t off, uint32_t len,
			     const struct sim_contents *c, uint32_t coff)
{
	struct fs_oracle *o = oracle_of_inode(inode);
	struct visible_ctx vc;

	if (!o || !len)
		return true;
	SIM_BUG_ON((uint64_t)coff + len > c->size);
	vc = (struct visible_ctx){
		.o = o, .f = oracle_file_get(o, inode), .file_off = (uint64_t)off,
		.coff = coff, .clen = len, .last_bad_blk = UINT64_MAX, .ok = true,
	};
	sim_contents_for_each_run(c, visible_run, &vc);
	return vc.ok;
}

void fs_oracle_finish(struct fs_oracle *o)
{
	bool quiet;

	if (!o)
		return;
	quiet = quiescent(o);
	for (unsigned i = 0; i < o->nfiles; i++) {
		struct oracle_file *f = o->files[i];

		/* a job stopped mid-operation: the ranges those operations
		 * touch have no verdict (oracle_visible_check skips them) */
		oracle_visible_check(o, f);
	}
	oracle_fsck_flags(o, quiet ? EXT4_SIM_FSCK_QUIESCENT : 0);
}

/* ---- results -------------------------------------------------------------------------- */

uint64_t fs_oracle_count(const struct fs_oracle *o, enum fs_oracle_kind k)
{
	return o && (unsigned)k < FS_ORACLE_NR_KINDS ? o->count[k] : 0;
}

sim_time_t fs_oracle_first_time(const struct fs_oracle *o,
				enum fs_oracle_kind k)
{
	return o && (unsigned)k < FS_ORACLE_NR_KINDS ? o->first_time[k] : -1;
}

uint64_t fs_oracle_total(const struct fs_oracle *o)
{
	uint64_t n = 0;

	for (int k = 0; o && k < FS_ORACLE_NR_KINDS; k++)
		n += o->count[k];
	return n;
}

unsigned fs_oracle_explained(const struct fs_oracle *o, enum fs_oracle_kind k)
{
	return o && (unsigned)k < FS_ORACLE_NR_KINDS ? o->explain[k]->len : 0;
}

const char *fs_oracle_explanation(const struct fs_oracle *o,
				  enum fs_oracle_kind k, unsigned i)
{
	if (!o || (unsigned)k >= FS_ORACLE_NR_KINDS || i >= o->explain[k]->len)
		return NULL;
	return g_ptr_array_index(o->explain[k], i);
}

uint64_t fs_oracle_index_drift(const struct fs_oracle *o, const char **first)
{
	if (first)
		*first = o ? o->index_drift_first : NULL;
	return o ? o->index_drift + o->index_stale : 0;
}

void fs_oracle_summary(const struct fs_oracle *o, FILE *out)
{
	for (int k = 0; o && k < FS_ORACLE_NR_KINDS; k++)
		if (o->count[k])
			fprintf(out, "%s: %" PRIu64 "\n", kind_names[k],
				o->count[k]);
}

const char *oracle_remove_name(int kind)
{
	return kind >= 0 && kind <= FS_ORACLE_FALLOCATE ? remove_names[kind]
							: "write";
}
