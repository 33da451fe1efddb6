/* fs/oracle/fsck.c — whole-model invariants of the ext4 model (see
 * fs/oracle/fsck.h; model-only, in the spirit of e2fsck passes 1 and 5).
 *
 * It composes the modules' own checkers (extents_check.c's tree walk,
 * ext4_sim_mb_check, ext4_sim_disk_check, page_cache_sim_check) and adds
 * what needs all of them at once: a claim table of every block the trees
 * reference, checked against the disk's owners in both directions, and the
 * page cache against i_size and the trees.  Claims and owners are compared
 * a range (extent, owner run) at a time, so the cost follows the number of
 * extents and runs, not of blocks; where ranges overlap or disagree, the
 * blocks are checked one by one, reporting exactly what a per-block table
 * would (same problems, same order).
 *
 * Reads only: no locks, no costs, no simulated time — it may run between
 * any two events (EXT4_SIM_FSCK_QUIESCENT says whether operations are in
 * flight).  Allocates freely (it is a checker, not a hot path).
 */
#include "config.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "fs/block/disk.h"
#include "fs/ext4/ext4_extents.h"
#include "fs/oracle/fsck.h"
#include "fs/ext4/mballoc.h"
#include "fs/jbd2/jbd2.h"
#include "fs/mm.h"

/* One block a tree references (the per-block view the checks are stated
 * in). */
struct claim {
	uint64_t pblk;
	uint32_t ino;
	uint32_t lblk;     /* data: logical block; node: depth */
	uint8_t node;      /* 1: extent-tree node */
	uint8_t unwritten;
};

/* Blocks [pblk, pblk + count) a tree references: an extent (lblk rising
 * along it) or one node.  Kept as ranges, so a 100 GiB file is a few
 * hundred claims, not 26 M; checked a range at a time, and a block at a
 * time only where ranges overlap or disagree with the disk. */
struct claim_range {
	uint64_t pblk, count;
	uint32_t ino;
	uint32_t lblk;
	uint8_t node;
	uint8_t unwritten;
	uint32_t seq;      /* order of collection (ties sort stably by it) */
};

struct fsck {
	struct super_block *sb;
	struct ext4_sim_disk *disk;
	unsigned flags;
	ext4_sim_fsck_report_fn report;
	void *ctx;
	unsigned problems;
	GArray *claims;          /* struct claim_range */
	GArray *claimed;         /* struct claim_range: union, disjoint, sorted */
	/* the extents of the inode being walked (for the mapping check) */
	GArray *exts;            /* struct ext4_extent */
	uint32_t ino;
	GArray *listed;          /* uint32_t ino of every listed inode */
	GArray *broken;          /* ... whose tree could not be walked */
};

static void G_GNUC_PRINTF(4, 5)
problem(struct fsck *f, const char *check, bool soft, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	f->problems++;
	if (f->report)
		f->report(f->ctx, check, soft, msg);
}

/* ---- collecting claims ------------------------------------------------------------ */

static void claim_add(struct fsck *f, uint64_t pblk, uint64_t count,
		      uint32_t lblk, bool node, bool unwritten)
{
	struct claim_range c = {
		.pblk = pblk, .count = count, .ino = f->ino, .lblk = lblk,
		.node = node, .unwritten = unwritten, .seq = f->claims->len,
	};

	g_array_append_val(f->claims, c);
}

static void claim_node(void *ctx, ext4_fsblk_t blk, int depth)
{
	claim_add(ctx, blk, 1, (uint32_t)depth, true, false);
}

static void claim_extent(void *ctx, const struct ext4_extent *ex)
{
	struct fsck *f = ctx;
	unsigned len = (unsigned)ext4_ext_get_actual_len(ex);

	g_array_append_val(f->exts, *ex);
	if (len)
		claim_add(f, ext4_ext_pblock(ex), len, le32_to_cpu(ex->ee_block),
			  false, ext4_ext_is_unwritten(ex));
}

static int claim_cmp(const void *a, const void *b)
{
	const struct claim *x = a, *y = b;

	if (x->pblk != y->pblk)
		return x->pblk < y->pblk ? -1 : 1;
	if (x->ino != y->ino)
		return x->ino < y->ino ? -1 : 1;
	return x->lblk < y->lblk ? -1 : x->lblk > y->lblk;
}

static int range_cmp(const void *a, const void *b)
{
	const struct claim_range *x = a, *y = b;

	if (x->pblk != y->pblk)
		return x->pblk < y->pblk ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int seq_cmp(const void *a, const void *b)
{
	const struct claim_range *x = a, *y = b;

	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Is pblk in a claimed range?  (f->claimed: the union, sorted) */
static bool claim_find(const struct fsck *f, uint64_t pblk)
{
	const struct claim_range *v =
		(const struct claim_range *)(void *)f->claimed->data;
	size_t lo = 0, hi = f->claimed->len;   /* first range ending above pblk */

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (v[mid].pblk + v[mid].count <= pblk)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < f->claimed->len && v[lo].pblk <= pblk;
}

/* ---- per inode: tree, page cache ------------------------------------------------------ */

/* The physical block lblk maps to in the inode's extents (sorted), or 0 for
 * a hole; *unwritten says whether the extent is unwritten. */
static uint64_t ext_lookup(const struct fsck *f, uint32_t lblk, bool *unwritten)
{
	const struct ext4_extent *ex = ext4_sim_ext_array_find(
		(const struct ext4_extent *)(void *)f->exts->data, f->exts->len,
		lblk);

	*unwritten = ex && ext4_ext_is_unwritten(ex);
	return ex ? ext4_ext_pblock(ex) + (lblk - le32_to_cpu(ex->ee_block)) : 0;
}

/* Nothing can reach the disk or a user from this page. */
static bool page_sim_inert(struct page *page)
{
	struct buffer_head *head, *bh;

	if (PageDirty(page) || PageWriteback(page) || page_mapped(page))
		return false;
	if (!page_has_buffers(page))
		return true;
	head = bh = page_buffers(page);
	do {
		if (buffer_mapped(bh) || buffer_dirty(bh))
			return false;
		bh = bh->b_this_page;
	} while (bh != head);
	return true;
}

static void check_pagecache(struct fsck *f, struct inode *inode, bool tree_ok)
{
	struct address_space *mapping = inode->i_mapping;
	char why[256];
	pgoff_t end = (pgoff_t)DIV_ROUND_UP((uint64_t)i_size_read(inode),
					    PAGE_SIZE);
	unsigned bits = inode->i_sb->s_blocksize_bits;

	if (!mapping || !mapping->page_tree)
		return;
	if (!page_cache_sim_check(mapping, why, sizeof(why)))
		problem(f, "pagecache", false, "inode %lu: %s", inode->i_ino, why);
	if (!(f->flags & EXT4_SIM_FSCK_QUIESCENT))
		return;
	for (struct page *page = page_cache_sim_next(mapping, 0, -1); page;
	     page = page_cache_sim_next(mapping, page->index + 1, -1)) {
		/* A clean, unmapped page past EOF without mapped buffers is
		 * harmless and legal: v5.15 filemap_fault checks i_size before
		 * taking invalidate_lock, so a fault racing a size reduction
		 * creates the page, rechecks under the page lock and returns
		 * SIGBUS, leaving it cached (zeroes, no blocks). */
		if (page->index >= end && !page_sim_inert(page)) {
			problem(f, "pagecache", false,
				"inode %lu: page %" PRIu64 " beyond EOF (i_size %"
				PRId64 ")", inode->i_ino, (uint64_t)page->index,
				(int64_t)i_size_read(inode));
		}
		if (!tree_ok || (f->flags & EXT4_SIM_FSCK_NO_SOFT) ||
		    !page_has_buffers(page) || PageDirty(page) ||
		    PageWriteback(page))
			continue;
		/* clean page: its mapped, non-delayed buffers must point where
		 * the tree says (soft: racy strategies break this) */
		struct buffer_head *head = page_buffers(page), *bh = head;

		do {
			bool unwritten;
			uint32_t lblk = (uint32_t)((uint64_t)bh_sim_offset(bh) >> bits);
			uint64_t p;

			if (buffer_mapped(bh) && !buffer_delay(bh) &&
			    !buffer_dirty(bh)) {
				p = ext_lookup(f, lblk, &unwritten);
				if (p != bh->b_blocknr)
					problem(f, "mappings", true,
						"inode %lu: clean page %" PRIu64
						" buffer lblk %u maps pblk %" PRIu64
						", the tree %s %" PRIu64,
						inode->i_ino, (uint64_t)page->index,
						lblk, (uint64_t)bh->b_blocknr,
						p ? "maps pblk" : "has a hole at lblk",
						p ? p : (uint64_t)lblk);
			}
			bh = bh->b_this_page;
		} while (bh != head);
	}
}

static void check_inode(struct fsck *f, struct inode *inode)
{
	char why[256];
	struct ext4_sim_ext_census census;
	bool tree_ok;

	f->ino = (uint32_t)inode->i_ino;
	g_array_set_size(f->exts, 0);
	tree_ok = ext4_sim_ext_check_tree(inode, 0, &census, why,
					  sizeof(why)) == 0;
	g_array_append_val(f->listed, f->ino);
	if (!tree_ok) {
		problem(f, "tree", false, "%s", why);
		g_array_append_val(f->broken, f->ino);
	} else {
		ext4_sim_ext_for_each_node(inode, claim_node, f);
		ext4_sim_ext_for_each_extent(inode, claim_extent, f);
	}
	check_pagecache(f, inode, tree_ok);
}

/* ---- whole disk ----------------------------------------------------------------------- */

/* Does the journal still hold a copy of blk newer than its home location:
 * in the running or committing transaction, or committed and waiting for
 * a checkpoint (j_cp_owner)?  Then a checkpoint (or, after a crash, the
 * replay) writes the block home again and repairs a clobbered home copy. */
static bool journal_holds(const struct fsck *f, uint64_t blk)
{
	journal_t *j = EXT4_SB(f->sb)->s_journal;
	const struct jbd2_sim_cpmap *cp;

	if (!j)
		return false;
	if (j->j_running_transaction &&
	    jbd2_sim_bufset_contains(&j->j_running_transaction->t_bufs, blk))
		return true;
	if (j->j_committing_transaction &&
	    jbd2_sim_bufset_contains(&j->j_committing_transaction->t_bufs, blk))
		return true;
	/* the checkpoint map's lookup is private to checkpoint.c: scan it
	 * (fsck is no hot path) */
	cp = &j->j_cp_owner;
	for (unsigned i = 0; i < cp->size; i++)
		if (cp->slots[i].used && cp->slots[i].key == blk)
			return true;
	return false;
}

/* A data write landed on a metadata block after the block was last written
 * home.  For an extent-tree node that is the "clobbered node" e2fsck would
 * find — unless the journal still holds a newer copy of the node, which a
 * checkpoint or a replay writes over the garbage: then it is reported as
 * soft (the write hit the node, the damage is not permanent yet). */
static bool check_clobbered(void *ctx, uint64_t blk,
			    const struct ext4_sim_owner *o)
{
	struct fsck *f = ctx;
	char owner[128], stamp[160];

	if (!o->clobbered)
		return true;
	ext4_sim_owner_format(o, owner, sizeof(owner));
	sim_stamp_format(&f->disk->stamps, o->clobber, stamp, sizeof(stamp));
	if (o->kind != EXT4_SIM_OWN_NODE) {
		problem(f, "clobber", false,
			"pblk %" PRIu64 " (%s) overwritten by data: %s", blk,
			owner, stamp);
	} else if (journal_holds(f, blk)) {
		problem(f, "clobber", true,
			"pblk %" PRIu64 " (%s) overwritten by data: %s; the "
			"journal holds a newer copy of the node, which a "
			"checkpoint or replay writes back", blk, owner, stamp);
	} else {
		problem(f, "clobber", false,
			"pblk %" PRIu64 " (%s): clobbered extent-tree node, its "
			"home copy overwritten by data: %s", blk, owner, stamp);
	}
	return true;
}

/* The per-block checks of sorted claims v[0..n) (as one sorted table of
 * every block would have them). */
static void check_block_claims(struct fsck *f, const struct claim *v,
			       size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct ext4_sim_owner *o;
		char owner[128];

		if (i + 1 < n && v[i + 1].pblk == v[i].pblk)
			problem(f, "owners", false,
				"pblk %" PRIu64 " referenced twice: %s of ino %u "
				"(%u) and %s of ino %u (%u)", v[i].pblk,
				v[i].node ? "node" : "data", v[i].ino, v[i].lblk,
				v[i + 1].node ? "node" : "data", v[i + 1].ino,
				v[i + 1].lblk);
		if (v[i].pblk >= f->disk->nblocks) {
			problem(f, "owners", false,
				"pblk %" PRIu64 " of ino %u beyond the disk",
				v[i].pblk, v[i].ino);
			continue;
		}
		if (!(f->flags & EXT4_SIM_FSCK_QUIESCENT))
			continue;
		o = ext4_sim_disk_owner(f->disk, v[i].pblk);
		if (v[i].node ? (o->kind == EXT4_SIM_OWN_NODE &&
				 o->ino == v[i].ino)
			      : (o->kind == EXT4_SIM_OWN_DATA &&
				 o->ino == v[i].ino && o->lblk == v[i].lblk))
			continue;
		ext4_sim_owner_format(o, owner, sizeof(owner));
		if (v[i].node)
			problem(f, "owners", false,
				"pblk %" PRIu64 " is a tree node of ino %u but "
				"owned by %s", v[i].pblk, v[i].ino, owner);
		else
			problem(f, "owners", false,
				"pblk %" PRIu64 " is ino %u lblk %u but owned by %s",
				v[i].pblk, v[i].ino, v[i].lblk, owner);
	}
}

/* Does the disk agree with range r as a whole (no per-block problem)? */
static bool range_clean(const struct fsck *f, const struct claim_range *r)
{
	const struct ext4_sim_owner *o;

	if (r->pblk >= f->disk->nblocks || r->count > f->disk->nblocks - r->pblk)
		return false;
	if (!(f->flags & EXT4_SIM_FSCK_QUIESCENT))
		return true;
	if (!r->node)
		return ext4_sim_disk_find_not_data(f->disk, r->pblk, r->count,
						   r->ino, r->lblk) == UINT64_MAX;
	o = ext4_sim_disk_owner(f->disk, r->pblk);
	return o->kind == EXT4_SIM_OWN_NODE && o->ino == r->ino;
}

/* Ranges c[0..n) overlap one another (or one range disagrees with the
 * disk): check them block by block, in the order one sorted table of
 * blocks would have. */
static void check_cluster(struct fsck *f, struct claim_range *c, size_t n)
{
	GArray *blocks = g_array_new(FALSE, FALSE, sizeof(struct claim));

	qsort(c, n, sizeof(*c), seq_cmp);   /* collection order */
	for (size_t i = 0; i < n; i++)
		for (uint64_t k = 0; k < c[i].count; k++) {
			struct claim b = {
				.pblk = c[i].pblk + k, .ino = c[i].ino,
				.lblk = c[i].lblk + (c[i].node ? 0 : (uint32_t)k),
				.node = c[i].node, .unwritten = c[i].unwritten,
			};

			g_array_append_val(blocks, b);
		}
	if (blocks->len > 1)
		qsort(blocks->data, blocks->len, sizeof(struct claim), claim_cmp);
	check_block_claims(f, (const struct claim *)(void *)blocks->data,
			   blocks->len);
	g_array_free(blocks, TRUE);
}

static void check_claims(struct fsck *f)
{
	struct claim_range *v = (struct claim_range *)(void *)f->claims->data;
	size_t n = f->claims->len;

	if (n > 1)
		qsort(v, n, sizeof(*v), range_cmp);
	for (size_t i = 0; i < n;) {
		uint64_t end = v[i].pblk + v[i].count;
		size_t j = i + 1;
		struct claim_range u;

		while (j < n && v[j].pblk < end) {
			end = MAX(end, v[j].pblk + v[j].count);
			j++;
		}
		u = (struct claim_range){ .pblk = v[i].pblk, .count = end - v[i].pblk };
		g_array_append_val(f->claimed, u);
		if (j > i + 1 || !range_clean(f, &v[i]))
			check_cluster(f, &v[i], j - i);
		i = j;
	}
}

static bool ino_in(const GArray *a, uint32_t ino)
{
	for (unsigned i = 0; i < a->len; i++)
		if (g_array_index(a, uint32_t, i) == ino)
			return true;
	return false;
}

struct leak_ctx {
	struct fsck *f;
	enum ext4_sim_owner_kind kind;
};

/* A run of DATA or NODE blocks: every block no tree claims is a leak. */
static bool check_leak_run(void *ctx, uint64_t blk, uint64_t count,
			   const struct ext4_sim_owner *o)
{
	struct leak_ctx *lc = ctx;
	struct fsck *f = lc->f;
	char owner[128];

	if (o->kind != lc->kind)
		return true;
	/* blocks of files not listed are judged only with a complete list;
	 * a tree that could not be walked claims nothing (reported above) */
	if (!(f->flags & EXT4_SIM_FSCK_COMPLETE) && !ino_in(f->listed, o->ino))
		return true;
	if (ino_in(f->broken, o->ino))
		return true;
	for (uint64_t b = blk; b < blk + count; b++) {
		struct ext4_sim_owner ob = *o;

		if (claim_find(f, b))
			continue;
		if (o->kind == EXT4_SIM_OWN_DATA)
			ob.lblk += (uint32_t)(b - blk);
		ext4_sim_owner_format(&ob, owner, sizeof(owner));
		problem(f, "leak", false,
			"pblk %" PRIu64 " allocated (%s) but in no listed tree", b,
			owner);
	}
	return true;
}

/* The claimed blocks of a DATA or NODE run are skipped a range at a time:
 * only the unclaimed stretches are looked at block by block. */
static bool leak_run(void *ctx, uint64_t blk, uint64_t count,
		     const struct ext4_sim_owner *o)
{
	struct leak_ctx *lc = ctx;
	const struct claim_range *v =
		(const struct claim_range *)(void *)lc->f->claimed->data;
	size_t n = lc->f->claimed->len, lo = 0, hi = n;
	uint64_t b = blk, end = blk + count;

	if (o->kind != lc->kind)
		return true;
	while (lo < hi) {   /* first claimed range ending above blk */
		size_t mid = (lo + hi) / 2;

		if (v[mid].pblk + v[mid].count <= blk)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; b < end; i++) {
		uint64_t gap_end = i < n ? MIN(v[i].pblk, end) : end;

		if (gap_end > b) {
			struct ext4_sim_owner ob = *o;

			if (o->kind == EXT4_SIM_OWN_DATA)
				ob.lblk += (uint32_t)(b - blk);
			check_leak_run(lc, b, gap_end - b, &ob);
		}
		if (i >= n)
			break;
		b = MAX(b, v[i].pblk + v[i].count);
	}
	return true;
}

unsigned ext4_sim_fsck(struct super_block *sb, struct inode *const *inodes,
		       unsigned ninodes, unsigned flags,
		       ext4_sim_fsck_report_fn report, void *ctx)
{
	struct ext4_sb_info *sbi = EXT4_SB(sb);
	struct fsck f = {
		.sb = sb, .disk = sbi->s_disk, .flags = flags,
		.report = report, .ctx = ctx,
		.claims = g_array_new(FALSE, FALSE, sizeof(struct claim_range)),
		.claimed = g_array_new(FALSE, FALSE, sizeof(struct claim_range)),
		.exts = g_array_new(FALSE, FALSE, sizeof(struct ext4_extent)),
		.listed = g_array_new(FALSE, FALSE, sizeof(uint32_t)),
		.broken = g_array_new(FALSE, FALSE, sizeof(uint32_t)),
	};
	char why[256];

	for (unsigned i = 0; i < ninodes; i++)
		if (inodes[i])
			check_inode(&f, inodes[i]);
	if (f.disk) {
		/* only blocks with a record of their own can be clobbered */
		ext4_sim_disk_for_each_clobbered(f.disk, EXT4_SIM_OWN_NODE,
						 check_clobbered, &f);
		ext4_sim_disk_for_each_clobbered(f.disk, EXT4_SIM_OWN_FSMETA,
						 check_clobbered, &f);
		ext4_sim_disk_for_each_clobbered(f.disk, EXT4_SIM_OWN_JOURNAL,
						 check_clobbered, &f);
		check_claims(&f);
		if (flags & EXT4_SIM_FSCK_QUIESCENT) {
			struct leak_ctx lc = { .f = &f };

			/* DATA and NODE blocks always have runs of their own */
			lc.kind = EXT4_SIM_OWN_DATA;
			ext4_sim_disk_for_each_stored(f.disk, leak_run, &lc);
			lc.kind = EXT4_SIM_OWN_NODE;
			ext4_sim_disk_for_each_stored(f.disk, leak_run, &lc);
		}
		if (!ext4_sim_disk_check(f.disk, why, sizeof(why)))
			problem(&f, "disk", false, "%s", why);
	}
	if (sbi->s_mb && !ext4_sim_mb_check(sb, why, sizeof(why)))
		problem(&f, "mballoc", false, "%s", why);
	g_array_free(f.claims, TRUE);
	g_array_free(f.claimed, TRUE);
	g_array_free(f.exts, TRUE);
	g_array_free(f.listed, TRUE);
	g_array_free(f.broken, TRUE);
	return f.problems;
}
