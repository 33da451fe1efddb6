/* tests/fs/test-mballoc.c — the allocator and the mount set-up: goal and
 * contiguity, no double allocation under random alloc/free, pending frees
 * not reused before their commit and reused after, conserved free counts,
 * ENOSPC, and the bitmap-vs-buddy checker (passes throughout, catches
 * deliberate corruption).  Fixed seeds. */
#include "config.h"

#include <string.h>

#include <glib.h>

#include "fs/ext4/mballoc.h"
#include "fs/ext4/ext4_jbd2.h"
#include "fs/task_state.h"

struct fixture {
	struct sim_world *w;
	struct super_block *sb;
	struct ext4_sb_info *sbi;
	struct inode inode;
};

static void setup(struct fixture *f, const struct ext4_sim_mount_opts *o)
{
	struct sim_world_params p = { .seed = 1 };

	f->w = sim_world_new(&p);
	f->sb = ext4_sim_mount(f->w, o);
	g_assert_false(IS_ERR(f->sb));
	f->sbi = EXT4_SB(f->sb);
	memset(&f->inode, 0, sizeof(f->inode));
	f->inode.i_ino = 12;
	f->inode.i_sb = f->sb;
}

static void setup_small(struct fixture *f, bool journal)
{
	struct ext4_sim_mount_opts o;

	ext4_sim_mount_opts_default(&o);
	o.size = 64u << 20;            /* 16384 blocks of 4K */
	o.blocks_per_group = 4096;     /* 4 groups */
	o.journal = journal;
	setup(f, &o);
}

static void teardown(struct fixture *f)
{
	ext4_sim_unmount(f->sb);
	sim_world_free(f->w);
}

static void assert_consistent(struct super_block *sb)
{
	char why[256];

	if (!ext4_sim_mb_check(sb, why, sizeof(why)))
		g_error("mb check: %s", why);
	if (!ext4_sim_disk_check(EXT4_SB(sb)->s_disk, why, sizeof(why)))
		g_error("disk check: %s", why);
}

/* ext4_sim_mb_release_tid; returns the blocks it released */
static uint64_t release(struct fixture *f, tid_t tid)
{
	uint64_t before = f->sbi->s_mb->nr_released_blocks;

	ext4_sim_mb_release_tid(f->sbi, tid);
	return f->sbi->s_mb->nr_released_blocks - before;
}

static ext4_fsblk_t alloc(struct fixture *f, ext4_fsblk_t goal,
			  unsigned *len, ext4_lblk_t lblk, unsigned flags,
			  int *err)
{
	struct ext4_allocation_request ar = {
		.inode = &f->inode, .len = *len, .logical = lblk,
		.goal = goal, .flags = flags,
	};
	ext4_fsblk_t b = ext4_mb_new_blocks(NULL, &ar, err);

	*len = ar.len;
	return b;
}

/* ---- mount ---------------------------------------------------------------- */

static void test_mount_geometry(void)
{
	struct ext4_sim_mount_opts o;
	struct fixture f;
	const struct ext4_sim_disk *d;

	/* default: 1 GiB, 4K, journal of 8192 blocks (32 MiB) */
	ext4_sim_mount_opts_default(&o);
	setup(&f, &o);
	g_assert_cmpuint(f.sbi->s_blocks_count, ==, 262144);
	g_assert_cmpuint(f.sbi->s_blocks_per_group, ==, 32768);
	g_assert_cmpuint(f.sbi->s_groups_count, ==, 8);
	g_assert_cmpuint(f.sbi->s_first_data_block, ==, 0);
	g_assert_cmpuint(f.sbi->s_sim_journal_blocks, ==, 8192);
	g_assert_cmpuint(f.sbi->s_resv_clusters, ==, 4096);
	g_assert_true(f.sbi->s_mount_opt & EXT4_MOUNT_ORDERED_DATA);
	g_assert_true(test_opt_delalloc(f.sbi));
	d = f.sbi->s_disk;
	g_assert_cmpuint(ext4_sim_disk_count(d, EXT4_SIM_OWN_JOURNAL), ==, 8192);
	/* journal in the middle group, contiguous */
	g_assert_cmpuint(ext4_sim_journal_bmap(f.sb, 0) / 32768, ==, 4);
	g_assert_nonnull(f.sbi->s_journal);
	g_assert_cmpuint(ext4_sim_disk_owner(d, ext4_sim_journal_bmap(f.sb, 8191))->kind,
			 ==, EXT4_SIM_OWN_JOURNAL);
	/* block 0 (superblock) is fixed metadata; free + fsmeta + journal */
	g_assert_cmpuint(ext4_sim_disk_owner(d, 0)->kind, ==, EXT4_SIM_OWN_FSMETA);
	g_assert_cmpuint(ext4_sim_disk_count(d, EXT4_SIM_OWN_FREE) +
				 ext4_sim_disk_count(d, EXT4_SIM_OWN_FSMETA) +
				 ext4_sim_disk_count(d, EXT4_SIM_OWN_JOURNAL),
			 ==, 262144);
	g_assert_cmpint(f.sbi->s_freeclusters_counter, ==,
			(int64_t)ext4_sim_disk_count(d, EXT4_SIM_OWN_FREE));
	assert_consistent(f.sb);
	teardown(&f);

	/* 1K blocks: first data block 1, sub-page blocks */
	ext4_sim_mount_opts_default(&o);
	o.blocksize = 1024;
	o.size = 32u << 20;
	o.journal = false;
	setup(&f, &o);
	g_assert_cmpuint(f.sbi->s_first_data_block, ==, 1);
	g_assert_cmpuint(f.sbi->s_blocks_per_group, ==, 8192);
	g_assert_cmpuint(f.sb->s_blocksize_bits, ==, 10);
	g_assert_true(f.sbi->s_mount_opt & EXT4_MOUNT_NOJOURNAL);
	g_assert_true(f.sbi->s_mount_opt & EXT4_MOUNT_WRITEBACK_DATA);
	g_assert_cmpuint(ext4_sim_disk_owner(f.sbi->s_disk, 0)->kind, ==,
			 EXT4_SIM_OWN_FSMETA);
	assert_consistent(f.sb);
	teardown(&f);

	/* 2K blocks: sub-page, first data block 0 */
	ext4_sim_mount_opts_default(&o);
	o.blocksize = 2048;
	o.size = 64u << 20;
	o.journal_blocks = 2048;
	setup(&f, &o);
	g_assert_cmpuint(f.sbi->s_blocks_count, ==, 32768);
	g_assert_cmpuint(f.sbi->s_first_data_block, ==, 0);
	g_assert_cmpuint(f.sbi->s_groups_count, ==, 2);
	assert_consistent(f.sb);
	teardown(&f);
}

static void test_mount_rejects(void)
{
	struct sim_world_params p = { .seed = 1 };
	struct sim_world *w = sim_world_new(&p);
	struct ext4_sim_mount_opts o;

	ext4_sim_mount_opts_default(&o);
	o.blocksize = 3000;
	g_assert_cmpint(PTR_ERR(ext4_sim_mount(w, &o)), ==, -EINVAL);
	/* what is wrong, for the user: the key and the values */
	{
		struct ext4_sim_mount_error me = { 0 };

		ext4_sim_mount_opts_default(&o);
		o.journal_blocks = 256;              /* 1M of 4K blocks */
		g_assert_cmpint(PTR_ERR(ext4_sim_mount_why(w, &o, &me)), ==,
				-EINVAL);
		g_assert_cmpstr(me.key, ==, "journal_size");
		g_assert_cmpstr(me.why, ==,
				"journal_size 1M is 256 blocks of 4K; jbd2 needs at least 1024 blocks (4M)");
		ext4_sim_mount_opts_default(&o);
		o.blocksize = 1024;
		o.journal_blocks = 65536;            /* 64M of 1K blocks */
		g_assert_cmpint(PTR_ERR(ext4_sim_mount_why(w, &o, &me)), ==,
				-EINVAL);
		g_assert_cmpstr(me.key, ==, "journal_size");
		g_assert_cmpstr(me.key2, ==, "blocksize");
		g_assert_nonnull(strstr(me.why, "fits in one block group"));
		ext4_sim_mount_opts_default(&o);
		o.dax = true;
		o.blocksize = 2048;
		g_assert_cmpint(PTR_ERR(ext4_sim_mount_why(w, &o, &me)), ==,
				-EINVAL);
		g_assert_cmpstr(me.key, ==, "blocksize");
		g_assert_cmpstr(me.key2, ==, "mount");
	}
	/* set_blocksize: nothing above PAGE_SIZE (issue 11: 8K blocks used
	 * to pass the mount and hit BUG_ONs in the page cache) */
	for (unsigned bs = 8192; bs <= 65536; bs *= 2) {
		ext4_sim_mount_opts_default(&o);
		o.blocksize = bs;
		o.size = 256u << 20;
		g_assert_cmpint(PTR_ERR(ext4_sim_mount(w, &o)), ==, -EINVAL);
	}
	ext4_sim_mount_opts_default(&o);
	o.data = EXT4_SIM_DATA_JOURNAL;   /* with delalloc */
	g_assert_cmpint(PTR_ERR(ext4_sim_mount(w, &o)), ==, -EINVAL);
	ext4_sim_mount_opts_default(&o);
	o.dax = true;
	o.blocksize = 1024;
	g_assert_cmpint(PTR_ERR(ext4_sim_mount(w, &o)), ==, -EINVAL);
	ext4_sim_mount_opts_default(&o);
	o.device = "floppy";
	g_assert_cmpint(PTR_ERR(ext4_sim_mount(w, &o)), ==, -EINVAL);
	ext4_sim_mount_opts_default(&o);
	o.data = EXT4_SIM_DATA_JOURNAL;
	o.delalloc = false;
	{
		struct super_block *sb = ext4_sim_mount(w, &o);

		g_assert_false(IS_ERR(sb));
		g_assert_true(EXT4_SB(sb)->s_mount_opt & EXT4_MOUNT_JOURNAL_DATA);
		ext4_sim_unmount(sb);
	}
	sim_world_free(w);
}

static void test_new_inode(void)
{
	struct fixture f;
	struct inode *a, *b;
	struct ext4_inode_info *ei;

	setup_small(&f, false);
	a = ext4_sim_new_inode(f.sb);
	b = ext4_sim_new_inode(f.sb);
	g_assert_cmpuint(a->i_ino, ==, 12);
	g_assert_cmpuint(b->i_ino, ==, 13);
	g_assert_true(a->i_sb == f.sb);
	g_assert_true(a->i_mapping == &a->i_data);
	g_assert_true(a->i_data.host == a);
	g_assert_cmpint(i_size_read(a), ==, 0);
	ei = EXT4_I(a);
	g_assert_true(&ei->vfs_inode == a);
	/* one lock class per role, shared by every inode (lockdep keys) */
	g_assert_cmpstr(sim_lock_class_stats(f.w, ei->i_data_sem.dep.class_id)->name,
			==, "i_data_sem");
	g_assert_cmpstr(sim_lock_class_stats(f.w, ei->i_mmap_sem.dep.class_id)->name,
			==, "i_mmap_sem");
	g_assert_cmpstr(sim_lock_class_stats(f.w, a->i_mutex.dep.class_id)->name,
			==, "i_mutex");
	g_assert_cmpstr(sim_lock_class_stats(f.w, a->i_data.i_mmap_rwsem.dep.class_id)->name,
			==, "i_mmap_rwsem");
	g_assert_cmpstr(sim_lock_class_stats(f.w, a->i_data.invalidate_lock.dep.class_id)->name,
			==, "invalidate_lock");
	g_assert_cmpuint(ei->i_data_sem.dep.class_id, ==,
			 EXT4_I(b)->i_data_sem.dep.class_id);
	g_assert_false(sim_rwsem_is_locked(&ei->i_data_sem));
	g_assert_false(sim_mutex_is_locked(&b->i_mutex));
	ext4_sim_free_inode(a);
	ext4_sim_free_inode(b);
	teardown(&f);
}

/* ---- allocation ---------------------------------------------------------- */

static void test_goal_and_contiguous(void)
{
	struct fixture f;
	const struct ext4_sim_disk *d;
	ext4_fsblk_t goal, b, b2;
	unsigned len;
	int err;

	setup_small(&f, false);
	d = f.sbi->s_disk;
	/* goal honoured when free */
	goal = ext4_group_first_block_no(f.sb, 2) + 1000;
	len = 8;
	b = alloc(&f, goal, &len, 100, 0, &err);
	g_assert_cmpint(err, ==, 0);
	g_assert_cmpuint(b, ==, goal);
	g_assert_cmpuint(len, ==, 8);
	for (unsigned i = 0; i < 8; i++) {
		const struct ext4_sim_owner *o = ext4_sim_disk_owner(d, b + i);

		g_assert_cmpuint(o->kind, ==, EXT4_SIM_OWN_DATA);
		g_assert_cmpuint(o->ino, ==, 12);
		g_assert_cmpuint(o->lblk, ==, 100 + i);
	}
	/* goal taken: first fit in the goal's group, not the goal */
	len = 4;
	b2 = alloc(&f, goal + 2, &len, 0, 0, &err);
	g_assert_cmpint(err, ==, 0);
	g_assert_cmpuint(len, ==, 4);
	g_assert_true(b2 + 4 <= goal || b2 >= goal + 8);
	g_assert_cmpuint(b2 / 4096, ==, 2);
	/* a contiguous run of 1000 */
	len = 1000;
	b = alloc(&f, ext4_group_first_block_no(f.sb, 1), &len, 0, 0, &err);
	g_assert_cmpuint(len, ==, 1000);
	for (unsigned i = 0; i < 1000; i++)
		g_assert_true(ext4_sim_mb_block_in_use(f.sbi->s_mb, b + i));
	/* extent-tree node */
	{
		unsigned long cnt = 1;
		ext4_fsblk_t n = ext4_new_meta_blocks(NULL, &f.inode, b, 0,
						      &cnt, &err);

		g_assert_cmpint(err, ==, 0);
		g_assert_cmpuint(cnt, ==, 1);
		g_assert_cmpuint(ext4_sim_disk_owner(d, n)->kind, ==,
				 EXT4_SIM_OWN_NODE);
	}
	assert_consistent(f.sb);
	teardown(&f);
}

enum { R_FREE, R_USED, R_PENDING, R_FIXED };

struct extent {
	ext4_fsblk_t start;
	unsigned len;
};

/* Random alloc / free (deferred or not) / commit against a per-block
 * reference state. */
static void run_random(guint32 seed, bool check_every_step)
{
	GRand *g = g_rand_new_with_seed(seed);
	struct fixture f;
	uint64_t nblocks;
	uint8_t *ref;
	uint32_t *ref_tid;
	GArray *live = g_array_new(FALSE, FALSE, sizeof(struct extent));
	tid_t running = 1, committed = 0;
	uint64_t fixed = 0;

	setup_small(&f, false);
	nblocks = f.sbi->s_blocks_count;
	ref = g_new0(uint8_t, nblocks);
	ref_tid = g_new0(uint32_t, nblocks);
	for (uint64_t b = 0; b < nblocks; b++)
		if (ext4_sim_mb_block_in_use(f.sbi->s_mb, b)) {
			ref[b] = R_FIXED;
			fixed++;
		}
	for (unsigned step = 0; step < 3000; step++) {
		int op = g_rand_int_range(g, 0, 100);

		if (op < 50) {
			unsigned len = (unsigned)g_rand_int_range(g, 1, 200);
			ext4_fsblk_t goal = (ext4_fsblk_t)g_rand_int_range(g, 0, (gint32)nblocks);
			int err;
			ext4_fsblk_t b = alloc(&f, goal, &len, 0,
					       EXT4_MB_DELALLOC_RESERVED, &err);

			if (!b) {
				g_assert_cmpint(err, ==, -ENOSPC);
				continue;
			}
			for (unsigned i = 0; i < len; i++) {
				/* never a used, fixed or pending block */
				g_assert_cmpuint(ref[b + i], ==, R_FREE);
				ref[b + i] = R_USED;
			}
			g_array_append_val(live, ((struct extent){ b, len }));
		} else if (op < 90 && live->len) {
			guint k = (guint)g_rand_int_range(g, 0, (gint32)live->len);
			struct extent *e = &g_array_index(live, struct extent, k);
			unsigned n = (unsigned)g_rand_int_range(g, 1, (gint32)e->len + 1);
			bool defer = g_rand_boolean(g);

			ext4_sim_mb_free_range(f.sb, e->start, n, defer, running);
			f.sbi->s_freeclusters_counter += n;
			for (unsigned i = 0; i < n; i++) {
				g_assert_cmpuint(ref[e->start + i], ==, R_USED);
				ref[e->start + i] = defer ? R_PENDING : R_FREE;
				ref_tid[e->start + i] = running;
			}
			e->start += n;
			e->len -= n;
			if (!e->len)
				g_array_remove_index_fast(live, k);
		} else if (op < 97) {
			running++;   /* a new transaction starts */
		} else if (committed + 1 < running) {
			/* commit the oldest finished transaction */
			uint64_t want = 0, got;

			committed++;
			for (uint64_t b = 0; b < nblocks; b++)
				if (ref[b] == R_PENDING && ref_tid[b] == committed) {
					ref[b] = R_FREE;
					want++;
				}
			got = release(&f, committed);
			g_assert_cmpuint(got, ==, want);
		}
		if (check_every_step || step % 50 == 0) {
			uint64_t cnt[4] = { 0 };

			assert_consistent(f.sb);
			for (uint64_t b = 0; b < nblocks; b++)
				cnt[ref[b]]++;
			/* conservation: the allocator's and disk's counts
			 * match the reference */
			g_assert_cmpuint(ext4_sim_mb_buddy_free(f.sbi->s_mb), ==, cnt[R_FREE]);
			g_assert_cmpuint(ext4_sim_mb_pending(f.sbi->s_mb), ==, cnt[R_PENDING]);
			g_assert_cmpint(f.sbi->s_freeclusters_counter, ==,
					(int64_t)(cnt[R_FREE] + cnt[R_PENDING]));
			g_assert_cmpuint(cnt[R_FIXED], ==, fixed);
		}
	}
	assert_consistent(f.sb);
	g_array_free(live, TRUE);
	g_free(ref);
	g_free(ref_tid);
	teardown(&f);
	g_rand_free(g);
}

static void test_random(void)
{
	run_random(11, true);
	run_random(12, false);
	run_random(13, false);
}

/* Pending frees are not reused before the commit of their transaction and
 * are reused after; data=writeback / no-journal frees are reusable at once. */
static void test_pending_reuse(void)
{
	struct fixture f;
	ext4_fsblk_t b, b2;
	unsigned len = 16;
	int err;
	tid_t tid;

	setup_small(&f, false);
	b = alloc(&f, 5000, &len, 0, 0, &err);
	g_assert_cmpuint(b, ==, 5000);
	ext4_sim_mb_free_range(f.sb, b, 16, true, 7);
	f.sbi->s_freeclusters_counter += 16;
	g_assert_true(ext4_sim_mb_is_pending(f.sbi->s_mb, b + 3, &tid));
	g_assert_cmpuint(tid, ==, 7);
	g_assert_false(ext4_sim_mb_block_in_use(f.sbi->s_mb, b));  /* on disk */
	g_assert_cmpuint(ext4_sim_disk_owner(f.sbi->s_disk, b)->kind, ==,
			 EXT4_SIM_OWN_PENDING_FREE);
	assert_consistent(f.sb);
	len = 16;
	b2 = alloc(&f, b, &len, 0, 0, &err);
	g_assert_true(b2 + len <= b || b2 >= b + 16);   /* not reused */
	g_assert_cmpuint(release(&f, 6), ==, 0);
	g_assert_cmpuint(release(&f, 7), ==, 16);
	g_assert_cmpuint(ext4_sim_disk_owner(f.sbi->s_disk, b)->kind, ==,
			 EXT4_SIM_OWN_FREE);
	len = 16;
	b2 = alloc(&f, b, &len, 0, 0, &err);
	g_assert_cmpuint(b2, ==, b);                     /* reused after */
	/* NULL handle (no journal): ext4_free_blocks frees at once */
	ext4_free_blocks(NULL, &f.inode, NULL, b2, 16, 0);
	g_assert_cmpuint(ext4_sim_mb_pending(f.sbi->s_mb), ==, 0);
	len = 16;
	g_assert_cmpuint(alloc(&f, b, &len, 0, 0, &err), ==, b);
	/* freeing across a group boundary */
	len = 64;
	b = alloc(&f, 4096 - 32, &len, 0, EXT4_MB_DELALLOC_RESERVED, &err);
	g_assert_cmpuint(b, !=, 4096 - 32);  /* a run never crosses groups */
	assert_consistent(f.sb);
	teardown(&f);
}

/* ENOSPC: claims halve, the reserve is held back, pending frees block the
 * allocation (a commit is asked for) until their transaction commits. */
static void test_enospc(void)
{
	struct fixture f;
	ext4_fsblk_t b;
	unsigned len;
	int err;
	GArray *got = g_array_new(FALSE, FALSE, sizeof(struct extent));
	int64_t avail;

	setup_small(&f, false);
	/* 2% of 16384 blocks are reserved */
	g_assert_cmpuint(f.sbi->s_resv_clusters, ==, 327);
	/* a claim of more than is available halves until it fits */
	while (f.sbi->s_freeclusters_counter - 327 > 3000) {
		unsigned l = 3000;

		b = alloc(&f, 0, &l, 0, 0, &err);
		g_assert_cmpint(err, ==, 0);
	}
	avail = f.sbi->s_freeclusters_counter - 327;
	len = (unsigned)avail + 1;
	b = alloc(&f, 0, &len, 0, 0, &err);
	g_assert_cmpint(err, ==, 0);
	/* claimed avail+1 halved to (avail+1)/2; the run found may be
	 * shorter still (groups are split by their metadata) */
	g_assert_cmpuint(len, <=, (unsigned)(avail + 1) / 2);
	g_assert_cmpuint(len, >, 0);
	g_assert_cmpint(f.sbi->s_dirtyclusters_counter, ==, 0);
	/* ordinary allocations stop exactly at the reserve ... */
	do {
		len = 50;
		b = alloc(&f, 0, &len, 0, 0, &err);
	} while (b);
	g_assert_cmpint(err, ==, -ENOSPC);
	g_assert_cmpint(f.sbi->s_freeclusters_counter, ==, 327);
	g_assert_cmpint(f.sbi->s_dirtyclusters_counter, ==, 0);
	/* ... USE_RESERVED and delalloc-reserved ones may go on until the
	 * buddy is empty */
	for (;;) {
		len = 50;
		b = alloc(&f, 0, &len, 0, EXT4_MB_DELALLOC_RESERVED, &err);
		if (!b)
			break;
		g_array_append_val(got, ((struct extent){ b, len }));
	}
	g_assert_cmpint(err, ==, -ENOSPC);
	g_assert_cmpuint(ext4_sim_mb_buddy_free(f.sbi->s_mb), ==, 0);
	g_assert_cmpint(f.sbi->s_freeclusters_counter, ==, 0);
	assert_consistent(f.sb);
	/* free one extent pending in tid 3: counters rise, buddy does not */
	{
		struct extent e = g_array_index(got, struct extent, 0);
		uint64_t forced = f.sbi->s_mb->nr_force_commits;

		ext4_sim_mb_free_range(f.sb, e.start, e.len, true, 3);
		f.sbi->s_freeclusters_counter += e.len;
		g_assert_true(ext4_has_free_clusters(f.sbi, 1, EXT4_MB_USE_RESERVED));
		len = 1;
		g_assert_cmpuint(alloc(&f, 0, &len, 0, EXT4_MB_DELALLOC_RESERVED, &err), ==, 0);
		g_assert_cmpint(err, ==, -ENOSPC);
		/* a commit was asked for (no journal here: nothing to do) */
		g_assert_cmpuint(f.sbi->s_mb->nr_force_commits, ==, forced + 1);
		g_assert_cmpuint(release(&f, 3), ==, e.len);
		len = e.len;
		b = alloc(&f, 0, &len, 0, EXT4_MB_DELALLOC_RESERVED, &err);
		g_assert_cmpuint(b, ==, e.start);
		g_assert_cmpuint(len, ==, e.len);
	}
	assert_consistent(f.sb);
	g_array_free(got, TRUE);
	teardown(&f);
}

/* The checker catches each kind of corruption, and passes once repaired. */
static void test_checker_catches(void)
{
	struct fixture f;
	struct ext4_sim_mb *mb;
	struct ext4_group_info *grp;
	ext4_fsblk_t b;
	unsigned len = 10, bit;
	int err;
	char why[256];

	setup_small(&f, false);
	mb = f.sbi->s_mb;
	b = alloc(&f, 9000, &len, 0, 0, &err);
	ext4_sim_mb_free_range(f.sb, b, 5, true, 4);
	f.sbi->s_freeclusters_counter += 5;
	assert_consistent(f.sb);
	grp = ext4_sim_mb_group(mb, 2);
	bit = (unsigned)(b + 7 - ext4_group_first_block_no(f.sb, 2));

	/* used block free in the buddy */
	grp->bb_buddy[bit / 64] ^= 1ull << (bit % 64);
	g_assert_false(ext4_sim_mb_check(f.sb, why, sizeof(why)));
	g_assert_nonnull(strstr(why, "in use on disk, free in buddy"));
	grp->bb_buddy[bit / 64] ^= 1ull << (bit % 64);
	assert_consistent(f.sb);

	/* a pending block marked free in the buddy (reusable too early) */
	bit -= 5;
	grp->bb_buddy[bit / 64] ^= 1ull << (bit % 64);
	g_assert_false(ext4_sim_mb_check(f.sb, why, sizeof(why)));
	g_assert_nonnull(strstr(why, "pending free but not"));
	grp->bb_buddy[bit / 64] ^= 1ull << (bit % 64);

	/* on-disk bitmap bit cleared under an allocated block */
	bit += 6;
	grp->bitmap_bh->b_data[bit / 8] ^= (uint8_t)(1u << (bit % 8));
	g_assert_false(ext4_sim_mb_check(f.sb, why, sizeof(why)));
	grp->bitmap_bh->b_data[bit / 8] ^= (uint8_t)(1u << (bit % 8));

	/* counters */
	grp->bb_free++;
	g_assert_false(ext4_sim_mb_check(f.sb, why, sizeof(why)));
	g_assert_nonnull(strstr(why, "bb_free"));
	grp->bb_free--;
	f.sbi->s_freeclusters_counter++;
	g_assert_false(ext4_sim_mb_check(f.sb, why, sizeof(why)));
	f.sbi->s_freeclusters_counter--;

	/* overlapping pending frees */
	mb->pending[mb->npending++] = mb->pending[0];
	g_assert_false(ext4_sim_mb_check(f.sb, why, sizeof(why)));
	g_assert_nonnull(strstr(why, "overlap"));
	mb->npending--;
	assert_consistent(f.sb);
	teardown(&f);
}

/* ---- with the real journal ------------------------------------------------ */

struct jtest {
	struct fs_task_state ts;
	struct fixture *f;
	enum ext4_sim_data_mode mode;
	bool done;
};

/* Blocks freed by a handle stay unusable until its transaction commits;
 * the commit callback hands them back (data=ordered).  Under data=writeback
 * data blocks are reusable at once, extent-tree nodes still wait. */
static void journal_task(struct sim_task *t, void *argp)
{
	struct jtest *jt = argp;
	struct fixture *f = jt->f;
	struct ext4_sim_mb *mb = f->sbi->s_mb;
	handle_t *handle;
	ext4_fsblk_t b, b2, node;
	unsigned len = 32;
	unsigned long cnt = 1;
	int err;
	tid_t tid, ptid;

	handle = ext4_journal_start(&f->inode, EXT4_HT_MISC, 20);
	g_assert_true(handle && !IS_ERR(handle));
	tid = ext4_sim_handle_tid(handle);
	{
		struct ext4_allocation_request ar = {
			.inode = &f->inode, .len = len, .goal = 7000,
		};

		b = ext4_mb_new_blocks(handle, &ar, &err);
		g_assert_cmpuint(b, ==, 7000);
	}
	node = ext4_new_meta_blocks(handle, &f->inode, 7100, 0, &cnt, &err);
	g_assert_cmpuint(node, !=, 0);
	ext4_free_blocks(handle, &f->inode, NULL, b, 32, 0);
	ext4_free_blocks(handle, &f->inode, NULL, node, 1,
			 EXT4_FREE_BLOCKS_METADATA | EXT4_FREE_BLOCKS_FORGET);
	g_assert_true(ext4_sim_mb_is_pending(mb, node, &ptid));
	g_assert_cmpuint(ptid, ==, tid);
	if (jt->mode == EXT4_SIM_DATA_WRITEBACK) {
		g_assert_false(ext4_sim_mb_is_pending(mb, b, NULL));
		g_assert_cmpuint(ext4_sim_disk_owner(f->sbi->s_disk, b)->kind, ==,
				 EXT4_SIM_OWN_FREE);
	} else {
		g_assert_true(ext4_sim_mb_is_pending(mb, b, &ptid));
		g_assert_cmpuint(ptid, ==, tid);
		g_assert_cmpuint(ext4_sim_disk_owner(f->sbi->s_disk, b)->kind, ==,
				 EXT4_SIM_OWN_PENDING_FREE);
	}
	/* not reused before the commit (writeback: reused at once) */
	len = 32;
	{
		struct ext4_allocation_request ar = {
			.inode = &f->inode, .len = len, .goal = b,
		};

		b2 = ext4_mb_new_blocks(handle, &ar, &err);
		if (jt->mode == EXT4_SIM_DATA_WRITEBACK)
			g_assert_cmpuint(b2, ==, b);
		else
			g_assert_true(b2 + ar.len <= b || b2 >= b + 32);
		ext4_free_blocks(handle, &f->inode, NULL, b2, ar.len, 0);
	}
	ext4_journal_stop(handle);
	assert_consistent(f->sb);
	/* the commit releases them */
	g_assert_cmpint(ext4_sim_force_commit(f->sb), >, 0);
	g_assert_cmpuint(ext4_sim_mb_pending(mb), ==, 0);
	g_assert_false(ext4_sim_mb_is_pending(mb, node, NULL));
	g_assert_cmpuint(ext4_sim_disk_owner(f->sbi->s_disk, b)->kind, ==,
			 EXT4_SIM_OWN_FREE);
	assert_consistent(f->sb);
	{
		struct ext4_allocation_request ar = {
			.inode = &f->inode, .len = 32, .goal = b,
		};

		handle = ext4_journal_start(&f->inode, EXT4_HT_MISC, 20);
		g_assert_cmpuint(ext4_mb_new_blocks(handle, &ar, &err), ==, b);
		ext4_journal_stop(handle);
	}
	jt->done = true;
}

static void test_journal_reuse(void)
{
	static const enum ext4_sim_data_mode modes[] = {
		EXT4_SIM_DATA_ORDERED, EXT4_SIM_DATA_WRITEBACK,
	};

	for (unsigned i = 0; i < SIM_ARRAY_SIZE(modes); i++) {
		struct ext4_sim_mount_opts o;
		struct fixture f;
		struct jtest jt = { .f = &f, .mode = modes[i] };

		ext4_sim_mount_opts_default(&o);
		o.size = 64u << 20;
		o.blocks_per_group = 4096;
		o.data = modes[i];
		setup(&f, &o);
		fs_task_spawn(f.w, "freer", journal_task, &jt, &jt.ts);
		sim_world_run(f.w, SIM_TIME_MAX);
		g_assert_true(jt.done);
		teardown(&f);
	}
}

/* ENOSPC with frees pending in a finished transaction: the allocation
 * forces a commit and succeeds with the released blocks. */
static void enospc_task(struct sim_task *t, void *argp)
{
	struct jtest *jt = argp;
	struct fixture *f = jt->f;
	handle_t *handle;
	ext4_fsblk_t b, first = 0;
	unsigned len = 0;
	int err;

	handle = ext4_journal_start(&f->inode, EXT4_HT_MISC, 20);
	for (;;) {
		struct ext4_allocation_request ar = {
			.inode = &f->inode, .len = 500,
			.flags = EXT4_MB_DELALLOC_RESERVED,
		};

		b = ext4_mb_new_blocks(handle, &ar, &err);
		if (!b)
			break;
		if (!first) {
			first = b;
			len = ar.len;
		}
	}
	g_assert_cmpint(err, ==, -ENOSPC);
	ext4_free_blocks(handle, &f->inode, NULL, first, len, 0);
	g_assert_cmpuint(ext4_sim_mb_pending(f->sbi->s_mb), ==, len);
	/* with our handle still open the running transaction cannot
	 * commit: jbd2_journal_force_commit_nested gives up, ENOSPC */
	{
		struct ext4_allocation_request ar = {
			.inode = &f->inode, .len = 1,
			.flags = EXT4_MB_DELALLOC_RESERVED,
		};

		g_assert_cmpuint(ext4_mb_new_blocks(handle, &ar, &err), ==, 0);
		g_assert_cmpint(err, ==, -ENOSPC);
	}
	ext4_journal_stop(handle);
	/* outside a handle the forced commit goes through and the retry
	 * gets the freed run */
	{
		struct ext4_allocation_request ar = {
			.inode = &f->inode, .len = len,
			.flags = EXT4_MB_DELALLOC_RESERVED,
		};
		uint64_t forced = f->sbi->s_mb->nr_force_commits;

		b = ext4_mb_new_blocks(NULL, &ar, &err);
		g_assert_cmpint(err, ==, 0);
		g_assert_cmpuint(b, ==, first);
		g_assert_cmpuint(ar.len, ==, len);
		g_assert_cmpuint(f->sbi->s_mb->nr_force_commits, ==, forced + 1);
	}
	assert_consistent(f->sb);
	jt->done = true;
}

static void test_journal_enospc(void)
{
	struct fixture f;
	struct jtest jt = { .f = &f };

	setup_small(&f, true);
	fs_task_spawn(f.w, "filler", enospc_task, &jt, &jt.ts);
	sim_world_run(f.w, SIM_TIME_MAX);
	g_assert_true(jt.done);
	teardown(&f);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/mballoc/mount-geometry", test_mount_geometry);
	g_test_add_func("/mballoc/mount-rejects", test_mount_rejects);
	g_test_add_func("/mballoc/new-inode", test_new_inode);
	g_test_add_func("/mballoc/goal-contiguous", test_goal_and_contiguous);
	g_test_add_func("/mballoc/random", test_random);
	g_test_add_func("/mballoc/pending-reuse", test_pending_reuse);
	g_test_add_func("/mballoc/enospc", test_enospc);
	g_test_add_func("/mballoc/checker-catches", test_checker_catches);
	g_test_add_func("/mballoc/journal-reuse", test_journal_reuse);
	g_test_add_func("/mballoc/journal-enospc", test_journal_enospc);
	return g_test_run();
}
