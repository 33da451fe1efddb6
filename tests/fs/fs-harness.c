/* tests/fs/fs-harness.c — see fs-harness.h. */
#include "config.h"

#include <stdlib.h>

#include "fs/ext4/ext4_map.h"
#include "fs/writeback.h"
#include "tests/fs/fs-harness.h"

struct super_block *fsh_mount(const struct fsh_opts *o, struct sim_world **w)
{
	struct sim_world_params wp = {
		.seed = o->shuffle_seed ? o->shuffle_seed : 1,
		.tie_shuffle = o->shuffle_seed != 0,
	};
	struct ext4_sim_mount_opts mo;
	struct super_block *sb;

	ext4_sim_mount_opts_default(&mo);
	mo.blocksize = o->blocksize ? o->blocksize : 4096;
	mo.size = o->size ? o->size : (uint64_t)64 << 20;
	mo.blocks_per_group = o->blocks_per_group;
	mo.journal_blocks = o->journal_blocks;
	mo.journal = o->journal;
	mo.data = o->data;
	mo.delalloc = o->delalloc;
	mo.dax = o->dax;
	if (o->device)
		mo.device = o->device;
	*w = sim_world_new(&wp);
	if (o->finding)
		sim_world_set_finding_hook(*w, o->finding, o->finding_ctx);
	sb = ext4_sim_mount(*w, &mo);
	g_assert_false(IS_ERR(sb));
	return sb;
}

struct inode *fsh_new_inode(struct super_block *sb, struct mm_sim *mm)
{
	struct inode *inode = ext4_sim_new_inode(sb);

	if (mm)
		address_space_sim_init(inode->i_mapping, inode, mm);
	return inode;
}

void fsh_init_extents(struct inode *inode)
{
	down_write(&EXT4_I(inode)->i_data_sem);
	ext4_ext_tree_init(NULL, inode);
	up_write(&EXT4_I(inode)->i_data_sem);
}

void fsh_detach(struct inode *inode, bool writes)
{
	struct super_block *sb = inode->i_sb;

	if (writes) {
		inode_sim_wb_detach(inode);
		ext4_sim_writes_stop(sb);
		ext4_sim_inode_release_jinode(inode);
	}
	g_assert_cmpint(ext4_sim_journal_detach(sb), ==, 0);
}

void fsh_free(struct sim_world *w, struct inode *inode, struct mm_sim *mm,
	      bool writes)
{
	if (writes)
		ext4_sim_writes_free(inode->i_sb);
	ext4_sim_es_release(&EXT4_I(inode)->i_es_tree);
	ext4_sim_unmount(inode->i_sb);
	free(EXT4_I(inode)->jinode);
	EXT4_I(inode)->jinode = NULL;
	sim_world_free(w);
	if (mm)
		address_space_sim_destroy(inode->i_mapping);
	ext4_sim_free_inode(inode);
	if (mm)
		mm_sim_free(mm);
}

void fsh_stopped(struct sim_world *w, const char *what, enum sim_stop stop)
{
	const char *report = sim_world_deadlock_report(w);

	g_error("%s (stop %d)%s%s", what, stop, report ? ": " : "",
		report ? report : "");
}

bool fsh_tree_lookup(struct inode *inode, ext4_lblk_t lblk,
		     ext4_fsblk_t *pblk, bool *unwritten, unsigned *len)
{
	struct ext4_ext_path *path = ext4_find_extent(inode, lblk, NULL, 0);
	struct ext4_extent *ex;
	ext4_lblk_t ee_block;
	unsigned ee_len;
	bool found = false;

	g_assert_false(IS_ERR(path));
	ex = path[path->p_depth].p_ext;
	if (ex) {
		ee_block = le32_to_cpu(ex->ee_block);
		ee_len = (unsigned)ext4_ext_get_actual_len(ex);
		if (lblk >= ee_block && lblk < ee_block + ee_len) {
			if (pblk)
				*pblk = ext4_ext_pblock(ex) + (lblk - ee_block);
			if (unwritten)
				*unwritten = ext4_ext_is_unwritten(ex);
			if (len)
				*len = ee_len - (lblk - ee_block);
			found = true;
		}
	}
	ext4_ext_path_free(path);
	return found;
}
