/* tests/fs/extents-harness.c — see extents-harness.h. */
#include "config.h"

#include <string.h>

#include <glib.h>

#include "fs/disk.h"
#include "tests/fs/extents-harness.h"
#include "tests/fs/fs-harness.h"

static void xh_task(struct sim_task *t, void *arg)
{
	struct xh *h = arg;

	(void)t;
	h->fn(h, h->arg);
	h->done = true;
}

void xh_run(struct xh *h, void (*fn)(struct xh *h, void *arg), void *arg)
{
	enum sim_stop stop;

	h->fn = fn;
	h->arg = arg;
	h->done = false;
	fs_task_spawn(h->w, "xh", xh_task, h, &h->ts);
	stop = sim_world_run(h->w, SIM_TIME_MAX);
	if (!h->done)
		fsh_stopped(h->w, "extents harness task did not finish", stop);
}

static void xh_holder(struct sim_task *t, void *arg)
{
	struct xh *h = arg;
	handle_t *handle = ext4_journal_start(h->inode, EXT4_HT_MISC,
					      h->holder_credits);

	g_assert_false(IS_ERR(handle));
	sim_task_sleep(t, h->holder_hold);
	g_assert_cmpint(ext4_journal_stop(handle), ==, 0);
}

void xh_spawn_holder(struct xh *h, int credits, sim_time_t hold)
{
	h->holder_credits = credits;
	h->holder_hold = hold;
	fs_task_spawn(h->w, "holder", xh_holder, h, &h->holder_ts);
	sim_task_sleep(sim_current_task(), 1);
}

void xh_spawn(struct xh *h, const char *name,
	      void (*fn)(struct sim_task *t, void *arg), void *arg)
{
	g_assert_cmpuint(h->nextra, <, SIM_ARRAY_SIZE(h->extra_ts));
	fs_task_spawn(h->w, name, fn, arg, &h->extra_ts[h->nextra++]);
}

static void xh_init_inode(struct xh *h, void *arg)
{
	(void)arg;
	fsh_init_extents(h->inode);
}

struct xh *xh_new(const struct xh_opts *o)
{
	struct fsh_opts fo = {
		.blocksize = o->blocksize, .size = o->size,
		.blocks_per_group = o->blocks_per_group,
		.journal = o->journal, .journal_blocks = o->journal_blocks,
	};
	struct xh *h = g_new0(struct xh, 1);

	h->sb = fsh_mount(&fo, &h->w);
	h->journal = o->journal;
	if (o->journal)
		g_assert_nonnull(EXT4_SB(h->sb)->s_journal);
	h->inode = fsh_new_inode(h->sb, NULL);
	xh_run(h, xh_init_inode, NULL);
	return h;
}

static void xh_detach(struct xh *h, void *arg)
{
	(void)arg;
	fsh_detach(h->inode, false);
}

/* Every node-buffer reference the tree code took has been dropped
 * (outside an operation nobody holds a node buffer). */
static void xh_check_refs(struct xh *h)
{
	const struct ext4_sim_meta *m = EXT4_SB(h->sb)->s_meta;

	const struct ext4_sim_disk *d = EXT4_SB(h->sb)->s_disk;

	/* (bitmaps, descriptors and journal blocks are not ours) */
	for (struct buffer_head *bh = ext4_sim_meta_next(m, 0); bh;
	     bh = ext4_sim_meta_next(m, bh->b_blocknr + 1))
		if (bh->b_count &&
		    ext4_sim_disk_owner(d, bh->b_blocknr)->kind != EXT4_SIM_OWN_FSMETA &&
		    ext4_sim_disk_owner(d, bh->b_blocknr)->kind != EXT4_SIM_OWN_JOURNAL)
			g_error("block %llu: %u buffer references left",
				(unsigned long long)bh->b_blocknr, bh->b_count);
}

void xh_free(struct xh *h)
{
	xh_check_refs(h);
	/* a clean unmount: commit and checkpoint from a task first */
	if (h->journal && EXT4_SB(h->sb)->s_journal)
		xh_run(h, xh_detach, NULL);
	fsh_free(h->w, h->inode, NULL, false);
	g_free(h);
}

/* ---- operations -------------------------------------------------------------- */

static handle_t *xh_start(struct xh *h, int type, int credits)
{
	handle_t *handle = ext4_journal_start(h->inode, type, credits);

	g_assert_false(IS_ERR(handle));
	return handle;
}

static void xh_stop(handle_t *handle)
{
	if (handle)
		g_assert_cmpint(ext4_journal_stop(handle), ==, 0);
}

int xh_map(struct xh *h, ext4_lblk_t lblk, unsigned int len, int flags,
	   struct ext4_map_blocks *out)
{
	struct ext4_inode_info *ei = EXT4_I(h->inode);
	struct ext4_map_blocks map = { .m_lblk = lblk, .m_len = len };
	bool write = flags & (EXT4_GET_BLOCKS_CREATE |
			      EXT4_GET_BLOCKS_CONVERT_UNWRITTEN);
	handle_t *handle = NULL;
	int ret;

	if (write)
		handle = xh_start(h, EXT4_HT_MAP_BLOCKS,
				  ext4_chunk_trans_blocks(h->inode, (int)len));
	if (write)
		down_write(&ei->i_data_sem);
	else
		down_read(&ei->i_data_sem);
	ret = ext4_ext_map_blocks(handle, h->inode, &map, flags);
	if (ret > 0) {
		/* what ext4_map_blocks puts in the es cache */
		unsigned int status = (map.m_flags & EXT4_MAP_UNWRITTEN) ?
				      EXTENT_STATUS_UNWRITTEN :
				      EXTENT_STATUS_WRITTEN;

		g_assert_cmpint(ext4_es_insert_extent(h->inode, map.m_lblk,
						      map.m_len, map.m_pblk,
						      status), ==, 0);
	}
	if (write)
		up_write(&ei->i_data_sem);
	else
		up_read(&ei->i_data_sem);
	xh_stop(handle);
	if (out)
		*out = map;
	return ret;
}

/* punch, collapse and insert range: the truncate handle, then i_data_sem
 * (w) around the tree work. */
static handle_t *xh_remove_begin(struct xh *h)
{
	handle_t *handle = xh_start(h, EXT4_HT_TRUNCATE,
				    ext4_writepage_trans_blocks(h->inode));

	down_write(&EXT4_I(h->inode)->i_data_sem);
	return handle;
}

static void xh_remove_end(struct xh *h, handle_t *handle)
{
	up_write(&EXT4_I(h->inode)->i_data_sem);
	xh_stop(handle);
}

int xh_punch(struct xh *h, ext4_lblk_t start, ext4_lblk_t end)
{
	handle_t *handle = xh_remove_begin(h);
	int ret;

	ret = ext4_es_remove_extent(h->inode, start, end - start + 1);
	if (!ret)
		ret = ext4_ext_remove_space(h->inode, start, end);
	xh_remove_end(h, handle);
	return ret;
}

int xh_collapse(struct xh *h, ext4_lblk_t start, ext4_lblk_t len)
{
	handle_t *handle = xh_remove_begin(h);
	int ret;

	ret = ext4_es_remove_extent(h->inode, start, EXT_MAX_BLOCKS - start);
	if (!ret)
		ret = ext4_ext_remove_space(h->inode, start, start + len - 1);
	if (!ret)
		ret = ext4_ext_shift_extents(h->inode, handle, start + len, len,
					     SHIFT_LEFT);
	xh_remove_end(h, handle);
	return ret;
}

int xh_insert_range(struct xh *h, ext4_lblk_t start, ext4_lblk_t len)
{
	handle_t *handle = xh_remove_begin(h);
	struct ext4_ext_path *path;
	ext4_lblk_t ee_start = 0;
	int ret = 0;

	path = ext4_find_extent(h->inode, start, NULL, 0);
	g_assert_false(IS_ERR(path));
	if (path[path->p_depth].p_ext) {
		struct ext4_extent *ex = path[path->p_depth].p_ext;
		unsigned int ee_len = (unsigned int)ext4_ext_get_actual_len(ex);

		ee_start = le32_to_cpu(ex->ee_block);
		if (start > ee_start && start < ee_start + ee_len)
			ret = ext4_split_extent_at(handle, h->inode, &path, start,
					ext4_ext_is_unwritten(ex) ?
					EXT4_EXT_MARK_UNWRIT1 | EXT4_EXT_MARK_UNWRIT2 : 0,
					EXT4_EX_NOCACHE | EXT4_GET_BLOCKS_PRE_IO |
					EXT4_GET_BLOCKS_METADATA_NOFAIL);
	}
	ext4_ext_path_free(path);
	if (!ret)
		ret = ext4_es_remove_extent(h->inode, start, EXT_MAX_BLOCKS - start);
	if (!ret)
		ret = ext4_ext_shift_extents(h->inode, handle,
					     ee_start > start ? ee_start : start,
					     len, SHIFT_RIGHT);
	xh_remove_end(h, handle);
	return ret;
}

int xh_lookup(struct xh *h, ext4_lblk_t lblk, ext4_fsblk_t *pblk,
	      bool *unwritten, unsigned int *len)
{
	struct ext4_inode_info *ei = EXT4_I(h->inode);
	bool found;

	down_read(&ei->i_data_sem);
	found = fsh_tree_lookup(h->inode, lblk, pblk, unwritten, len);
	up_read(&ei->i_data_sem);
	return found ? 1 : 0;
}

struct ext4_sim_ext_census xh_check(struct xh *h, unsigned int flags)
{
	struct ext4_sim_ext_census c;
	const struct ext4_sim_disk *d = EXT4_SB(h->sb)->s_disk;
	char why[512];

	if (flags & XH_CHECK_REFS)
		xh_check_refs(h);

	if (ext4_sim_ext_check_tree(h->inode, flags, &c, why, sizeof(why)))
		g_error("extent tree check: %s", why);
	if (ext4_sim_es_check_against_tree(h->inode, why, sizeof(why)))
		g_error("es cache check: %s", why);
	/* one inode in the world: every NODE block is one of ours */
	if (ext4_sim_disk_count(d, EXT4_SIM_OWN_NODE) != c.nodes)
		g_error("%llu blocks owned as extent-tree nodes, %lu reachable",
			(unsigned long long)ext4_sim_disk_count(d, EXT4_SIM_OWN_NODE),
			c.nodes);
	return c;
}

struct ext4_sim_ext_census xh_check_tree_only(struct xh *h)
{
	struct ext4_sim_ext_census c;
	char why[512];

	if (ext4_sim_ext_check_tree(h->inode, 0, &c, why, sizeof(why)))
		g_error("extent tree check: %s", why);
	return c;
}
