/* tests/fs/test-oracle.c — the violation oracle, driven through its hooks
 * on synthetic scenarios (no kernel paths):
 *   - per-byte register linearizability: a read returning the last write
 *     completed before it began, or an overlapping one, is legal; a value
 *     no linearization allows (old data after a completed overwrite, the
 *     right write at the wrong offset) is a stale_read;
 *   - punched / zeroed / truncated ranges read zero; short writes leave
 *     both values legal; collapse and insert shift the shadow;
 *   - a block released while a buffer (or DAX PTE) maps it is a
 *     stale_mapping, explained with both tasks' steps side by side and the
 *     replay line; unmapped first, it is not; the page-cache scan finds it
 *     when nothing reports mappings;
 *   - foreign writes are counted; engine findings are kept;
 *   - each kind's first detection time is the world's clock then;
 *   - at the end of a job a completed write that is not visible is a
 *     lost_write; concurrent writes get no verdict;
 *   - with no oracle every hook is a no-op; explanations are deterministic;
 *   - explanations fold lock chatter (acquire+release -> "held", runs ×N)
 *     but keep steps and locks still held, show the decisive moments as
 *     "** ..." rows even when later notes pushed them out of the window,
 *     and say the race in words; a stale_read of a page read from disk
 *     during a punch names the read, the truncation and the removal;
 *   - the real punch-write-fault scenario (sim/sim) explains the
 *     establishing fault and the block removal.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "fs/block/disk.h"
#include "fs/ext4/mballoc.h"
#include "fs/mm.h"
#include "fs/oracle/oracle.h"
#include "tests/fs/fixture/extents-harness.h"

struct fx {
	struct xh *h;
	struct fs_oracle *o;
	struct ext4_sim_disk *d;
	struct inode *inode;
	uint64_t seq;
	struct mm_sim *mm;          /* page cache, when a test needs one */
	struct mm_struct *mms;
	struct file file;
};

static void fx_init(struct fx *f, bool journal)
{
	struct xh_opts o = { .blocksize = 4096, .size = 64u << 20,
			     .journal = journal };

	f->h = xh_new(&o);
	f->o = fs_oracle_new(f->h->w, f->h->sb);
	fs_oracle_set_config_name(f->o, "workloads/punch_heavy.cfg");
	f->d = EXT4_SB(f->h->sb)->s_disk;
	f->inode = f->h->inode;
	f->seq = 0;
	f->mm = NULL;
	f->mms = NULL;
	g_assert_true(fs_oracle_of(f->h->sb) == f->o);
}

/* A page cache for the inode (zero costs) and a process to map it. */
static void fx_init_mm(struct fx *f)
{
	struct mm_sim_costs zero = { 0 };

	f->mm = mm_sim_new(f->h->w, &zero);
	address_space_sim_init(f->inode->i_mapping, f->inode, f->mm);
	f->mms = mm_alloc(f->mm);
	f->file = (struct file){ .f_inode = f->inode,
				 .f_mapping = f->inode->i_mapping };
	fs_oracle_add_inode(f->inode);
}

/* Page index in the cache, its one buffer mapped to pblk. */
static struct buffer_head *fx_add_buffer(struct fx *f, pgoff_t index,
					 uint64_t pblk)
{
	struct page *page = page_cache_alloc(f->inode->i_mapping);
	struct buffer_head *bh;

	g_assert_cmpint(add_to_page_cache_lru(page, f->inode->i_mapping, index),
			==, 0);
	SetPageUptodate(page);
	create_empty_buffers(page, 4096, 1ul << BH_Mapped);
	bh = page_buffers(page);
	bh->b_blocknr = pblk;
	unlock_page(page);
	put_page(page);
	return bh;
}

static void fx_fini(struct fx *f)
{
	if (g_test_verbose())
		for (int k = 0; k < FS_ORACLE_NR_KINDS; k++)
			for (unsigned i = 0; i < fs_oracle_explained(f->o, k); i++)
				g_printerr("%s\n", fs_oracle_explanation(f->o, k, i));
	fs_oracle_free(f->o);
	g_assert_null(f->h->sb->s_oracle);
	if (f->mm) {
		mmput(f->mms);
		address_space_sim_destroy(f->inode->i_mapping);
		mm_sim_free(f->mm);
	}
	xh_free(f->h);
}

static sim_stamp_t stamp(struct fx *f, loff_t off, uint32_t len)
{
	return sim_stamp_new(&f->d->stamps, f->inode->i_ino, off, len,
			     SIM_STAMP_WRITE, ++f->seq, sim_world_now(f->h->w));
}

static void sleeper(struct sim_task *t, void *arg)
{
	sim_task_sleep(t, *(sim_time_t *)arg);
}

/* Move the world's clock forward by d ns. */
static void advance(struct fx *f, sim_time_t d)
{
	sim_time_t dd = d;

	sim_task_spawn(f->h->w, "clock", sleeper, &dd);
	g_assert_cmpint(sim_world_run(f->h->w, SIM_TIME_MAX), ==, SIM_STOP_IDLE);
}

/* A read at [off, off+len) that returned write s's bytes from origin. */
static bool read_as(struct fx *f, uint64_t token, loff_t off, uint32_t len,
		    sim_stamp_t s, uint32_t origin)
{
	struct sim_contents c;
	bool ok;

	sim_contents_init(&c, len);
	if (s)
		sim_contents_set(&c, 0, len, s, origin);
	ok = fs_oracle_read(f->inode, token, off, len, &c, 0, "read");
	sim_contents_destroy(&c);
	return ok;
}

static uint64_t count(struct fx *f, enum fs_oracle_kind k)
{
	return fs_oracle_count(f->o, k);
}

/* ---- names ---------------------------------------------------------------------------- */

static void test_kind_names(void)
{
	static const char *const names[] = {
		"stale_mapping", "foreign_write", "stale_read", "lost_write",
		"deadlock", "lock_order", "fsck",
	};

	for (int k = 0; k < FS_ORACLE_NR_KINDS; k++) {
		g_assert_cmpstr(fs_oracle_kind_name(k), ==, names[k]);
		g_assert_cmpint(fs_oracle_kind_from_name(names[k]), ==, k);
	}
	g_assert_cmpint(fs_oracle_kind_from_name("nope"), ==, -1);
}

/* ---- linearizability of reads ------------------------------------------------------------ */

static void test_read_linearizable(void)
{
	struct fx f;
	sim_stamp_t a, b;
	uint64_t w2, early;

	fx_init(&f, false);
	/* never written: zeros only */
	g_assert_true(read_as(&f, 0, 0, 4096, 0, 0));
	a = stamp(&f, 0, 8192);
	fs_oracle_write(f.inode, 0, 8192, a);
	advance(&f, 1000);
	g_assert_true(read_as(&f, 0, 0, 8192, a, 0));
	g_assert_true(read_as(&f, 0, 4096, 4096, a, 4096));
	g_assert_cmpuint(count(&f, FS_ORACLE_STALE_READ), ==, 0);
	g_assert_cmpint(fs_oracle_first_time(f.o, FS_ORACLE_STALE_READ), ==, -1);
	/* zeros after the write completed: no linearization allows it */
	g_assert_false(read_as(&f, 0, 0, 4096, 0, 0));
	g_assert_cmpuint(count(&f, FS_ORACLE_STALE_READ), ==, 1);
	/* detected now: the world's clock, which advance() moved */
	g_assert_cmpint(sim_world_now(f.h->w), >=, 1000);
	g_assert_cmpint(fs_oracle_first_time(f.o, FS_ORACLE_STALE_READ), ==,
			sim_world_now(f.h->w));
	/* the right write at the wrong offset, later: the first time stays */
	advance(&f, 250);
	g_assert_false(read_as(&f, 0, 4096, 4096, a, 4097));
	g_assert_cmpuint(count(&f, FS_ORACLE_STALE_READ), ==, 2);
	g_assert_cmpint(fs_oracle_first_time(f.o, FS_ORACLE_STALE_READ), ==,
			sim_world_now(f.h->w) - 250);
	g_assert_cmpint(fs_oracle_first_time(f.o, FS_ORACLE_LOST_WRITE), ==, -1);

	/* W2 over the second block, in flight: old and new both legal */
	advance(&f, 1000);
	b = stamp(&f, 4096, 4096);
	w2 = fs_oracle_write_begin(f.inode, 4096, 4096, b);
	g_assert_cmpuint(w2, !=, 0);
	advance(&f, 500);
	early = fs_oracle_read_begin(f.inode);
	advance(&f, 500);
	g_assert_true(read_as(&f, 0, 4096, 4096, a, 4096));
	g_assert_true(read_as(&f, 0, 4096, 4096, b, 0));
	fs_oracle_write_end(f.inode, w2, 4096);
	advance(&f, 1000);
	/* a read that began before W2 completed may still return A ... */
	g_assert_true(read_as(&f, early, 4096, 4096, a, 4096));
	fs_oracle_read_end(f.inode, early);
	/* ... one that begins afterwards may not */
	g_assert_cmpuint(count(&f, FS_ORACLE_STALE_READ), ==, 2);
	g_assert_false(read_as(&f, 0, 4096, 4096, a, 4096));
	g_assert_true(read_as(&f, 0, 4096, 4096, b, 0));
	g_assert_cmpuint(count(&f, FS_ORACLE_STALE_READ), ==, 3);
	/* the first block still holds A */
	g_assert_true(read_as(&f, 0, 0, 4096, a, 0));

	/* the first stale_read is explained with the replay line */
	g_assert_cmpuint(fs_oracle_explained(f.o, FS_ORACLE_STALE_READ), ==, 1);
	{
		const char *e = fs_oracle_explanation(f.o, FS_ORACLE_STALE_READ, 0);

		g_assert_nonnull(strstr(e, "stale_read: ino "));
		g_assert_nonnull(strstr(e, "seed 1 job 0: replay with sim/sim "
					   "--replay 1:0 workloads/punch_heavy.cfg"));
		g_assert_nonnull(strstr(e, "returned byte 0 of zeros"));
		g_assert_null(fs_oracle_explanation(f.o, FS_ORACLE_STALE_READ, 1));
	}
	fx_fini(&f);
}

/* Byte-granular writes inside one block, and a short write. */
static void test_partial_and_short_writes(void)
{
	struct fx f;
	sim_stamp_t a, b;
	struct sim_contents c;
	uint64_t w;

	fx_init(&f, false);
	a = stamp(&f, 100, 300);
	fs_oracle_write(f.inode, 100, 300, a);
	advance(&f, 10);
	sim_contents_init(&c, 4096);
	sim_contents_set(&c, 100, 300, a, 0);
	g_assert_true(fs_oracle_read(f.inode, 0, 0, 4096, &c, 0, "mapread"));
	/* one byte of A missing */
	sim_contents_zero(&c, 399, 1);
	g_assert_false(fs_oracle_read(f.inode, 0, 0, 4096, &c, 0, "mapread"));
	/* a window of the object: bytes [200, 300) of the file */
	g_assert_true(fs_oracle_read(f.inode, 0, 200, 100, &c, 200, "read"));
	sim_contents_destroy(&c);

	/* short write: 2 of 4 KiB done; the rest may hold either */
	b = stamp(&f, 8192, 4096);
	w = fs_oracle_write_begin(f.inode, 8192, 4096, b);
	advance(&f, 10);
	fs_oracle_write_end(f.inode, w, 2048);
	advance(&f, 10);
	g_assert_true(read_as(&f, 0, 8192, 2048, b, 0));
	g_assert_false(read_as(&f, 0, 8192, 2048, 0, 0));
	g_assert_true(read_as(&f, 0, 8192 + 2048, 2048, b, 2048));
	g_assert_true(read_as(&f, 0, 8192 + 2048, 2048, 0, 0));
	g_assert_cmpuint(count(&f, FS_ORACLE_STALE_READ), ==, 2);
	fx_fini(&f);
}

/* ---- zeroing and shifting operations -------------------------------------------------------- */

static void test_punch_reads_zero(void)
{
	struct fx f;
	sim_stamp_t a;
	uint64_t p;

	fx_init(&f, false);
	a = stamp(&f, 0, 16384);
	fs_oracle_write(f.inode, 0, 16384, a);
	advance(&f, 100);
	p = fs_oracle_remove_begin(f.inode, FS_ORACLE_PUNCH, 1000, 8000);
	advance(&f, 100);
	/* during the punch: old bytes or zeros */
	g_assert_true(read_as(&f, 0, 4096, 4096, a, 4096));
	g_assert_true(read_as(&f, 0, 4096, 4096, 0, 0));
	fs_oracle_remove_end(f.inode, p, 0);
	advance(&f, 100);
	g_assert_true(read_as(&f, 0, 1000, 8000, 0, 0));
	g_assert_true(read_as(&f, 0, 0, 1000, a, 0));
	g_assert_true(read_as(&f, 0, 9000, 7384, a, 9000));
	g_assert_cmpuint(count(&f, FS_ORACLE_STALE_READ), ==, 0);
	/* old data in the hole: the seed race's symptom */
	g_assert_false(read_as(&f, 0, 4096, 4096, a, 4096));
	/* zero range the same; a failed one leaves both legal */
	p = fs_oracle_remove_begin(f.inode, FS_ORACLE_ZERO, 12288, 4096);
	advance(&f, 10);
	fs_oracle_remove_end(f.inode, p, -ENOSPC);
	advance(&f, 10);
	g_assert_true(read_as(&f, 0, 12288, 4096, a, 12288));
	g_assert_true(read_as(&f, 0, 12288, 4096, 0, 0));
	g_assert_cmpuint(count(&f, FS_ORACLE_STALE_READ), ==, 1);
	fx_fini(&f);
}

static void test_truncate(void)
{
	struct fx f;
	sim_stamp_t a;
	struct sim_contents c;
	uint64_t t;

	fx_init(&f, false);
	a = stamp(&f, 0, 10000);
	fs_oracle_write(f.inode, 0, 10000, a);
	advance(&f, 10);
	t = fs_oracle_remove_begin(f.inode, FS_ORACLE_TRUNCATE, 5000, 0);
	advance(&f, 10);
	fs_oracle_remove_end(f.inode, t, 0);
	advance(&f, 10);
	/* the EOF page: A up to 5000, zeros after (as a mapped read sees it) */
	sim_contents_init(&c, 4096);
	sim_contents_set(&c, 0, 5000 - 4096, a, 4096);
	g_assert_true(fs_oracle_read(f.inode, 0, 4096, 4096, &c, 0, "mapread"));
	sim_contents_set(&c, 0, 4096, a, 4096);
	g_assert_false(fs_oracle_read(f.inode, 0, 4096, 4096, &c, 0, "mapread"));
	sim_contents_destroy(&c);
	/* growing again reads zeros */
	g_assert_true(read_as(&f, 0, 8192, 4096, 0, 0));
	g_assert_cmpuint(count(&f, FS_ORACLE_STALE_READ), ==, 1);
	fx_fini(&f);
}

static void test_collapse_insert(void)
{
	struct fx f;
	sim_stamp_t s[4];
	uint64_t op, early;

	fx_init(&f, false);
	for (int i = 0; i < 4; i++) {
		s[i] = stamp(&f, i * 4096, 4096);
		fs_oracle_write(f.inode, i * 4096, 4096, s[i]);
	}
	advance(&f, 10);
	early = fs_oracle_read_begin(f.inode);
	advance(&f, 10);
	/* collapse block 1: C, D move to blocks 1, 2; block 3 reads zero */
	op = fs_oracle_remove_begin(f.inode, FS_ORACLE_COLLAPSE, 4096, 4096);
	advance(&f, 10);
	g_assert_true(read_as(&f, 0, 4096, 4096, s[1], 0));   /* not yet */
	fs_oracle_remove_end(f.inode, op, 0);
	advance(&f, 10);
	g_assert_true(read_as(&f, 0, 0, 4096, s[0], 0));
	g_assert_true(read_as(&f, 0, 4096, 4096, s[2], 0));
	g_assert_true(read_as(&f, 0, 8192, 4096, s[3], 0));
	g_assert_true(read_as(&f, 0, 12288, 4096, 0, 0));
	g_assert_cmpuint(count(&f, FS_ORACLE_STALE_READ), ==, 0);
	/* a read overlapping the collapse may see the old layout */
	g_assert_true(read_as(&f, early, 4096, 4096, s[1], 0));
	fs_oracle_read_end(f.inode, early);
	g_assert_false(read_as(&f, 0, 4096, 4096, s[1], 0));
	g_assert_cmpuint(count(&f, FS_ORACLE_STALE_READ), ==, 1);

	/* insert two blocks at block 1: A, 0, 0, C, D */
	op = fs_oracle_remove_begin(f.inode, FS_ORACLE_INSERT, 4096, 8192);
	advance(&f, 10);
	fs_oracle_remove_end(f.inode, op, 0);
	advance(&f, 10);
	g_assert_true(read_as(&f, 0, 0, 4096, s[0], 0));
	g_assert_true(read_as(&f, 0, 4096, 8192, 0, 0));
	g_assert_true(read_as(&f, 0, 12288, 4096, s[2], 0));
	g_assert_true(read_as(&f, 0, 16384, 4096, s[3], 0));
	g_assert_false(read_as(&f, 0, 8192, 4096, s[3], 0));
	g_assert_cmpuint(count(&f, FS_ORACLE_STALE_READ), ==, 2);

	/* a write in flight across a collapse lands where its bytes went */
	{
		sim_stamp_t e = stamp(&f, 16384, 4096);
		uint64_t w = fs_oracle_write_begin(f.inode, 16384, 4096, e);

		op = fs_oracle_remove_begin(f.inode, FS_ORACLE_COLLAPSE, 4096,
					    8192);
		fs_oracle_remove_end(f.inode, op, 0);
		advance(&f, 10);
		fs_oracle_write_end(f.inode, w, 4096);
		advance(&f, 10);
		g_assert_true(read_as(&f, 0, 8192, 4096, e, 0));
		g_assert_false(read_as(&f, 0, 8192, 4096, s[3], 0));
	}
	fx_fini(&f);
}

/* A write in flight across a collapse whose end it straddles (a mapped
 * store racing collapse): its bytes before the end went with the range,
 * the rest moved.  It completes as "maybe written" where it began: the
 * data that moved in stays current (test-regress aborted on this: every
 * value of the block superseded). */
static void test_collapse_torn_write(void)
{
	struct fx f;
	sim_stamp_t s[4], e;
	uint64_t op, w;

	fx_init(&f, false);
	for (int i = 0; i < 4; i++) {
		s[i] = stamp(&f, i * 4096, 4096);
		fs_oracle_write(f.inode, i * 4096, 4096, s[i]);
	}
	advance(&f, 10);
	e = stamp(&f, 4096 + 100, 4096);
	w = fs_oracle_write_begin(f.inode, 4096 + 100, 4096, e);
	advance(&f, 10);
	/* collapse blocks 0-1: C, D move to blocks 0, 1 */
	op = fs_oracle_remove_begin(f.inode, FS_ORACLE_COLLAPSE, 0, 8192);
	fs_oracle_remove_end(f.inode, op, 0);
	advance(&f, 10);
	fs_oracle_write_end(f.inode, w, 4096);
	advance(&f, 10);
	g_assert_true(read_as(&f, 0, 4096, 4096, s[3], 0));
	g_assert_true(read_as(&f, 0, 0, 4096, s[2], 0));
	g_assert_cmpuint(count(&f, FS_ORACLE_STALE_READ), ==, 0);
	fx_fini(&f);
}

/* A mapped store lands page by page, each page at the file offset its
 * address maps then: after a collapse between the two pages of one store,
 * the second page's bytes (store bytes 4096..8191) land at the collapsed
 * offset, and the oracle must take them there. */
static void test_store_per_page(void)
{
	struct fx f;
	sim_stamp_t a, b, e;
	uint64_t op;

	fx_init(&f, false);
	a = stamp(&f, 0, 4096);
	b = stamp(&f, 4096, 8192);
	fs_oracle_write(f.inode, 0, 4096, a);
	fs_oracle_write(f.inode, 4096, 8192, b);
	advance(&f, 10);
	e = stamp(&f, 4096, 8192);
	fs_oracle_write_at(f.inode, 4096, 4096, e, 0);     /* page 1 */
	advance(&f, 10);
	op = fs_oracle_remove_begin(f.inode, FS_ORACLE_COLLAPSE, 0, 4096);
	fs_oracle_remove_end(f.inode, op, 0);
	advance(&f, 10);
	/* the store's page 2 now maps file offset 4096 */
	fs_oracle_write_at(f.inode, 4096, 4096, e, 4096);
	advance(&f, 10);
	g_assert_true(read_as(&f, 0, 0, 4096, e, 0));
	g_assert_true(read_as(&f, 0, 4096, 4096, e, 4096));
	g_assert_cmpuint(count(&f, FS_ORACLE_STALE_READ), ==, 0);
	/* the wrong origin is caught */
	g_assert_false(read_as(&f, 0, 4096, 4096, e, 0));
	g_assert_cmpuint(count(&f, FS_ORACLE_STALE_READ), ==, 1);
	fx_fini(&f);
}

/* ---- stale mappings ------------------------------------------------------------------------- */

struct race {
	struct fx *f;
	uint64_t pblk;
	struct buffer_head *bh;
	bool unmap_first;
};

static void mapper_fn(struct sim_task *t, void *arg)
{
	struct race *r = arg;

	sim_task_note(t, "filemap_fault", "page inserted", "page", 0);
	sim_task_delay(t, 100);
	down_read(&EXT4_I(r->f->inode)->i_data_sem);
	sim_task_note(t, "ext4_page_mkwrite", "buffer mapped", "pblk",
		      (int64_t)r->pblk);
	fs_oracle_bh_map(r->f->inode, 0, r->pblk);
	up_read(&EXT4_I(r->f->inode)->i_data_sem);
	if (r->unmap_first) {
		sim_task_sleep(t, 1000);
		sim_task_note(t, "block_invalidatepage", "buffer unmapped",
			      "pblk", (int64_t)r->pblk);
		fs_oracle_unmap_bh(r->f->inode, r->bh, 0);
	}
}

static void puncher_fn(struct sim_task *t, void *arg)
{
	struct race *r = arg;

	mutex_lock(&r->f->inode->i_mutex);
	sim_task_note(t, "ext4_punch_hole", "truncate_pagecache_range", "page",
		      0);
	sim_task_sleep(t, 1500);
	sim_task_note(t, "ext4_ext_remove_space", "free", "pblk",
		      (int64_t)r->pblk);
	ext4_sim_mb_free_range(r->f->h->sb, r->pblk, 1, true, 77);
	/* still inside the punch when the commit releases the block */
	sim_task_sleep(t, 5000);
	mutex_unlock(&r->f->inode->i_mutex);
}

static void committer_fn(struct sim_task *t, void *arg)
{
	struct race *r = arg;

	sim_task_sleep(t, 3000);
	sim_task_note(t, "jbd2_journal_commit_transaction", "callback", "tid",
		      77);
	ext4_sim_mb_release_tid(EXT4_SB(r->f->h->sb), 77);
}

static uint64_t alloc_block(struct fx *f, uint32_t lblk)
{
	struct ext4_allocation_request ar = {
		.inode = f->inode, .len = 1, .logical = lblk,
		.flags = EXT4_MB_HINT_DATA,
	};
	int err = 0;
	uint64_t b = ext4_mb_new_blocks(NULL, &ar, &err);

	g_assert_cmpint(err, ==, 0);
	g_assert_cmpuint(b, !=, 0);
	return b;
}

static char *run_race(bool unmap_first)
{
	struct fx f;
	struct race r = { .f = &f, .unmap_first = unmap_first };
	char *text = NULL;

	fx_init(&f, false);
	fx_init_mm(&f);
	r.pblk = alloc_block(&f, 0);
	r.bh = fx_add_buffer(&f, 0, r.pblk);
	sim_task_spawn(f.h->w, "mapper", mapper_fn, &r);
	sim_task_spawn(f.h->w, "puncher", puncher_fn, &r);
	sim_task_spawn(f.h->w, "kjournald2", committer_fn, &r);
	g_assert_cmpint(sim_world_run(f.h->w, SIM_TIME_MAX), ==, SIM_STOP_IDLE);
	if (unmap_first) {
		g_assert_cmpuint(count(&f, FS_ORACLE_STALE_MAPPING), ==, 0);
		g_assert_cmpuint(fs_oracle_block_mappers(f.h->sb, r.pblk), ==, 0);
	} else {
		g_assert_cmpuint(count(&f, FS_ORACLE_STALE_MAPPING), ==, 1);
		g_assert_cmpuint(fs_oracle_block_mappers(f.h->sb, r.pblk), ==, 1);
		text = g_strdup(fs_oracle_explanation(f.o, FS_ORACLE_STALE_MAPPING,
						      0));
		fs_oracle_unmap_bh(f.inode, r.bh, 0);
	}
	g_assert_cmpuint(fs_oracle_total(f.o), ==,
			 count(&f, FS_ORACLE_STALE_MAPPING));
	fx_fini(&f);
	return text;
}

static void test_stale_mapping(void)
{
	char *e = run_race(false), *again = run_race(false);

	g_assert_nonnull(strstr(e, "stale_mapping: ino "));
	g_assert_nonnull(strstr(e, "replay with sim/sim --replay 1:0 "));
	g_assert_nonnull(strstr(e, "detected at 3.000us in task"));
	/* the detecting task (commit) and the other two, side by side */
	g_assert_nonnull(strstr(e, "kjournald2 (detecting)"));
	g_assert_nonnull(strstr(e, "mapper"));
	g_assert_nonnull(strstr(e, "puncher"));
	g_assert_nonnull(strstr(e, "ext4_page_mkwrite buffer mapped pblk"));
	g_assert_nonnull(strstr(e, "ext4_ext_remove_space free pblk"));
	g_assert_nonnull(strstr(e, "jbd2_journal_commit_transaction callback"));
	g_assert_nonnull(strstr(e, "0.100us"));   /* ns precision */
	g_assert_nonnull(strstr(e, "acquire-read i_data_sem"));
	g_assert_nonnull(strstr(e, "up_read release i_data_sem(r)"));
	/* the puncher still holds i_mutex at the detection */
	g_assert_nonnull(strstr(e, "  held         | -"));
	g_assert_nonnull(strstr(e, "i_mutex"));
	g_assert_nonnull(strstr(e, "| running"));
	/* deterministic text */
	g_assert_cmpstr(e, ==, again);
	g_free(e);
	g_free(again);
	g_assert_null(run_race(true));
}

/* Freed at once (no journal): detected by the freeing task; nothing
 * reports mappings, so the page-cache scan finds the buffer. */
static void test_stale_mapping_scan(void)
{
	struct fx f;
	uint64_t b;

	fx_init(&f, false);
	fx_init_mm(&f);
	b = alloc_block(&f, 0);
	fx_add_buffer(&f, 0, b);
	ext4_sim_mb_free_range(f.h->sb, b, 1, false, 0);
	g_assert_cmpuint(count(&f, FS_ORACLE_STALE_MAPPING), ==, 1);
	g_assert_nonnull(strstr(fs_oracle_explanation(f.o, FS_ORACLE_STALE_MAPPING,
						      0),
				"found by scanning the page cache"));
	fx_fini(&f);
}

/* An index entry nothing in the page cache backs (a hook reported a
 * mapping whose unmap was never reported) is not a violation: the page
 * cache decides, and the entry is dropped. */
static void test_stale_index_entry(void)
{
	struct fx f;
	uint64_t b, c;

	fx_init(&f, false);
	fx_init_mm(&f);
	b = alloc_block(&f, 0);
	c = alloc_block(&f, 1);
	fs_oracle_bh_map(f.inode, 0, b);       /* no such buffer */
	fx_add_buffer(&f, 1, c);
	fs_oracle_bh_map(f.inode, 1, c);
	fs_oracle_bh_map(f.inode, 1, c);       /* reported twice */
	ext4_sim_mb_free_range(f.h->sb, b, 1, false, 0);
	g_assert_cmpuint(count(&f, FS_ORACLE_STALE_MAPPING), ==, 0);
	g_assert_cmpuint(fs_oracle_block_mappers(f.h->sb, b), ==, 0);
	/* the real one is found although its count is off */
	ext4_sim_mb_free_range(f.h->sb, c, 1, false, 0);
	g_assert_cmpuint(count(&f, FS_ORACLE_STALE_MAPPING), ==, 1);
	fx_fini(&f);
}

/* Two buffers mapped the block, the later one lost it: the entry's
 * recorded position is gone, the other buffer still maps the block and
 * must be found (a scan), not dropped — its unmap would be unpaired. */
static void test_index_position_moved(void)
{
	struct fx f;
	struct buffer_head *a, *l;
	uint64_t b;

	fx_init(&f, false);
	fx_init_mm(&f);
	b = alloc_block(&f, 0);
	a = fx_add_buffer(&f, 1, b);
	fs_oracle_bh_map(f.inode, 1, b);
	l = fx_add_buffer(&f, 2, b);
	fs_oracle_bh_map(f.inode, 2, b);
	fs_oracle_unmap_bh(f.inode, l, 2);
	ext4_sim_mb_free_range(f.h->sb, b, 1, false, 0);
	g_assert_cmpuint(count(&f, FS_ORACLE_STALE_MAPPING), ==, 1);
	g_assert_cmpuint(fs_oracle_block_mappers(f.h->sb, b), ==, 1);
	fs_oracle_unmap_bh(f.inode, a, 1);
	g_assert_cmpuint(fs_oracle_block_mappers(f.h->sb, b), ==, 0);
	g_assert_cmpuint(fs_oracle_index_drift(f.o, NULL), ==, 0);
	fx_fini(&f);
}

static void test_dax_pte(void)
{
	struct fx f;
	struct vm_area_struct *v1, *v2;
	uint64_t b;

	fx_init(&f, false);
	fx_init_mm(&f);
	b = alloc_block(&f, 3);
	v1 = vm_mmap_sim(f.mms, &f.file, 0, 8,
			 VM_READ | VM_WRITE | VM_SHARED | VM_MIXEDMAP, NULL);
	v2 = vm_mmap_sim(f.mms, &f.file, 2, 4,
			 VM_READ | VM_WRITE | VM_SHARED | VM_MIXEDMAP, NULL);
	/* vm_insert_mixed and the zap report the PTEs themselves */
	g_assert_cmpint(vm_insert_mixed(v1, v1->vm_start + 3 * PAGE_SIZE, b), ==, 0);
	g_assert_cmpint(vm_insert_mixed(v2, v2->vm_start + PAGE_SIZE, b), ==, 0);
	g_assert_cmpuint(fs_oracle_block_mappers(f.h->sb, b), ==, 2);   /* two VMAs */
	pte_sim_zap(v2, v2->vm_start + PAGE_SIZE,
		    pte_offset_map(v2, v2->vm_start + PAGE_SIZE));
	g_assert_cmpuint(fs_oracle_block_mappers(f.h->sb, b), ==, 1);
	ext4_sim_mb_free_range(f.h->sb, b, 1, false, 0);
	g_assert_cmpuint(count(&f, FS_ORACLE_STALE_MAPPING), ==, 1);
	g_assert_nonnull(strstr(fs_oracle_explanation(f.o, FS_ORACLE_STALE_MAPPING,
						      0),
				"0 buffer(s) and 1 DAX PTE(s)"));
	pte_sim_zap(v1, v1->vm_start + 3 * PAGE_SIZE,
		    pte_offset_map(v1, v1->vm_start + 3 * PAGE_SIZE));
	g_assert_cmpuint(fs_oracle_block_mappers(f.h->sb, b), ==, 0);
	fx_fini(&f);
}

static void test_map_bh_helpers(void)
{
	struct fx f;
	struct buffer_head bh = { .b_blocknr = UINT64_MAX };

	fx_init(&f, false);
	fs_oracle_map_bh(f.inode, &bh, 5, 1000);
	fs_oracle_map_bh(f.inode, &bh, 5, 1000);      /* no double count */
	g_assert_true(buffer_mapped(&bh));
	g_assert_cmpuint(fs_oracle_block_mappers(f.h->sb, 1000), ==, 1);
	fs_oracle_map_bh(f.inode, &bh, 5, 1001);      /* re-mapped */
	g_assert_cmpuint(fs_oracle_block_mappers(f.h->sb, 1000), ==, 0);
	g_assert_cmpuint(fs_oracle_block_mappers(f.h->sb, 1001), ==, 1);
	fs_oracle_unmap_bh(f.inode, &bh, 5);
	fs_oracle_unmap_bh(f.inode, &bh, 5);          /* already unmapped */
	g_assert_false(buffer_mapped(&bh));
	g_assert_cmpuint(fs_oracle_block_mappers(f.h->sb, 1001), ==, 0);
	/* many blocks: the index grows and shrinks */
	for (uint32_t i = 0; i < 5000; i++)
		fs_oracle_bh_map(f.inode, i, 20000 + i * 7);
	for (uint32_t i = 0; i < 5000; i += 2)
		fs_oracle_bh_unmap(f.inode, i, 20000 + i * 7);
	for (uint32_t i = 0; i < 5000; i++)
		g_assert_cmpuint(fs_oracle_block_mappers(f.h->sb, 20000 + i * 7),
				 ==, i & 1);
	for (uint32_t i = 1; i < 5000; i += 2)
		fs_oracle_bh_unmap(f.inode, i, 20000 + i * 7);
	fx_fini(&f);
}

/* ---- foreign writes, findings ------------------------------------------------------------------ */

static void test_foreign_write(void)
{
	struct fx f;
	struct ext4_sim_owner was;
	struct sim_contents c;
	uint64_t b;
	bool foreign;

	fx_init(&f, false);
	b = alloc_block(&f, 0);
	sim_contents_init(&c, 4096);
	sim_contents_set(&c, 0, 4096, stamp(&f, 0, 4096), 0);
	foreign = ext4_sim_disk_write(f.d, b, 0, 4096, &c, 0,
				      (uint32_t)f.inode->i_ino, 0, &was);
	g_assert_false(foreign);
	fs_oracle_disk_write(f.h->sb, f.inode, 0, b, foreign, &was, "writeback");
	g_assert_cmpuint(count(&f, FS_ORACLE_FOREIGN_WRITE), ==, 0);
	/* the same block written as lblk 1: not its owner */
	foreign = ext4_sim_disk_write(f.d, b, 0, 4096, &c, 0,
				      (uint32_t)f.inode->i_ino, 1, &was);
	g_assert_true(foreign);
	fs_oracle_disk_write(f.h->sb, f.inode, 1, b, foreign, &was, "writeback");
	g_assert_cmpuint(count(&f, FS_ORACLE_FOREIGN_WRITE), ==, 1);
	g_assert_nonnull(strstr(fs_oracle_explanation(f.o, FS_ORACLE_FOREIGN_WRITE,
						      0),
				"foreign_write: writeback of ino"));
	sim_contents_destroy(&c);
	fx_fini(&f);
}

static void test_findings(void)
{
	struct fx f;

	fx_init(&f, false);
	sim_world_finding(f.h->w, "lock_order", "possible circular locking\n");
	sim_world_finding(f.h->w, "deadlock", "task 1 waits for task 2");
	sim_world_finding(f.h->w, "deadlock", "again");
	g_assert_cmpuint(count(&f, FS_ORACLE_LOCK_ORDER), ==, 1);
	g_assert_cmpuint(count(&f, FS_ORACLE_DEADLOCK), ==, 2);
	g_assert_cmpuint(fs_oracle_explained(f.o, FS_ORACLE_DEADLOCK), ==, 1);
	g_assert_cmpstr(fs_oracle_explanation(f.o, FS_ORACLE_DEADLOCK, 0), ==,
			"deadlock: seed 1 job 0: replay with sim/sim --replay "
			"1:0 workloads/punch_heavy.cfg\ntask 1 waits for task 2\n");
	fs_oracle_set_explain_max(f.o, 2);
	sim_world_finding(f.h->w, "deadlock", "third");
	g_assert_cmpuint(fs_oracle_explained(f.o, FS_ORACLE_DEADLOCK), ==, 2);
	fx_fini(&f);
}

/* ---- end of job ------------------------------------------------------------------------------ */

struct map_arg {
	ext4_lblk_t lblk;
	uint64_t pblk;
};

static void map_fn(struct xh *h, void *arg)
{
	struct map_arg *m = arg;
	struct ext4_map_blocks map;

	g_assert_cmpint(xh_map(h, m->lblk, 1, EXT4_GET_BLOCKS_CREATE, &map), ==, 1);
	m->pblk = map.m_pblk;
}

static void test_lost_write(void)
{
	struct fx f;
	struct map_arg m = { .lblk = 0 };
	struct sim_contents c;
	sim_stamp_t a, b, z1, z2;
	uint64_t w1, w2;

	fx_init(&f, false);
	xh_run(f.h, map_fn, &m);
	i_size_write(f.inode, 3 * 4096);
	/* block 0: written and on disk */
	a = stamp(&f, 0, 4096);
	fs_oracle_write(f.inode, 0, 4096, a);
	sim_contents_init(&c, 4096);
	sim_contents_set(&c, 0, 4096, a, 0);
	ext4_sim_disk_write(f.d, m.pblk, 0, 4096, &c, 0,
			    (uint32_t)f.inode->i_ino, 0, NULL);
	/* block 1: a completed write that never reached page cache or disk */
	b = stamp(&f, 4096, 4096);
	fs_oracle_write(f.inode, 4096, 4096, b);
	/* block 2: two concurrent writes: no verdict whatever it shows */
	z1 = stamp(&f, 8192, 4096);
	z2 = stamp(&f, 8192, 4096);
	w1 = fs_oracle_write_begin(f.inode, 8192, 4096, z1);
	w2 = fs_oracle_write_begin(f.inode, 8192, 4096, z2);
	advance(&f, 10);
	fs_oracle_write_end(f.inode, w2, 4096);
	fs_oracle_write_end(f.inode, w1, 4096);
	advance(&f, 10);
	fs_oracle_finish(f.o);
	g_assert_cmpuint(count(&f, FS_ORACLE_LOST_WRITE), ==, 1);
	g_assert_cmpuint(count(&f, FS_ORACLE_STALE_READ), ==, 0);
	g_assert_cmpuint(count(&f, FS_ORACLE_FSCK), ==, 0);
	{
		const char *e = fs_oracle_explanation(f.o, FS_ORACLE_LOST_WRITE, 0);

		g_assert_nonnull(strstr(e, "lost_write: ino "));
		g_assert_nonnull(strstr(e, " offset 4096 lblk 1 at end of job"));
		g_assert_nonnull(strstr(e, "the file shows byte 0 of zeros"));
	}
	/* the direct form: data where the file must read zero */
	sim_contents_set(&c, 0, 4096, a, 0);
	g_assert_true(fs_oracle_check_visible(f.inode, 0, 4096, &c, 0));
	g_assert_false(fs_oracle_check_visible(f.inode, 3 * 4096, 4096, &c, 0));
	g_assert_cmpuint(count(&f, FS_ORACLE_STALE_READ), ==, 1);
	sim_contents_destroy(&c);
	fx_fini(&f);
}

/* A job stopped mid-operation: that file gets no end-of-job verdict. */
static void test_finish_inflight(void)
{
	struct fx f;
	sim_stamp_t a;

	fx_init(&f, false);
	i_size_write(f.inode, 4096);
	a = stamp(&f, 0, 4096);
	(void)fs_oracle_write_begin(f.inode, 0, 4096, a);
	fs_oracle_finish(f.o);
	g_assert_cmpuint(fs_oracle_total(f.o), ==, 0);
	fx_fini(&f);

	/* only the bytes the in-flight operation touches lose their verdict:
	 * a completed write elsewhere that the file does not show is still a
	 * lost_write */
	fx_init(&f, false);
	i_size_write(f.inode, 8192);
	a = stamp(&f, 0, 4096);
	(void)fs_oracle_write_begin(f.inode, 0, 4096, a);
	fs_oracle_write(f.inode, 4096, 4096, stamp(&f, 4096, 4096));
	fs_oracle_finish(f.o);
	g_assert_cmpuint(count(&f, FS_ORACLE_LOST_WRITE), ==, 1);
	fx_fini(&f);
}

/* ---- no oracle, paranoid ------------------------------------------------------------------------ */

static void test_no_oracle(void)
{
	struct xh_opts o = { .blocksize = 4096, .size = 64u << 20 };
	struct xh *h = xh_new(&o);
	struct sim_contents c;

	g_assert_null(fs_oracle_of(h->sb));
	sim_contents_init(&c, 4096);
	g_assert_cmpuint(fs_oracle_write_begin(h->inode, 0, 10, 5), ==, 0);
	fs_oracle_write_end(h->inode, 0, 10);
	fs_oracle_write(h->inode, 0, 10, 5);
	g_assert_cmpuint(fs_oracle_remove_begin(h->inode, FS_ORACLE_PUNCH, 0, 1),
			 ==, 0);
	fs_oracle_remove_end(h->inode, 0, 0);
	g_assert_cmpuint(fs_oracle_read_begin(h->inode), ==, 0);
	g_assert_true(fs_oracle_read(h->inode, 0, 0, 4096, &c, 0, "read"));
	fs_oracle_read_end(h->inode, 0);
	fs_oracle_bh_map(h->inode, 0, 1);
	fs_oracle_bh_unmap(h->inode, 0, 1);
	fs_oracle_dax_pte_map(h->inode, 0, 1);
	fs_oracle_dax_pte_unmap(h->inode, 0, 1);
	g_assert_cmpuint(fs_oracle_block_mappers(h->sb, 1), ==, 0);
	fs_oracle_block_free(h->sb, 1, 1);
	g_assert_cmpuint(fs_oracle_block_reusable(h->sb, 1, 1), ==, 0);
	fs_oracle_disk_write(h->sb, h->inode, 0, 1, true, NULL, "dio");
	g_assert_true(fs_oracle_check_visible(h->inode, 0, 4096, &c, 0));
	fs_oracle_add_inode(h->inode);
	fs_oracle_remove_inode(h->inode);
	fs_oracle_finish(NULL);
	sim_contents_destroy(&c);
	xh_free(h);
}

static void test_paranoid(void)
{
	struct fx f;
	sim_stamp_t a;

	fx_init(&f, false);
	fs_oracle_set_paranoid(f.o, true);
	a = stamp(&f, 0, 4096);
	fs_oracle_write(f.inode, 0, 4096, a);
	fs_oracle_write(f.inode, 4096, 4096, a);
	g_assert_cmpuint(count(&f, FS_ORACLE_FSCK), ==, 0);
	/* break an invariant: a tree-node block overwritten by data */
	{
		uint64_t b;
		struct ext4_allocation_request ar = {
			.inode = f.inode, .len = 1, .flags = EXT4_MB_SIM_NODE,
		};
		int err = 0;
		struct sim_contents c;

		b = ext4_mb_new_blocks(NULL, &ar, &err);
		g_assert_cmpint(err, ==, 0);
		sim_contents_init(&c, 4096);
		sim_contents_set(&c, 0, 4096, a, 0);
		g_assert_true(ext4_sim_disk_write(f.d, b, 0, 4096, &c, 0,
						  (uint32_t)f.inode->i_ino, 9,
						  NULL));
		sim_contents_destroy(&c);
	}
	fs_oracle_write(f.inode, 8192, 4096, a);
	fs_oracle_write(f.inode, 8192, 4096, a);
	/* counted once although seen after two operations */
	g_assert_cmpuint(count(&f, FS_ORACLE_FSCK), ==, 1);
	g_assert_nonnull(strstr(fs_oracle_explanation(f.o, FS_ORACLE_FSCK, 0),
				"fsck: clobber: pblk "));
	fx_fini(&f);
}

/* The shadow stays small: rewriting the same blocks does not grow it. */
static void test_shadow_compact(void)
{
	struct fx f;

	fx_init(&f, false);
	for (int r = 0; r < 50; r++) {
		sim_stamp_t s = stamp(&f, 0, 65536);

		fs_oracle_write(f.inode, 0, 65536, s);
		advance(&f, 10);
		g_assert_true(read_as(&f, 0, 0, 65536, s, 0));
	}
	g_assert_cmpuint(count(&f, FS_ORACLE_STALE_READ), ==, 0);
	fx_fini(&f);
}


/* ---- explanations -------------------------------------------------------------------------- */

static unsigned occurrences(const char *hay, const char *needle)
{
	unsigned n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* The explanation with its wrapped "race:" lines joined. */
static char *unwrap(const char *e)
{
	GString *s = g_string_new(NULL);

	for (const char *p = e; *p; p++) {
		if (p[0] == '\n' && strncmp(p + 1, "      ", 6) == 0 &&
		    p[7] != ' ' && p[7] != '|') {
			g_string_append_c(s, ' ');
			p += 6;
			continue;
		}
		g_string_append_c(s, *p);
	}
	return g_string_free(s, FALSE);
}

struct chatter {
	struct fx *f;
	uint64_t pblk;
	struct buffer_head *bh;
	struct sim_mutex chat;
};

/* Maps the block, then makes 30 acquire+release pairs of lock noise
 * (60 notes: with a window of the last notes the mapping would be gone). */
static void chatty_mapper_fn(struct sim_task *t, void *arg)
{
	struct chatter *r = arg;

	sim_task_note(t, "ext4_page_mkwrite", "buffer mapped", "pblk",
		      (int64_t)r->pblk);
	fs_oracle_bh_map(r->f->inode, 0, r->pblk);
	for (int i = 0; i < 30; i++) {
		sim_task_delay(t, 5);
		mutex_lock(&r->chat);
		sim_task_delay(t, 10);
		mutex_unlock(&r->chat);
	}
}

static void chatty_puncher_fn(struct sim_task *t, void *arg)
{
	struct chatter *r = arg;
	uint64_t op;

	mutex_lock(&r->f->inode->i_mutex);
	op = fs_oracle_remove_begin(r->f->inode, FS_ORACLE_PUNCH, 0, 4096);
	sim_task_note(t, "ext4_punch_hole", "truncate_pagecache_range", NULL, 0);
	sim_task_sleep(t, 1000);
	sim_task_note(t, "ext4_punch_hole", "ext4_ext_remove_space", NULL, 0);
	/* no journal: reusable at once, detected here */
	ext4_sim_mb_free_range(r->f->h->sb, r->pblk, 1, false, 0);
	fs_oracle_remove_end(r->f->inode, op, 0);
	mutex_unlock(&r->f->inode->i_mutex);
}

static char *run_chatter(void)
{
	struct fx f;
	struct chatter r = { .f = &f };
	char *text;

	fx_init(&f, false);
	fx_init_mm(&f);
	sim_mutex_init(f.h->w, &r.chat, "chat_lock");
	r.pblk = alloc_block(&f, 0);
	r.bh = fx_add_buffer(&f, 0, r.pblk);
	sim_task_spawn(f.h->w, "mapper", chatty_mapper_fn, &r);
	sim_task_spawn(f.h->w, "puncher", chatty_puncher_fn, &r);
	g_assert_cmpint(sim_world_run(f.h->w, SIM_TIME_MAX), ==, SIM_STOP_IDLE);
	g_assert_cmpuint(count(&f, FS_ORACLE_STALE_MAPPING), ==, 1);
	text = g_strdup(fs_oracle_explanation(f.o, FS_ORACLE_STALE_MAPPING, 0));
	fs_oracle_unmap_bh(f.inode, r.bh, 0);
	fx_fini(&f);
	return text;
}

static void test_explain_compress(void)
{
	char *e = run_chatter(), *again = run_chatter();

	if (g_test_verbose())
		g_printerr("%s", e);
	/* 30 pairs: one row "... (held 10 ns) ×30", no release rows */
	g_assert_nonnull(strstr(e, "chatty_mapper_fn chat_lock (held 10 ns) ×30"));
	g_assert_cmpuint(occurrences(e, "chat_lock"), ==, 1);
	g_assert_null(strstr(e, "release chat_lock"));
	/* the mapping 60 notes back: its step and its moment row */
	g_assert_nonnull(strstr(e, "ext4_page_mkwrite buffer mapped pblk"));
	g_assert_nonnull(strstr(e, "** maps lblk 0 to pblk "));
	g_assert_nonnull(strstr(e, "** frees pblk "));
	/* steps kept, and the lock the puncher still holds */
	g_assert_nonnull(strstr(e, "ext4_punch_hole truncate_pagecache_range"));
	g_assert_nonnull(strstr(e, "ext4_punch_hole ext4_ext_remove_space"));
	g_assert_nonnull(strstr(e, "chatty_puncher_fn acquire i_mutex"));
	/* the race in words: mapped after the truncation, before the free */
	{
		char *u = unwrap(e);

		g_assert_nonnull(strstr(u, "race: task 1 (mapper) mapped lblk 0 "
					"to pblk "));
		g_assert_nonnull(strstr(u, "after punch_hole [0, +4096) of task 2 "
					"(puncher) truncated the page cache at "
					"0.000us and before it freed the block "
					"at 1.000us"));
		g_free(u);
	}
	g_assert_cmpstr(e, ==, again);
	g_free(e);
	g_free(again);
}

/* The stale_read race: the punch truncates the page cache, a fault reads
 * the old block into a new page, the punch removes the block.  The page
 * keeps the old bytes; a later read returns them where zeros belong. */
struct sr {
	struct fx *f;
	sim_stamp_t old;
	struct page *page;
};

static void sr_puncher_fn(struct sim_task *t, void *arg)
{
	struct sr *r = arg;
	uint64_t op;

	mutex_lock(&r->f->inode->i_mutex);
	op = fs_oracle_remove_begin(r->f->inode, FS_ORACLE_PUNCH, 0, 4096);
	sim_task_note(t, "ext4_punch_hole", "truncate_pagecache_range", NULL, 0);
	sim_task_sleep(t, 100);
	sim_task_note(t, "ext4_punch_hole", "ext4_ext_remove_space", NULL, 0);
	sim_task_sleep(t, 100);
	fs_oracle_remove_end(r->f->inode, op, 0);
	mutex_unlock(&r->f->inode->i_mutex);
}

static void sr_faulter_fn(struct sim_task *t, void *arg)
{
	struct sr *r = arg;
	struct page *page;

	sim_task_sleep(t, 50);
	sim_task_note(t, "filemap_fault", "page not cached", NULL, 0);
	page = page_cache_alloc(r->f->inode->i_mapping);
	g_assert_cmpint(add_to_page_cache_lru(page, r->f->inode->i_mapping, 0),
			==, 0);
	/* what sim_rbio_add_page records; the old block's bytes land */
	page->sim_read_task = sim_task_id(t) + 1;
	page->sim_read_time = sim_task_now(t);
	page->sim_read_pblk = 777;
	sim_contents_set(&page->contents, 0, 4096, r->old, 0);
	SetPageUptodate(page);
	unlock_page(page);
	put_page(page);
	r->page = page;
}

static void sr_reader_fn(struct sim_task *t, void *arg)
{
	struct sr *r = arg;
	uint64_t tok;

	sim_task_sleep(t, 1000);
	sim_task_note(t, "vfs_read", "buffered", NULL, 0);
	tok = fs_oracle_read_begin(r->f->inode);
	g_assert_false(fs_oracle_read(r->f->inode, tok, 0, 4096,
				      &r->page->contents, 0, "read"));
	fs_oracle_read_end(r->f->inode, tok);
}

static char *run_stale_read_race(void)
{
	struct fx f;
	struct sr r = { .f = &f };
	char *text;

	fx_init(&f, false);
	fx_init_mm(&f);
	r.old = stamp(&f, 0, 4096);
	fs_oracle_write(f.inode, 0, 4096, r.old);
	sim_task_spawn(f.h->w, "puncher", sr_puncher_fn, &r);
	sim_task_spawn(f.h->w, "faulter", sr_faulter_fn, &r);
	sim_task_spawn(f.h->w, "reader", sr_reader_fn, &r);
	g_assert_cmpint(sim_world_run(f.h->w, SIM_TIME_MAX), ==, SIM_STOP_IDLE);
	g_assert_cmpuint(count(&f, FS_ORACLE_STALE_READ), ==, 1);
	text = g_strdup(fs_oracle_explanation(f.o, FS_ORACLE_STALE_READ, 0));
	fx_fini(&f);
	return text;
}

static void test_explain_stale_read_race(void)
{
	char *e = run_stale_read_race(), *again = run_stale_read_race();
	char *u = unwrap(e);

	if (g_test_verbose())
		g_printerr("%s", e);
	g_assert_nonnull(strstr(u, "race: page 0 was read from pblk 777 by task 2 "
				"(faulter) at 0.050us, after punch_hole [0, +4096) "
				"of task 1 (puncher) truncated the page cache at "
				"0.000us and before it removed the blocks at "
				"0.100us: the page kept the old bytes"));
	g_free(u);
	g_assert_nonnull(strstr(e, "** reads page 0 from pblk 777"));
	g_assert_nonnull(strstr(e, "** punch_hole [0, +4096) begins"));
	g_assert_nonnull(strstr(e, "** punch_hole [0, +4096) ends"));
	g_assert_nonnull(strstr(e, "** read of offset 0 begins"));
	g_assert_nonnull(strstr(e, "filemap_fault page not cached"));
	g_assert_nonnull(strstr(e, "reader (detecting)"));
	g_assert_cmpstr(e, ==, again);
	g_free(e);
	g_free(again);
}

/* The real scenario: sim/sim on workloads/regress/punch-write-fault.cfg
 * (lockless): the explanation shows the fault that established the
 * mapping (its do_page_mkwrite row for the page) and the punch's block
 * removal, and says the race in words. */
static void test_explain_punch_write_fault(void)
{
	const char *src = g_getenv("FAULTLINE_SRCDIR");
	const char *bld = g_getenv("FAULTLINE_BUILDDIR");
	char *sim, *cfg, *out = NULL, *err = NULL, *e, *end, *row;
	const char *lb;
	gint status = 0;
	unsigned lblk;

	if (!src || !bld) {
		g_test_skip("FAULTLINE_SRCDIR/BUILDDIR not set (run by make check)");
		return;
	}
	sim = g_build_filename(bld, "sim", "sim", NULL);
	cfg = g_build_filename(src, "workloads", "regress",
			       "punch-write-fault.cfg", NULL);
	if (!g_file_test(sim, G_FILE_TEST_IS_EXECUTABLE)) {
		g_test_skip("sim/sim not built");
		g_free(sim);
		g_free(cfg);
		return;
	}
	{
		char *argv[] = { sim, "-s", "lockless", "--replay", "1:0", cfg,
				 NULL };

		g_assert_true(g_spawn_sync(NULL, argv, NULL,
					   G_SPAWN_DEFAULT, NULL, NULL, &out,
					   &err, &status, NULL));
	}
	g_assert_cmpint(status, ==, 0);
	e = strstr(out, "stale_mapping: ino ");
	g_assert_nonnull(e);
	end = strstr(e, "  state ");
	g_assert_nonnull(end);
	*end = '\0';
	if (g_test_verbose())
		g_printerr("%s\n", e);
	lb = strstr(e, " lblk ");
	g_assert_nonnull(lb);
	lblk = (unsigned)strtoul(lb + 6, NULL, 10);
	/* 4 KiB blocks: page == lblk; the establishing fault's row */
	row = g_strdup_printf("do_page_mkwrite page %u", lblk);
	g_assert_nonnull(strstr(e, row));
	g_free(row);
	row = g_strdup_printf("** maps lblk %u to pblk ", lblk);
	g_assert_nonnull(strstr(e, row));
	g_free(row);
	g_assert_nonnull(strstr(e, "ext4_ext_remove_space"));
	g_assert_nonnull(strstr(e, "** frees pblk "));
	g_assert_nonnull(strstr(e, "truncate_pagecache_range"));
	g_assert_nonnull(strstr(e, "race: task "));
	g_assert_nonnull(strstr(e, "truncated the page cache at"));
	/* chatter folded: no bare page-lock release rows */
	g_assert_null(strstr(e, "lock_release release page lock"));
	g_free(out);
	g_free(err);
	g_free(sim);
	g_free(cfg);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/oracle/kind-names", test_kind_names);
	g_test_add_func("/oracle/read-linearizable", test_read_linearizable);
	g_test_add_func("/oracle/partial-and-short-writes",
			test_partial_and_short_writes);
	g_test_add_func("/oracle/punch-reads-zero", test_punch_reads_zero);
	g_test_add_func("/oracle/truncate", test_truncate);
	g_test_add_func("/oracle/collapse-insert", test_collapse_insert);
	g_test_add_func("/oracle/collapse-torn-write", test_collapse_torn_write);
	g_test_add_func("/oracle/store-per-page", test_store_per_page);
	g_test_add_func("/oracle/stale-mapping", test_stale_mapping);
	g_test_add_func("/oracle/stale-mapping-scan", test_stale_mapping_scan);
	g_test_add_func("/oracle/explain-compress", test_explain_compress);
	g_test_add_func("/oracle/explain-stale-read-race",
			test_explain_stale_read_race);
	g_test_add_func("/oracle/explain-punch-write-fault",
			test_explain_punch_write_fault);
	g_test_add_func("/oracle/stale-index-entry", test_stale_index_entry);
	g_test_add_func("/oracle/index-position-moved",
			test_index_position_moved);
	g_test_add_func("/oracle/dax-pte", test_dax_pte);
	g_test_add_func("/oracle/map-bh-helpers", test_map_bh_helpers);
	g_test_add_func("/oracle/foreign-write", test_foreign_write);
	g_test_add_func("/oracle/findings", test_findings);
	g_test_add_func("/oracle/lost-write", test_lost_write);
	g_test_add_func("/oracle/finish-inflight", test_finish_inflight);
	g_test_add_func("/oracle/no-oracle", test_no_oracle);
	g_test_add_func("/oracle/paranoid", test_paranoid);
	g_test_add_func("/oracle/shadow-compact", test_shadow_compact);
	return g_test_run();
}
