/* tests/fs/removes-harness.c — see removes-harness.h. */
#include "config.h"

#include <string.h>

#include "fs/block/disk.h"
#include "fs/oracle/oracle.h"
#include "fs/ext4/file.h"
#include "tests/fs/fs-harness.h"
#include "tests/fs/removes-harness.h"

static void rh_finding(void *ctx, struct sim_world *w, const char *kind,
		       const char *report)
{
	struct rh *h = ctx;

	(void)w;
	h->findings++;
	g_strlcpy(h->kind, kind, sizeof(h->kind));
	g_free(h->report);
	h->report = g_strdup(report);
	if (g_test_verbose())
		g_printerr("finding %s:\n%s\n", kind, report);
}

bool rh_all_done(struct rh *h);

static void rh_task_fn(struct sim_task *t, void *arg)
{
	struct rh_task *rt = arg;

	(void)t;
	rt->fn(rt->h, rt->arg);
	rt->done = true;
	/* Stop as soon as the last task is done: otherwise the world would
	 * run on until idle, i.e. until kjournald2's commit timer (5 s) has
	 * committed everything, and pending frees could not be seen. */
	if (rh_all_done(rt->h))
		sim_world_request_stop(rt->h->w);
}

struct rh_task *rh_spawn(struct rh *h, const char *name, rh_fn fn, void *arg)
{
	struct rh_task *rt;

	g_assert_cmpuint(h->ntasks, <, RH_MAX_TASKS);
	rt = &h->tasks[h->ntasks++];
	rt->h = h;
	rt->fn = fn;
	rt->arg = arg;
	rt->done = false;
	rt->t = fs_task_spawn(h->w, name, rh_task_fn, rt, &rt->ts);
	return rt;
}

bool rh_all_done(struct rh *h)
{
	for (unsigned i = 0; i < h->ntasks; i++)
		if (!h->tasks[i].done)
			return false;
	return true;
}

enum sim_stop rh_go(struct rh *h)
{
	return sim_world_run(h->w, SIM_TIME_MAX);
}

void rh_go_all(struct rh *h)
{
	enum sim_stop stop = rh_go(h);

	if (stop != SIM_STOP_REQUESTED || !rh_all_done(h))
		fsh_stopped(h->w, "harness tasks did not finish", stop);
	h->ntasks = 0;
}

void rh_run(struct rh *h, rh_fn fn, void *arg)
{
	enum sim_stop stop;

	h->ntasks = 0;
	rh_spawn(h, "rh", fn, arg);
	stop = rh_go(h);
	if (!rh_all_done(h))
		fsh_stopped(h->w, "harness task did not finish", stop);
	h->ntasks = 0;
}

static void rh_init_inode(struct rh *h, void *arg)
{
	(void)arg;
	fsh_init_extents(h->inode);
	/* open(2): the struct file, and the jbd2 inode (with a journal) */
	ext4_sim_file_open(&h->file, h->inode);
	g_assert_cmpint(ext4_inode_attach_jinode(h->inode), ==, 0);
}

struct rh *rh_new(const struct rh_opts *o)
{
	struct rh *h = g_new0(struct rh, 1);
	struct fsh_opts fo = {
		.blocksize = o->blocksize, .size = o->size,
		.journal = !o->nojournal, .data = o->data,
		.delalloc = !o->nodelalloc, .dax = o->dax,
		.journal_blocks = o->journal_blocks,
		.blocks_per_group = o->blocks_per_group,
		.finding = rh_finding, .finding_ctx = h,
	};
	struct mm_sim_costs costs;
	struct ext4_sb_info *sbi;

	h->sb = fsh_mount(&fo, &h->w);
	sbi = EXT4_SB(h->sb);
	if (o->strategy) {
		sbi->s_lock_ops = ext4_lock_ops_find(o->strategy);
		g_assert_nonnull(sbi->s_lock_ops);
	}
	mm_sim_costs_default(&costs);
	h->mm = mm_sim_new(h->w, &costs);
	/* ext4's write side: writeback IO, the flusher, ordered-data hooks */
	g_assert_cmpint(ext4_sim_writes_init(h->sb), ==, 0);
	/* and its read side */
	ext4_sim_set_read_aops(h->sb, ext4_readpage, ext4_readpages);
	h->inode = fsh_new_inode(h->sb, h->mm);
	ext4_set_aops(h->inode);
	h->proc = mm_alloc(h->mm);
	if (o->oracle) {
		h->oracle = fs_oracle_new(h->w, h->sb);
		fs_oracle_set_explain_max(h->oracle, 64);
		fs_oracle_add_inode(h->inode);
	}
	rh_run(h, rh_init_inode, NULL);
	return h;
}

static void rh_detach(struct rh *h, void *arg)
{
	(void)arg;
	mmput(h->proc);        /* munmap: dirty PTEs dirty their pages */
	h->proc = NULL;
	fsh_detach(h->inode, true);
}

void rh_free(struct rh *h)
{
	/* A deadlocked world cannot unmount cleanly (its tasks hold locks
	 * and handles): then only memory is released (fsh_free frees the
	 * jbd2 inode left attached). */
	if (!sim_world_deadlock_report(h->w))
		rh_run(h, rh_detach, NULL);
	else
		mmput(h->proc);
	if (h->oracle) {
		fs_oracle_remove_inode(h->inode);
		fs_oracle_free(h->oracle);
	}
	fsh_free(h->w, h->inode, h->mm, true);
	g_free(h->report);
	g_free(h);
}

/* ---- file state -------------------------------------------------------------- */

void rh_fill(struct rh *h, ext4_lblk_t lblk, unsigned n, sim_stamp_t stamp,
	     bool unwritten)
{
	struct inode *inode = h->inode;
	struct ext4_sb_info *sbi = EXT4_SB(h->sb);
	unsigned bs = h->sb->s_blocksize;
	ext4_lblk_t l = lblk;
	handle_t *handle;
	loff_t end = (loff_t)(lblk + n) * bs;

	handle = ext4_journal_start(inode, EXT4_HT_MAP_BLOCKS,
				    ext4_chunk_trans_blocks(inode, (int)n) + 4);
	g_assert_false(IS_ERR(handle));
	down_write(&EXT4_I(inode)->i_data_sem);
	while (l < lblk + n) {
		struct ext4_map_blocks map = { .m_lblk = l,
					       .m_len = lblk + n - l };
		int ret = ext4_ext_map_blocks(handle, inode, &map,
				EXT4_GET_BLOCKS_CREATE |
				(unwritten ? EXT4_GET_BLOCKS_UNWRIT_EXT : 0));

		g_assert_cmpint(ret, >, 0);
		g_assert_cmpint(ext4_es_insert_extent(inode, map.m_lblk,
				map.m_len, map.m_pblk,
				unwritten ? EXTENT_STATUS_UNWRITTEN :
					    EXTENT_STATUS_WRITTEN), ==, 0);
		for (unsigned i = 0; !unwritten && i < map.m_len; i++) {
			struct sim_contents src;

			sim_contents_init(&src, bs);
			sim_contents_set(&src, 0, bs, stamp,
					 (map.m_lblk + i - lblk) * bs);
			g_assert_false(ext4_sim_disk_write(sbi->s_disk,
					map.m_pblk + i, 0, bs, &src, 0,
					(uint32_t)inode->i_ino, map.m_lblk + i,
					NULL));
			sim_contents_destroy(&src);
		}
		l += map.m_len;
	}
	if (end > EXT4_I(inode)->i_disksize)
		EXT4_I(inode)->i_disksize = end;
	up_write(&EXT4_I(inode)->i_data_sem);
	if (end > inode->i_size)
		i_size_write(inode, end);
	g_assert_cmpint(ext4_mark_inode_dirty(handle, inode), ==, 0);
	g_assert_cmpint(ext4_journal_stop(handle), ==, 0);
	if (h->oracle && !unwritten)
		fs_oracle_write(inode, (loff_t)lblk * bs, (uint64_t)n * bs, stamp);
}

void rh_file_fill(struct rh *h, void *f)
{
	const struct rh_file *rf = f;

	rh_fill(h, 0, rf->nblk, rf->stamp, false);
	if (rf->isize)
		i_size_write(h->inode, rf->isize);
	for (const pgoff_t *p = rf->cached; p && *p != (pgoff_t)-1; p++)
		rh_cache_page(h, *p, false);
}

struct rh *rh_file_new(const struct rh_opts *o, unsigned nblk,
		       const pgoff_t *cached, unsigned spare,
		       struct rh_model *m)
{
	struct rh *h = rh_new(o);
	loff_t bs = (loff_t)h->sb->s_blocksize;
	struct rh_file f = { .nblk = nblk, .cached = cached };

	f.stamp = rh_stamp(h, 0, (uint32_t)(nblk * bs));
	rh_run(h, rh_file_fill, &f);
	rh_model_init(m, (nblk + spare) * bs);
	rh_model_fill(m, 0, nblk * bs, f.stamp);
	return h;
}

sim_stamp_t rh_stamp(struct rh *h, loff_t off, uint32_t len)
{
	return sim_stamp_new(&EXT4_SB(h->sb)->s_disk->stamps, h->inode->i_ino,
			     off, len, SIM_STAMP_INITIAL, 0,
			     sim_world_now(h->w));
}

void rh_commit(struct rh *h)
{
	journal_t *j = EXT4_SB(h->sb)->s_journal;

	if (j)
		g_assert_cmpint(jbd2_journal_force_commit(j), >=, 0);
}

struct vm_area_struct *rh_mmap(struct rh *h, unsigned long npages)
{
	return ext4_sim_mmap(h->proc, &h->file, 0, npages, true, true);
}

static const struct sim_contents *rh_disk_block(struct rh *h,
					       ext4_lblk_t lblk);
static sim_stamp_t rh_byte_with(struct rh *h, loff_t pos,
				const struct sim_contents *c, uint32_t *origin);

/* Without side effects on the es cache; i_data_sem (r) when run in a
 * task. */
bool rh_lookup(struct rh *h, ext4_lblk_t lblk, ext4_fsblk_t *pblk,
	       bool *unwritten)
{
	return fsh_tree_lookup(h->inode, lblk, pblk, unwritten, NULL);
}

struct page *rh_cache_page(struct rh *h, pgoff_t index, bool dirty)
{
	struct page *page = page_cache_alloc(h->inode->i_mapping);
	unsigned bs = h->sb->s_blocksize;
	struct buffer_head *head, *bh;
	ext4_lblk_t lblk = (ext4_lblk_t)(index << PAGE_SHIFT) / bs;

	g_assert_cmpint(add_to_page_cache_lru(page, h->inode->i_mapping,
					      index), ==, 0);
	/* contents as a read would bring them in (before the page is
	 * uptodate, rh_byte_with looks at the disk) */
	for (unsigned off = 0; off < PAGE_SIZE; off += bs) {
		loff_t pos = (loff_t)(index << PAGE_SHIFT) + off;
		const struct sim_contents *c =
			rh_disk_block(h, (ext4_lblk_t)(pos / bs));

		for (unsigned i = 0; i < bs; i++) {
			uint32_t origin;
			sim_stamp_t st = rh_byte_with(h, pos + i, c, &origin);

			sim_contents_set(&page->contents, off + i, 1, st,
					 origin);
		}
	}
	SetPageUptodate(page);
	create_empty_buffers(page, bs, 1ul << BH_Uptodate);
	head = bh = page_buffers(page);
	do {
		ext4_fsblk_t pblk;
		bool unwritten;

		if (rh_lookup(h, lblk, &pblk, &unwritten)) {
			set_buffer_mapped(bh);
			bh->b_blocknr = pblk;
			if (unwritten)
				set_buffer_unwritten(bh);
			if (h->oracle)
				fs_oracle_bh_map(h->inode, lblk, pblk);
		}
		if (dirty)
			set_buffer_dirty(bh);
		lblk++;
		bh = bh->b_this_page;
	} while (bh != head);
	if (dirty) {
		__set_page_dirty_nobuffers(page);
		__mark_inode_dirty(h->inode, I_DIRTY_PAGES);
	}
	unlock_page(page);
	put_page(page);
	return page;
}

void rh_store(struct rh *h, pgoff_t index, unsigned off, unsigned len,
	      sim_stamp_t stamp)
{
	struct page *page = page_cache_sim_peek(h->inode->i_mapping, index);
	struct buffer_head *head, *bh;

	g_assert_nonnull(page);
	sim_contents_set(&page->contents, off, len, stamp, 0);
	if (page_has_buffers(page)) {
		head = bh = page_buffers(page);
		do {
			set_buffer_dirty(bh);
			bh = bh->b_this_page;
		} while (bh != head);
	}
	__set_page_dirty_nobuffers(page);
	__mark_inode_dirty(h->inode, I_DIRTY_PAGES);
	if (h->oracle)
		fs_oracle_write(h->inode, (loff_t)(index << PAGE_SHIFT) + off,
				len, stamp);
}

/* ---- inspection ---------------------------------------------------------------- */

/* The on-disk contents of file block lblk through the tree, or NULL when
 * it reads zero (hole, unwritten). */
static const struct sim_contents *rh_disk_block(struct rh *h, ext4_lblk_t lblk)
{
	ext4_fsblk_t pblk;
	bool unwritten;

	if (!rh_lookup(h, lblk, &pblk, &unwritten) || unwritten)
		return NULL;
	return ext4_sim_disk_contents(EXT4_SB(h->sb)->s_disk, pblk);
}

/* The visible byte at pos given the block's disk contents c (may be NULL):
 * a cached page's bytes when the page, or the buffer covering pos, is
 * uptodate (partial-block zeroing leaves a page !uptodate with one
 * uptodate buffer); else the disk's. */
static sim_stamp_t rh_byte_with(struct rh *h, loff_t pos,
				const struct sim_contents *c, uint32_t *origin)
{
	struct page *page = page_cache_sim_peek(h->inode->i_mapping,
						(pgoff_t)pos >> PAGE_SHIFT);
	uint32_t in_page = (uint32_t)(pos & (PAGE_SIZE - 1));
	bool cached = false;

	*origin = 0;
	if (pos >= i_size_read(h->inode))
		return 0;
	if (page && PageUptodate(page)) {
		cached = true;
	} else if (page && page_has_buffers(page)) {
		struct buffer_head *bh = page_buffers(page);

		for (unsigned i = 0; i < in_page / h->sb->s_blocksize; i++)
			bh = bh->b_this_page;
		cached = buffer_uptodate(bh);
	}
	if (cached)
		return sim_contents_at(&page->contents, in_page, origin);
	if (!c)
		return 0;
	return sim_contents_at(c, (uint32_t)(pos % h->sb->s_blocksize), origin);
}

sim_stamp_t rh_byte(struct rh *h, loff_t pos, uint32_t *origin)
{
	return rh_byte_with(h, pos,
			    rh_disk_block(h, (ext4_lblk_t)(pos /
						h->sb->s_blocksize)),
			    origin);
}

void rh_check(struct rh *h)
{
	struct ext4_sim_ext_census c;
	char why[512];

	if (ext4_sim_ext_check_tree(h->inode, EXT4_SIM_CHECK_DATA_OWNERS, &c,
				    why, sizeof(why)))
		g_error("extent tree check: %s", why);
	if (ext4_sim_es_check_against_tree(h->inode, why, sizeof(why)))
		g_error("es cache check: %s", why);
	if (!page_cache_sim_check(h->inode->i_mapping, why, sizeof(why)))
		g_error("page cache check: %s", why);
}

int rh_owner(struct rh *h, ext4_fsblk_t pblk)
{
	return ext4_sim_disk_owner(EXT4_SB(h->sb)->s_disk, pblk)->kind;
}

static const struct sim_lock_stats *rh_stats(struct rh *h, const char *name)
{
	unsigned n = sim_lock_class_count(h->w);

	for (unsigned i = 0; i < n; i++) {
		const struct sim_lock_stats *s = sim_lock_class_stats(h->w, i);

		if (strcmp(s->name, name) == 0)
			return s;
	}
	return NULL;
}

uint64_t rh_acquisitions(struct rh *h, const char *class_name)
{
	const struct sim_lock_stats *s = rh_stats(h, class_name);

	return s ? s->acquisitions : 0;
}

uint64_t rh_contentions(struct rh *h, const char *class_name)
{
	const struct sim_lock_stats *s = rh_stats(h, class_name);

	return s ? s->contentions : 0;
}

bool rh_noted(const struct rh_task *t, const char *func, const char *what,
	      const char *obj, unsigned *from)
{
	struct sim_note notes[SIM_NOTES];
	unsigned n = sim_task_notes(t->t, notes, SIM_NOTES);

	for (unsigned i = from ? *from : 0; i < n; i++) {
		if (func && (!notes[i].func || strcmp(notes[i].func, func)))
			continue;
		if (what && (!notes[i].what || strcmp(notes[i].what, what)))
			continue;
		if (obj && (!notes[i].obj || strcmp(notes[i].obj, obj)))
			continue;
		if (from)
			*from = i + 1;
		return true;
	}
	return false;
}

uint64_t rh_oracle_count(struct rh *h, int kind)
{
	g_assert_nonnull(h->oracle);
	return fs_oracle_count(h->oracle, (enum fs_oracle_kind)kind);
}

void rh_oracle_assert_clean(struct rh *h)
{
	g_assert_nonnull(h->oracle);
	fs_oracle_finish(h->oracle);
	for (int k = 0; k < FS_ORACLE_NR_KINDS; k++) {
		/* (index drift — buffers the page cache dropped without
		 * telling the oracle — is counted apart, not here) */
		if (k == FS_ORACLE_LOCK_ORDER || !fs_oracle_count(h->oracle, k))
			continue;
		for (unsigned i = 0; i < fs_oracle_explained(h->oracle, k); i++)
			g_printerr("%s", fs_oracle_explanation(h->oracle, k, i));
		g_error("oracle: %" G_GUINT64_FORMAT " %s", fs_oracle_count(
			h->oracle, k), fs_oracle_kind_name(k));
	}
}

/* ---- the byte-array model ---------------------------------------------------- */

void rh_model_init(struct rh_model *m, loff_t cap)
{
	m->size = 0;
	m->cap = cap;
	m->stamp = g_new0(sim_stamp_t, (gsize)cap);
	m->origin = g_new0(uint32_t, (gsize)cap);
}

void rh_model_free(struct rh_model *m)
{
	g_free(m->stamp);
	g_free(m->origin);
}

void rh_model_fill(struct rh_model *m, loff_t off, loff_t len,
		   sim_stamp_t stamp)
{
	g_assert_cmpint(off + len, <=, m->cap);
	for (loff_t i = 0; i < len; i++) {
		m->stamp[off + i] = stamp;
		m->origin[off + i] = (uint32_t)i;
	}
	if (off + len > m->size)
		m->size = off + len;
}

void rh_model_zero(struct rh_model *m, loff_t off, loff_t len)
{
	if (off + len > m->size)
		len = m->size - off;
	for (loff_t i = 0; i < len; i++) {
		m->stamp[off + i] = 0;
		m->origin[off + i] = 0;
	}
}

void rh_model_collapse(struct rh_model *m, loff_t off, loff_t len)
{
	memmove(m->stamp + off, m->stamp + off + len,
		(size_t)(m->size - off - len) * sizeof(*m->stamp));
	memmove(m->origin + off, m->origin + off + len,
		(size_t)(m->size - off - len) * sizeof(*m->origin));
	m->size -= len;
}

void rh_model_insert(struct rh_model *m, loff_t off, loff_t len)
{
	g_assert_cmpint(m->size + len, <=, m->cap);
	memmove(m->stamp + off + len, m->stamp + off,
		(size_t)(m->size - off) * sizeof(*m->stamp));
	memmove(m->origin + off + len, m->origin + off,
		(size_t)(m->size - off) * sizeof(*m->origin));
	m->size += len;
	rh_model_zero(m, off, len);
}

void rh_model_truncate(struct rh_model *m, loff_t size)
{
	g_assert_cmpint(size, <=, m->cap);
	if (size > m->size)
		rh_model_zero(m, m->size, 0);
	for (loff_t i = size; i < m->cap; i++) {
		m->stamp[i] = 0;
		m->origin[i] = 0;
	}
	m->size = size;
}

/* Byte comparison runs in a task: tree lookups take i_data_sem and may
 * read nodes. */
static void rh_model_assert_fn(struct rh *h, void *arg)
{
	const struct rh_model *m = arg;

	g_assert_cmpint(i_size_read(h->inode), ==, m->size);
	down_read(&EXT4_I(h->inode)->i_data_sem);
	const struct sim_contents *c = NULL;
	unsigned bs = h->sb->s_blocksize;

	for (loff_t pos = 0; pos < m->size; pos++) {
		uint32_t origin;
		sim_stamp_t st;

		if (pos % bs == 0)
			c = rh_disk_block(h, (ext4_lblk_t)(pos / bs));
		st = rh_byte_with(h, pos, c, &origin);

		if (st != m->stamp[pos] || origin != m->origin[pos])
			g_error("byte %lld: stamp %llu+%u, model %llu+%u",
				(long long)pos, (unsigned long long)st, origin,
				(unsigned long long)m->stamp[pos],
				m->origin[pos]);
	}
	up_read(&EXT4_I(h->inode)->i_data_sem);
}

void rh_model_assert(struct rh *h, const struct rh_model *m)
{
	rh_run(h, rh_model_assert_fn, (void *)m);
}
