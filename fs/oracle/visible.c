/* fs/oracle/visible.c — what the oracle reads from the model itself
 * (model-only): a file's visible contents (page cache over disk through the
 * extent tree) for the end-of-job lost_write check, and a scan of every
 * registered file's page-cache buffers and DAX PTEs, which stands in for
 * the reverse index until the page cache reports mappings, and audits the
 * index once it does.
 *
 * Reads only, without locks or costs (peeks: page_cache_sim_peek/_next,
 * the extent walker over the buffer cache); runs outside tasks or between
 * two events.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "fs/block/disk.h"
#include "fs/ext4/ext4_extents.h"
#include "fs/oracle/fsck.h"
#include "fs/mm.h"
#include "fs/oracle/internal.h"

/* ---- a file's visible contents --------------------------------------------------- */

static void collect_extent(void *ctx, const struct ext4_extent *ex)
{
	g_array_append_val((GArray *)ctx, *ex);
}

/* The extent covering lblk (exts sorted), or NULL. */
static const struct ext4_extent *ext_find(const GArray *exts, uint32_t lblk)
{
	return ext4_sim_ext_array_find(
		(const struct ext4_extent *)(void *)exts->data, exts->len, lblk);
}

/* The block the file maps lblk to now (through the extent tree), or -1
 * for a hole; *unwritten says if the extent is unwritten.  Walks the whole
 * tree: for explanations only. */
int64_t oracle_file_pblk(struct oracle_file *f, uint32_t lblk,
			 bool *unwritten)
{
	GArray *exts = g_array_new(FALSE, FALSE, sizeof(struct ext4_extent));
	const struct ext4_extent *ex;
	int64_t p = -1;

	*unwritten = false;
	if (ext4_sim_ext_for_each_extent(f->inode, collect_extent, exts) == 0 &&
	    (ex = ext_find(exts, lblk))) {
		p = (int64_t)(ext4_ext_pblock(ex) + (lblk - le32_to_cpu(ex->ee_block)));
		*unwritten = ext4_ext_is_unwritten(ex);
	}
	g_array_free(exts, TRUE);
	return p;
}

/* out (PAGE_SIZE) = page idx as a read would see it now. */
static void visible_page(struct inode *inode, const GArray *exts, pgoff_t idx,
			 struct sim_contents *out)
{
	struct ext4_sim_disk *d = EXT4_SB(inode->i_sb)->s_disk;
	unsigned bs = inode->i_sb->s_blocksize, bits = inode->i_sb->s_blocksize_bits;
	struct page *page = inode->i_mapping && inode->i_mapping->page_tree ?
			    page_cache_sim_peek(inode->i_mapping, idx) : NULL;

	struct buffer_head *bh = page && page_has_buffers(page) ?
				 page_buffers(page) : NULL;

	if (page && PageUptodate(page)) {
		sim_contents_copy_all(out, &page->contents);
		return;
	}
	sim_contents_zero(out, 0, PAGE_SIZE);
	for (unsigned o = 0; o < PAGE_SIZE; o += bs,
	     bh = bh ? bh->b_this_page : NULL) {
		uint32_t lblk = (uint32_t)((((uint64_t)idx << PAGE_SHIFT) + o) >> bits);
		const struct ext4_extent *ex = ext_find(exts, lblk);

		/* A page that is not uptodate can still hold uptodate
		 * buffers (partial-block zeroing reads and dirties just its
		 * buffer): a read keeps them (block_read_full_page reads
		 * only the others), so they are what the file shows. */
		if (bh && buffer_uptodate(bh)) {
			sim_contents_copy(out, o, &page->contents, o, bs);
			continue;
		}

		if (!ex || ext4_ext_is_unwritten(ex))
			continue;   /* holes and unwritten extents read zero */
		uint64_t p = ext4_ext_pblock(ex) + (lblk - le32_to_cpu(ex->ee_block));

		if (p < d->nblocks)
			sim_contents_copy(out, o, ext4_sim_disk_contents(d, p), 0,
					  bs);
	}
}

/* Compares every byte below i_size with the shadow; returns the number of
 * inconsistent blocks. */
/* Does an operation of f still in flight (the job stopped in the middle of
 * it) touch bytes [lo, hi)?  Its partial work there has no verdict.  A
 * shift or a truncate reaches from its offset to the end of the file. */
static bool inflight_touches(const struct fs_oracle *o,
			     const struct oracle_file *f, uint64_t lo,
			     uint64_t hi)
{
	for (unsigned i = 0; i < o->nops_cap; i++) {
		const struct oracle_op *x = &o->ops[i];
		uint64_t end;

		if (!x->id || x->f != f)
			continue;
		end = x->kind == FS_ORACLE_COLLAPSE ||
		      x->kind == FS_ORACLE_INSERT ||
		      x->kind == FS_ORACLE_TRUNCATE || x->torn ?
		      UINT64_MAX : x->off + x->len;
		if (x->off < hi && lo < end)
			return true;
	}
	return false;
}

unsigned oracle_visible_check(struct fs_oracle *o, struct oracle_file *f)
{
	struct inode *inode = f->inode;
	uint64_t size = (uint64_t)i_size_read(inode);
	GArray *exts = g_array_new(FALSE, FALSE, sizeof(struct ext4_extent));
	struct sim_contents page;
	uint64_t before = o->count[FS_ORACLE_LOST_WRITE] +
			  o->count[FS_ORACLE_STALE_READ];

	if (ext4_sim_ext_for_each_extent(inode, collect_extent, exts) != 0)
		g_array_set_size(exts, 0);   /* fsck reports the broken tree */
	sim_contents_init(&page, PAGE_SIZE);
	for (uint64_t pos = 0; pos < size; pos += PAGE_SIZE) {
		uint32_t n = (uint32_t)MIN((uint64_t)PAGE_SIZE, size - pos);

		if (f->inflight && inflight_touches(o, f, pos, pos + n))
			continue;
		visible_page(inode, exts, (pgoff_t)(pos >> PAGE_SHIFT), &page);
		fs_oracle_check_visible(inode, (loff_t)pos, n, &page, 0);
	}
	sim_contents_destroy(&page);
	g_array_free(exts, TRUE);
	return (unsigned)(o->count[FS_ORACLE_LOST_WRITE] +
			  o->count[FS_ORACLE_STALE_READ] - before);
}

/* ---- scanning buffers and DAX PTEs ----------------------------------------------------- */

/* Calls fn for each mapped page-cache buffer and each DAX PTE of the file. */
typedef bool (*oracle_scan_fn)(void *ctx, struct oracle_file *f, uint32_t lblk,
			       uint64_t pblk, bool pte);

static bool scan_file(struct oracle_file *f, oracle_scan_fn fn, void *ctx)
{
	struct address_space *mapping = f->inode->i_mapping;
	unsigned bits = f->inode->i_sb->s_blocksize_bits;
	struct sim_list *pos;

	if (!mapping || !mapping->page_tree)
		return true;
	for (struct page *page = page_cache_sim_next(mapping, 0, -1); page;
	     page = page_cache_sim_next(mapping, page->index + 1, -1)) {
		if (!page_has_buffers(page))
			continue;
		struct buffer_head *head = page_buffers(page), *bh = head;

		do {
			/* a delayed buffer's b_blocknr is a placeholder past
			 * the end of the disk, not a mapping (the rule of
			 * buffer_sim_report_mapped, fs/buffer_write.h) */
			if (buffer_mapped(bh) && !buffer_delay(bh) &&
			    !fn(ctx, f, (uint32_t)((uint64_t)bh_sim_offset(bh) >> bits),
				bh->b_blocknr, false))
				return false;
			bh = bh->b_this_page;
		} while (bh != head);
	}
	sim_list_for_each(pos, &mapping->i_mmap) {
		struct vm_area_struct *vma =
			sim_list_entry(pos, struct vm_area_struct, shared);

		if (!vma->nr_ptes_present)
			continue;
		for (unsigned long i = 0; i < vma_pages(vma); i++)
			if (pte_sim_is_pfn(vma->ptes[i]) &&
			    !fn(ctx, f, (uint32_t)(vma->vm_pgoff + i),
				vma->ptes[i].u.pfn, true))
				return false;
	}
	return true;
}

static void scan_all(struct fs_oracle *o, oracle_scan_fn fn, void *ctx)
{
	for (unsigned i = 0; i < o->nfiles; i++)
		if (!scan_file(o->files[i], fn, ctx))
			return;
}

struct range_scan {
	uint64_t pblk, count;
	struct oracle_map hit;   /* first mapping found (pblk, ino, lblk) */
	unsigned n;
};

static bool range_hit(void *ctx, struct oracle_file *f, uint32_t lblk,
		      uint64_t pblk, bool pte)
{
	struct range_scan *r = ctx;

	if (pblk < r->pblk || pblk - r->pblk >= r->count)
		return true;
	if (!r->n++)
		r->hit = (struct oracle_map){
			.pblk = pblk, .ino = (uint32_t)f->ino, .lblk = lblk,
			.nbh = !pte, .npte = pte,
		};
	return true;
}

/* Buffers/PTEs of registered files mapping a block in [pblk, pblk+count);
 * *hit describes the first one. */
unsigned oracle_scan_range(struct fs_oracle *o, uint64_t pblk, uint64_t count,
			   struct oracle_map *hit)
{
	struct range_scan r = { .pblk = pblk, .count = count };

	scan_all(o, range_hit, &r);
	if (r.n && hit)
		*hit = r.hit;
	return r.n;
}

/* Whether the mapping the index recorded last for e->pblk still exists:
 * the buffer of file e->ino at lblk e->lblk, or a DAX PTE at pgoff
 * e->lblk, maps the block; failing that, a scan of every registered file
 * decides.  Cheap (a page lookup) in the common case, so block_reusable
 * can confirm every candidate and drop index entries that a missing or
 * duplicated hook call left behind. */
bool oracle_confirm_mapping(struct fs_oracle *o, const struct oracle_map *e)
{
	struct oracle_file *f = oracle_file_find(o, e->ino);
	struct address_space *mapping = f ? f->inode->i_mapping : NULL;

	if (mapping && mapping->page_tree && e->nbh) {
		unsigned bits = f->inode->i_sb->s_blocksize_bits;
		unsigned per_page = 1u << (PAGE_SHIFT - bits);
		struct page *page = page_cache_sim_peek(mapping,
							e->lblk / per_page);

		if (page && page_has_buffers(page)) {
			struct buffer_head *bh = page_buffers(page);

			for (unsigned i = 0; i < e->lblk % per_page; i++)
				bh = bh->b_this_page;
			if (buffer_mapped(bh) && bh->b_blocknr == e->pblk)
				return true;
		}
	}
	if (mapping && e->npte) {
		struct sim_list *pos;

		sim_list_for_each(pos, &mapping->i_mmap) {
			struct vm_area_struct *vma =
				sim_list_entry(pos, struct vm_area_struct, shared);

			if (e->lblk < vma->vm_pgoff ||
			    e->lblk - vma->vm_pgoff >= vma_pages(vma))
				continue;
			pte_t pte = vma->ptes[e->lblk - vma->vm_pgoff];

			if (pte_sim_is_pfn(pte) && pte_pfn(pte) == e->pblk)
				return true;
		}
	}
	/* Not there: the recorded position may be that of a mapping which
	 * has gone since while another remains (two buffers mapped the block,
	 * the later one was unmapped), or the entry is left over from an
	 * unpaired hook.  A scan decides (rare: the cheap check succeeds
	 * whenever the hooks pair and the block has one mapper). */
	return oracle_scan_range(o, e->pblk, 1, NULL) > 0;
}

/* ---- auditing the index ----------------------------------------------------------------- */

struct audit {
	struct oracle_map_index seen;   /* pblk -> counts found by the scan */
	GArray *keys;                   /* pblks seen, in scan order */
};

static bool audit_hit(void *ctx, struct oracle_file *f, uint32_t lblk,
		      uint64_t pblk, bool pte)
{
	struct audit *a = ctx;
	struct oracle_map *e = oracle_map_find(&a->seen, pblk);

	(void)f;
	(void)lblk;
	if (!e) {
		e = oracle_map_insert(&a->seen, pblk);
		g_array_append_val(a->keys, pblk);
	}
	if (pte)
		e->npte++;
	else
		e->nbh++;
	return true;
}

/* The index against a scan of the page cache: each disagreement is
 * reported (a hook placed wrongly or missing).  Returns how many. */
unsigned oracle_index_audit(struct fs_oracle *o,
			    void (*report)(void *ctx, const char *msg),
			    void *ctx)
{
	struct audit a = { .keys = g_array_new(FALSE, FALSE, sizeof(uint64_t)) };
	unsigned bad = 0;
	char msg[256];

	oracle_map_index_init(&a.seen);
	scan_all(o, audit_hit, &a);
	/* every scanned mapping is in the index with the same counts */
	for (unsigned i = 0; i < a.keys->len; i++) {
		uint64_t p = g_array_index(a.keys, uint64_t, i);
		const struct oracle_map *s = oracle_map_find(&a.seen, p);
		const struct oracle_map *e = oracle_map_find(&o->map, p);

		if (e && e->nbh == s->nbh && e->npte == s->npte)
			continue;
		bad++;
		snprintf(msg, sizeof(msg),
			 "pblk %" PRIu64 ": %u buffer(s) %u DAX PTE(s) map it, "
			 "the oracle's index says %u and %u", p, s->nbh, s->npte,
			 e ? e->nbh : 0, e ? e->npte : 0);
		report(ctx, msg);
	}
	/* and nothing else is (in slot order: deterministic for a given
	 * sequence of hook calls) */
	for (uint64_t i = 0; i < o->map.cap; i++) {
		const struct oracle_map *e = &o->map.v[i];

		if (e->pblk == UINT64_MAX || oracle_map_find(&a.seen, e->pblk))
			continue;
		bad++;
		snprintf(msg, sizeof(msg),
			 "pblk %" PRIu64 ": the oracle's index says %u buffer(s) "
			 "%u DAX PTE(s) (ino %u lblk %u) but none maps it",
			 e->pblk, e->nbh, e->npte, e->ino, e->lblk);
		report(ctx, msg);
	}
	oracle_map_index_destroy(&a.seen);
	g_array_free(a.keys, TRUE);
	return bad;
}

/* ---- the expected value ------------------------------------------------------------------ */

bool fs_oracle_expected(struct inode *inode, uint64_t off, sim_stamp_t *stamp,
			uint32_t *origin, uint32_t *run)
{
	struct fs_oracle *o = fs_oracle_of(inode->i_sb);
	struct oracle_file *f = o ? oracle_file_find(o, inode->i_ino) : NULL;
	uint32_t task;

	if (!f) {
		*stamp = 0;
		*origin = 0;
		*run = inode->i_sb->s_blocksize -
		       (uint32_t)(off & (inode->i_sb->s_blocksize - 1));
		return true;
	}
	return oracle_shadow_final(&f->shadow, off, stamp, origin, run, &task);
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
					oracle_explain_visible(vc->o, vc->f, k, x, stamp,
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
	quiet = oracle_quiescent(o);
	for (unsigned i = 0; i < o->nfiles; i++) {
		struct oracle_file *f = o->files[i];

		/* a job stopped mid-operation: the ranges those operations
		 * touch have no verdict (oracle_visible_check skips them) */
		oracle_visible_check(o, f);
	}
	oracle_fsck_flags(o, quiet ? EXT4_SIM_FSCK_QUIESCENT : 0);
}
