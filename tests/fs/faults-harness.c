/* tests/fs/faults-harness.c — see faults-harness.h. */
#include "config.h"

#include <string.h>

#include "fs/block/disk.h"
#include "tests/fs/faults-harness.h"
#include "tests/fs/fs-harness.h"

struct fh *fh_new(const struct fh_opts *o)
{
	struct fsh_opts fo = {
		.blocksize = o->blocksize, .journal = o->journal,
		.dax = o->dax, .shuffle_seed = o->shuffle_seed,
	};
	struct fh *h = g_new0(struct fh, 1);
	struct mm_sim_costs mc;

	h->journal = o->journal;
	h->sb = fsh_mount(&fo, &h->w);

	/* The [costs] defaults, as a config file without [costs] gives. */
	if (!o->zero_costs) {
		h->costs = (struct fs_costs){
			.syscall_entry = 100, .fault_entry = 250,
			.page_cache_lookup = 50, .page_cache_insert = 200,
			.page_zero = 300, .page_copy = 400, .pte_install = 40,
			.pte_zap = 20, .extent_lookup_level = 60,
			.extent_modify = 300, .es_lookup = 40,
			.block_alloc = 500, .journal_handle = 150,
			.bio_submit = 500,
		};
	}
	EXT4_SB(h->sb)->s_costs = &h->costs;
	EXT4_SB(h->sb)->s_lock_ops = o->lock_ops;
	mm_sim_costs_from_config(&mc, &h->costs);
	h->mm = mm_sim_new(h->w, &mc);

	h->inode = fsh_new_inode(h->sb, h->mm);
	h->aops = (struct address_space_operations){
		.readpage = ext4_readpage,
		.readpages = ext4_readpages,
	};
	h->inode->i_mapping->a_ops = &h->aops;
	/* __ext4_new_inode: the extent root (nobody else runs yet). */
	ext4_ext_tree_init(NULL, h->inode);
	ext4_sim_file_open(&h->file, h->inode);
	h->proc = mm_alloc(h->mm);
	if (o->file_blocks)
		fh_alloc(h, 0, (uint32_t)o->file_blocks);
	return h;
}

void fh_free(struct fh *h)
{
	mmput(h->proc);
	fsh_free(h->w, h->inode, h->mm, false);
	g_free(h);
}

struct sim_task *fh_spawn(struct fh *h, const char *name, sim_task_fn fn,
			  void *arg)
{
	/* A slot's fs state is free once its task has exited. */
	for (unsigned i = 0; i < FH_MAX_TASKS; i++) {
		if (h->tasks[i] && !sim_task_exited(h->tasks[i]))
			continue;
		h->tasks[i] = fs_task_spawn(h->w, name, fn, arg, &h->ts[i]);
		return h->tasks[i];
	}
	g_error("more than %d live test tasks", FH_MAX_TASKS);
}

void fh_run(struct fh *h)
{
	enum sim_stop stop = sim_world_run(h->w, SIM_TIME_MAX);

	if (stop != SIM_STOP_IDLE)
		fsh_stopped(h->w, "world stopped", stop);
}

struct fh_alloc_arg {
	struct fh *h;
	uint32_t lblk, len;
};

static void fh_alloc_task(struct sim_task *t, void *arg)
{
	struct fh_alloc_arg *a = arg;
	struct fh *h = a->h;
	struct inode *inode = h->inode;
	struct ext4_sim_disk *disk = EXT4_SB(h->sb)->s_disk;
	unsigned bs = h->sb->s_blocksize;
	uint32_t done = 0;

	(void)t;
	while (done < a->len) {
		struct ext4_map_blocks map = {
			.m_lblk = a->lblk + done, .m_len = a->len - done,
		};
		handle_t *handle = ext4_journal_start(inode, EXT4_HT_MAP_BLOCKS,
						      ext4_chunk_trans_blocks(inode,
								(int)map.m_len));
		int ret;

		g_assert_false(IS_ERR(handle));
		ret = ext4_map_blocks(handle, inode, &map,
				      EXT4_GET_BLOCKS_CREATE);
		g_assert_cmpint(ret, >, 0);
		ext4_journal_stop(handle);
		for (int i = 0; i < ret; i++) {
			struct sim_contents src;

			sim_contents_init(&src, bs);
			sim_contents_set(&src, 0, bs,
					 FH_STAMP(map.m_lblk + (uint32_t)i), 0);
			ext4_sim_disk_write(disk, map.m_pblk + (uint64_t)i, 0, bs,
					    &src, 0, (uint32_t)inode->i_ino,
					    map.m_lblk + (uint32_t)i, NULL);
			sim_contents_destroy(&src);
		}
		done += (uint32_t)ret;
	}
	if (i_size_read(inode) < (loff_t)(a->lblk + a->len) * bs) {
		i_size_write(inode, (loff_t)(a->lblk + a->len) * bs);
		EXT4_I(inode)->i_disksize = i_size_read(inode);
	}
}

void fh_alloc(struct fh *h, uint32_t lblk, uint32_t len)
{
	struct fh_alloc_arg a = { .h = h, .lblk = lblk, .len = len };

	fh_spawn(h, "alloc", fh_alloc_task, &a);
	fh_run(h);
}

uint64_t fh_pblk(struct fh *h, uint32_t lblk)
{
	ext4_fsblk_t pblk = 0;

	fsh_tree_lookup(h->inode, lblk, &pblk, NULL, NULL);
	return pblk;
}

void fh_assert_file_bytes(struct fh *h, const struct sim_contents *c,
			  uint32_t coff, loff_t off, uint32_t len)
{
	unsigned bs = h->sb->s_blocksize;

	for (uint32_t i = 0; i < len; i++) {
		loff_t fo = off + i;
		uint32_t origin;
		sim_stamp_t st = sim_contents_at(c, coff + i, &origin);

		if (st != FH_STAMP((uint32_t)(fo / bs)) ||
		    origin != (uint32_t)(fo % bs))
			g_error("file byte %lld: stamp %llu+%u, want %llu+%u",
				(long long)fo, (unsigned long long)st, origin,
				(unsigned long long)FH_STAMP((uint32_t)(fo / bs)),
				(uint32_t)(fo % bs));
	}
}

struct vm_area_struct *fh_mmap(struct fh *h, unsigned long npages,
			       bool shared, bool writable)
{
	return ext4_sim_mmap(h->proc, &h->file, 0, npages, shared, writable);
}
