/* tests/fs/test-fsck.c — fs/oracle/fsck.c: passes on a healthy filesystem
 * (extent tree of depth 0 and 1, page cache with correct buffers), and
 * catches each broken invariant we can provoke: a tree node's magic, a
 * block referenced twice, a leaked block (only when quiescent), a node block
 * clobbered by a data write (and forgiven once the node is written back;
 * soft while the journal still holds a newer copy of the node),
 * mballoc's bitmap against its buddy, a page beyond EOF, and — soft — a
 * clean page's buffer mapping a block the tree does not map there.  Through
 * the oracle: fsck findings are counted once per job, and the index of
 * mappings is audited against the page cache (drift reported apart).
 */
#include "config.h"

#include <string.h>

#include <glib.h>

#include "fs/block/disk.h"
#include "fs/oracle/fsck.h"
#include "fs/ext4/mballoc.h"
#include "fs/mm.h"
#include "fs/oracle/oracle.h"
#include "tests/fs/fixture/extents-harness.h"

struct fx {
	struct xh *h;
	struct mm_sim *mm;
	struct inode *inode;
	GString *log;
	unsigned hard, soft;
};

static void fx_init(struct fx *f)
{
	struct xh_opts o = { .blocksize = 4096, .size = 64u << 20 };
	struct mm_sim_costs zero = { 0 };

	f->h = xh_new(&o);
	f->inode = f->h->inode;
	f->mm = mm_sim_new(f->h->w, &zero);
	address_space_sim_init(f->inode->i_mapping, f->inode, f->mm);
	f->log = g_string_new(NULL);
}

static void fx_fini(struct fx *f)
{
	address_space_sim_destroy(f->inode->i_mapping);
	mm_sim_free(f->mm);
	g_string_free(f->log, TRUE);
	xh_free(f->h);
}

static void report(void *ctx, const char *check, bool soft, const char *msg)
{
	struct fx *f = ctx;

	g_string_append_printf(f->log, "%s%s: %s\n", check, soft ? "(soft)" : "",
			       msg);
	if (soft)
		f->soft++;
	else
		f->hard++;
}

static unsigned fsck(struct fx *f, unsigned flags)
{
	struct inode *inodes[1] = { f->inode };
	unsigned n;

	g_string_truncate(f->log, 0);
	f->hard = f->soft = 0;
	n = ext4_sim_fsck(f->h->sb, inodes, 1, flags, report, f);
	g_assert_cmpuint(n, ==, f->hard + f->soft);
	if (g_test_verbose() && n)
		g_printerr("%s", f->log->str);
	return n;
}

#define ALL (EXT4_SIM_FSCK_QUIESCENT | EXT4_SIM_FSCK_COMPLETE)

static bool logged(struct fx *f, const char *s)
{
	return strstr(f->log->str, s) != NULL;
}

static void map_fn(struct xh *h, void *arg)
{
	const unsigned *lblks = arg;
	struct ext4_map_blocks map;

	for (unsigned i = 0; lblks[i] != UINT32_MAX; i++)
		g_assert_cmpint(xh_map(h, lblks[i], 1, EXT4_GET_BLOCKS_CREATE,
				       &map), ==, 1);
}

/* Six separate extents: more than the root's four, so depth 1. */
static void make_deep(struct fx *f)
{
	static const unsigned lblks[] = { 100, 102, 104, 106, 108, 110,
					    UINT32_MAX };

	xh_run(f->h, map_fn, (void *)lblks);
	g_assert_cmpint(ext_depth(f->inode), ==, 1);
}

static void first_node(void *ctx, ext4_fsblk_t blk, int depth)
{
	uint64_t *p = ctx;

	(void)depth;
	if (!*p)
		*p = blk;
}

static uint64_t node_block(struct fx *f)
{
	uint64_t p = 0;

	g_assert_cmpint(ext4_sim_ext_for_each_node(f->inode, first_node, &p), ==, 0);
	g_assert_cmpuint(p, !=, 0);
	return p;
}

/* A page in the cache at index, optionally with one buffer mapped to pblk. */
static struct page *add_page(struct fx *f, pgoff_t index, uint64_t pblk)
{
	struct page *page = page_cache_alloc(f->inode->i_mapping);

	g_assert_cmpint(add_to_page_cache_lru(page, f->inode->i_mapping, index),
			==, 0);
	SetPageUptodate(page);
	if (pblk) {
		create_empty_buffers(page, 4096, 1ul << BH_Mapped);
		page_buffers(page)->b_blocknr = pblk;
	}
	unlock_page(page);
	put_page(page);
	return page;
}

static uint64_t lookup(struct fx *f, ext4_lblk_t lblk)
{
	struct ext4_extent_header *eh = ext_inode_hdr(f->inode);
	struct ext4_extent *ex = EXT_FIRST_EXTENT(eh);

	g_assert_cmpint(ext_depth(f->inode), ==, 0);
	for (unsigned i = 0; i < le16_to_cpu(eh->eh_entries); i++, ex++)
		if (le32_to_cpu(ex->ee_block) <= lblk &&
		    lblk < le32_to_cpu(ex->ee_block) + ext4_ext_get_actual_len(ex))
			return ext4_ext_pblock(ex) + lblk - le32_to_cpu(ex->ee_block);
	return 0;
}

/* ---- healthy ------------------------------------------------------------------------- */

static void test_healthy(void)
{
	static const unsigned lblks[] = { 0, 1, 2, 7, UINT32_MAX };
	struct fx f;

	fx_init(&f);
	g_assert_cmpuint(fsck(&f, ALL), ==, 0);
	xh_run(f.h, map_fn, (void *)lblks);
	i_size_write(f.inode, 8 * 4096);
	add_page(&f, 0, lookup(&f, 0));
	add_page(&f, 7, lookup(&f, 7));
	add_page(&f, 3, 0);
	g_assert_cmpuint(fsck(&f, ALL), ==, 0);
	make_deep(&f);
	g_assert_cmpuint(fsck(&f, ALL), ==, 0);
	fx_fini(&f);
}

/* ---- the tree ------------------------------------------------------------------------ */

static void test_bad_magic(void)
{
	struct fx f;
	struct buffer_head *bh;
	struct ext4_extent_header *eh;

	fx_init(&f);
	make_deep(&f);
	bh = sb_find_get_block(f.h->sb, node_block(&f));
	g_assert_nonnull(bh);
	eh = ext_block_hdr(bh);
	eh->eh_magic = cpu_to_le16(0x1234);
	g_assert_cmpuint(fsck(&f, ALL), ==, 1);
	g_assert_true(logged(&f, "tree: "));
	g_assert_true(logged(&f, "invalid magic"));
	/* also without quiescence: the shape holds at every step */
	g_assert_cmpuint(fsck(&f, 0), >=, 1);
	g_assert_true(logged(&f, "tree: "));
	eh->eh_magic = EXT4_EXT_MAGIC;
	brelse(bh);
	g_assert_cmpuint(fsck(&f, ALL), ==, 0);
	fx_fini(&f);
}

static void test_double_owned(void)
{
	static const unsigned lblks[] = { 0, 5, UINT32_MAX };
	struct fx f;
	struct ext4_extent *ex;
	uint64_t saved;

	fx_init(&f);
	xh_run(f.h, map_fn, (void *)lblks);
	ex = EXT_FIRST_EXTENT(ext_inode_hdr(f.inode));
	saved = ext4_ext_pblock(&ex[1]);
	ext4_ext_store_pblock(&ex[1], ext4_ext_pblock(&ex[0]));
	g_assert_cmpuint(fsck(&f, 0), ==, 1);
	g_assert_true(logged(&f, "owners: "));
	g_assert_true(logged(&f, "referenced twice"));
	/* quiescent: also the label (lblk 5 is owned as lblk 0) and the
	 * block nobody references any more */
	g_assert_cmpuint(fsck(&f, ALL), ==, 3);
	g_assert_true(logged(&f, "leak: "));
	ext4_ext_store_pblock(&ex[1], saved);
	g_assert_cmpuint(fsck(&f, ALL), ==, 0);
	fx_fini(&f);
}

static void test_leak(void)
{
	struct fx f;
	struct ext4_allocation_request ar;
	int err = 0;
	uint64_t b;

	fx_init(&f);
	ar = (struct ext4_allocation_request){
		.inode = f.inode, .len = 1, .logical = 100,
		.flags = EXT4_MB_HINT_DATA,
	};
	b = ext4_mb_new_blocks(NULL, &ar, &err);
	g_assert_cmpint(err, ==, 0);
	/* mid-operation (allocated, extent not inserted yet): not a leak */
	g_assert_cmpuint(fsck(&f, EXT4_SIM_FSCK_COMPLETE), ==, 0);
	g_assert_cmpuint(fsck(&f, ALL), ==, 1);
	g_assert_true(logged(&f, "leak: pblk "));
	ext4_free_blocks(NULL, f.inode, NULL, b, 1, 0);
	g_assert_cmpuint(fsck(&f, ALL), ==, 0);
	fx_fini(&f);
}

/* Stale writeback into a reused extent-tree node block. */
static void test_clobbered_node(void)
{
	struct fx f;
	struct ext4_sim_disk *d;
	struct sim_contents c;
	uint64_t node;
	sim_stamp_t s;

	fx_init(&f);
	make_deep(&f);
	d = EXT4_SB(f.h->sb)->s_disk;
	node = node_block(&f);
	s = sim_stamp_new(&d->stamps, 99, 0, 4096, SIM_STAMP_WRITE, 1, 0);
	sim_contents_init(&c, 4096);
	sim_contents_set(&c, 0, 4096, s, 0);
	g_assert_true(ext4_sim_disk_write(d, node, 0, 4096, &c, 0, 99, 0, NULL));
	sim_contents_destroy(&c);
	g_assert_cmpuint(fsck(&f, 0), ==, 1);
	g_assert_true(logged(&f, "clobber: pblk "));
	g_assert_cmpuint(f.hard, ==, 1);
	g_assert_true(logged(&f, "(extent-node ino ") &&
		      logged(&f, "): clobbered extent-tree node, its home copy"));
	/* the node written back to its home location: good again */
	g_assert_false(ext4_sim_disk_write_meta(d, node, NULL));
	g_assert_cmpuint(fsck(&f, ALL), ==, 0);
	fx_fini(&f);
}

/* The same write while the journal still holds the node (the running
 * transaction built it): a checkpoint or replay would write the node over
 * the garbage, so the finding is soft and says why. */
static void test_clobbered_node_journalled(void)
{
	struct fx f;
	struct xh_opts o = { .blocksize = 4096, .size = 64u << 20,
			     .journal = true };
	struct mm_sim_costs zero = { 0 };
	struct ext4_sim_disk *d;
	struct sim_contents c;
	uint64_t node;
	sim_stamp_t s;

	f.h = xh_new(&o);
	f.inode = f.h->inode;
	f.mm = mm_sim_new(f.h->w, &zero);
	address_space_sim_init(f.inode->i_mapping, f.inode, f.mm);
	f.log = g_string_new(NULL);
	make_deep(&f);
	d = EXT4_SB(f.h->sb)->s_disk;
	node = node_block(&f);
	s = sim_stamp_new(&d->stamps, 99, 0, 4096, SIM_STAMP_WRITE, 1, 0);
	sim_contents_init(&c, 4096);
	sim_contents_set(&c, 0, 4096, s, 0);
	g_assert_true(ext4_sim_disk_write(d, node, 0, 4096, &c, 0, 99, 0, NULL));
	sim_contents_destroy(&c);
	g_assert_cmpuint(fsck(&f, 0), ==, 1);
	g_assert_cmpuint(f.soft, ==, 1);
	g_assert_true(logged(&f, "clobber(soft): pblk "));
	g_assert_true(logged(&f, "journal holds a newer copy"));
	fx_fini(&f);
}

static void test_mballoc(void)
{
	struct fx f;
	struct ext4_group_info *grp;

	fx_init(&f);
	grp = ext4_sim_mb_group(EXT4_SIM_MB(f.h->sb), 0);
	grp->bb_buddy[100] ^= 1;      /* a free block "in use" for the allocator */
	g_assert_cmpuint(fsck(&f, 0), >=, 1);
	g_assert_true(logged(&f, "mballoc: "));
	grp->bb_buddy[100] ^= 1;
	g_assert_cmpuint(fsck(&f, ALL), ==, 0);
	fx_fini(&f);
}

/* ---- the page cache --------------------------------------------------------------------- */

static void test_page_beyond_eof(void)
{
	struct fx f;

	fx_init(&f);
	i_size_write(f.inode, 4096 + 1);
	add_page(&f, 1, 0);                 /* the EOF page: fine */
	g_assert_cmpuint(fsck(&f, ALL), ==, 0);
	/* clean, no mapped buffers: a v5.15 fault that lost the race with
	 * a size reduction leaves such pages; nothing can reach the disk */
	add_page(&f, 4, 0);
	g_assert_cmpuint(fsck(&f, ALL), ==, 0);
	/* mapped to a block: writeback could still land somewhere */
	add_page(&f, 5, 300);
	/* truncate lowers i_size first: only a quiescent fsck may judge */
	g_assert_cmpuint(fsck(&f, 0), ==, 0);
	g_assert_cmpuint(fsck(&f, ALL), >=, 1);
	g_assert_true(logged(&f, "pagecache: inode 12: page 5 beyond EOF"));
	g_assert_false(logged(&f, "page 4 beyond EOF"));
	fx_fini(&f);
}

static void test_soft_mapping(void)
{
	static const unsigned lblks[] = { 0, 1, UINT32_MAX };
	struct fx f;
	struct page *p0, *p1;

	fx_init(&f);
	xh_run(f.h, map_fn, (void *)lblks);
	i_size_write(f.inode, 4 * 4096);
	/* page 0 maps lblk 1's block, page 3 maps a block in a hole */
	p0 = add_page(&f, 0, lookup(&f, 1));
	add_page(&f, 3, lookup(&f, 0));
	g_assert_cmpuint(fsck(&f, ALL), ==, 2);
	g_assert_cmpuint(f.soft, ==, 2);
	g_assert_true(logged(&f, "mappings(soft): inode 12: clean page 0"));
	g_assert_true(logged(&f, "the tree has a hole at lblk 3"));
	g_assert_cmpuint(fsck(&f, ALL | EXT4_SIM_FSCK_NO_SOFT), ==, 0);
	g_assert_cmpuint(fsck(&f, 0), ==, 0);
	/* a dirty page may legitimately disagree until written back */
	set_page_dirty(p0);
	g_assert_cmpuint(fsck(&f, ALL), ==, 1);
	/* a delayed buffer is not judged either */
	p1 = page_cache_sim_peek(f.inode->i_mapping, 3);
	page_buffers(p1)->b_state |= 1ul << BH_Delay;
	g_assert_cmpuint(fsck(&f, ALL), ==, 0);
	fx_fini(&f);
}

/* ---- through the oracle --------------------------------------------------------------- */

static void test_oracle_fsck(void)
{
	static const unsigned lblks[] = { 0, UINT32_MAX };
	struct fx f;
	struct fs_oracle *o;
	uint64_t p;

	fx_init(&f);
	xh_run(f.h, map_fn, (void *)lblks);
	i_size_write(f.inode, 4096);
	o = fs_oracle_new(f.h->w, f.h->sb);
	fs_oracle_add_inode(f.inode);
	p = lookup(&f, 0);
	add_page(&f, 0, p);
	fs_oracle_bh_map(f.inode, 0, p);
	g_assert_cmpuint(fs_oracle_fsck(o), ==, 0);
	fs_oracle_finish(o);
	g_assert_cmpuint(fs_oracle_total(o), ==, 0);
	g_assert_cmpuint(fs_oracle_index_drift(o, NULL), ==, 0);
	/* a mapping the page cache does not have: the index is audited, and
	 * the drift is reported apart from the violations */
	fs_oracle_bh_map(f.inode, 9, 4242);
	fs_oracle_finish(o);
	g_assert_cmpuint(fs_oracle_total(o), ==, 0);
	{
		const char *first;

		g_assert_cmpuint(fs_oracle_index_drift(o, &first), ==, 1);
		g_assert_nonnull(strstr(first, "pblk 4242: the oracle's index "
					       "says 1 buffer(s)"));
	}
	/* fsck problems count once per job, however often they are seen */
	{
		struct ext4_group_info *grp = ext4_sim_mb_group(EXT4_SIM_MB(f.h->sb), 0);

		grp->bb_buddy[100] ^= 1;
		g_assert_cmpuint(fs_oracle_fsck(o), ==, 1);
		g_assert_cmpuint(fs_oracle_fsck(o), ==, 0);
		fs_oracle_finish(o);
		g_assert_cmpuint(fs_oracle_count(o, FS_ORACLE_FSCK), ==, 1);
		g_assert_nonnull(strstr(fs_oracle_explanation(o, FS_ORACLE_FSCK, 0),
					"fsck: mballoc: "));
		grp->bb_buddy[100] ^= 1;
	}
	fs_oracle_free(o);
	fx_fini(&f);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/fsck/healthy", test_healthy);
	g_test_add_func("/fsck/bad-magic", test_bad_magic);
	g_test_add_func("/fsck/double-owned", test_double_owned);
	g_test_add_func("/fsck/leak", test_leak);
	g_test_add_func("/fsck/clobbered-node", test_clobbered_node);
	g_test_add_func("/fsck/clobbered-node-journalled",
			test_clobbered_node_journalled);
	g_test_add_func("/fsck/mballoc", test_mballoc);
	g_test_add_func("/fsck/page-beyond-eof", test_page_beyond_eof);
	g_test_add_func("/fsck/soft-mapping", test_soft_mapping);
	g_test_add_func("/fsck/oracle", test_oracle_fsck);
	return g_test_run();
}
