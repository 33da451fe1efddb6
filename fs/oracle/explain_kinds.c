/* fs/oracle/explain_kinds.c — the explanation of each kind of violation
 * the oracle's detectors find (model-only): what a stale read returned and
 * which operation had removed or zeroed those bytes, how a stale mapping
 * came to be (oracle_map_story), and what a lost write left visible.  Each builds
 * its headline and detail lines and hands them, with the tasks' snapshots,
 * to explain.c, which lays out the interleaving.
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

void oracle_explain_stale_read(struct fs_oracle *o, struct oracle_file *f,
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
		const struct oracle_op *x = oracle_op_find(o, mm->want_op);

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

/* The story of a block freed while mapped (stale_mapping, foreign_write):
 * moments, snapshots and the race in words; returns the freeing
 * operation (kind -1: unknown). */
struct oracle_opref oracle_map_story(struct fs_oracle *o,
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

void oracle_explain_stale_mapping(struct fs_oracle *o, struct oracle_map *e)
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
		oracle_map_story(o, e, &st, race, sizeof(race), detail,
			  sizeof(detail));
	}
	oracle_explain_story(o, FS_ORACLE_STALE_MAPPING, head, race, detail,
			     &st);
	oracle_map_done_snaps(o, e);
}

void oracle_explain_visible(struct fs_oracle *o, struct oracle_file *f,
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
