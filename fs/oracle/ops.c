/* fs/oracle/ops.c — the oracle's data hooks (model-only): the kernel
 * paths report writes (fs_oracle_write_begin/end), block-removing
 * operations (fs_oracle_remove_begin/end) and reads (fs_oracle_read_begin,
 * fs_oracle_read); this file keeps the per-file shadow up to date through
 * them, records the operations in flight with the step notes of their
 * tasks, and flags a read that returned bytes no write left there
 * (stale_read; its explanation is built by explain_kinds.c).
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs/block/disk.h"
#include "fs/ext4/ext4.h"
#include "fs/oracle/fsck.h"
#include "fs/mm.h"
#include "fs/oracle/internal.h"

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

struct oracle_op *oracle_op_find(struct fs_oracle *o, uint64_t id)
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
	    !(oracle_explain_wanted(o, FS_ORACLE_STALE_READ) ||
	      oracle_explain_wanted(o, FS_ORACLE_STALE_MAPPING) ||
	      oracle_explain_wanted(o, FS_ORACLE_FOREIGN_WRITE)))
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
void oracle_harvest_current(struct fs_oracle *o)
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

	if (!o || !id || !(op = oracle_op_find(o, id)))
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

	if (!o || !id || !(op = oracle_op_find(o, id)))
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
	    oracle_explain_wanted(o, FS_ORACLE_STALE_READ))
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
			oracle_explain_stale_read(rc->o, rc->f, &mm, rc->tb, rc->via,
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
