/* fs/ext4/sim_journal_fallback.c — weak no-journal stand-ins for the journal
 * calls mballoc makes, so fs/ links and runs before fs/jbd2 exists.
 * TEMPORARY: the jbd2 module defines the real (strong) versions; delete this
 * file when it lands.  Each behaves as the kernel does with no journal
 * (ext4_handle_valid(handle) false): nothing is journalled, nothing is ever
 * pending, so there is never a commit to force.
 */
#include "config.h"

#include "fs/ext4/ext4_jbd2.h"
#include "fs/block.h"

#define WEAK __attribute__((weak))

WEAK tid_t ext4_sim_handle_tid(handle_t *handle)
{
	BUG();  /* no journal, so no handle can exist */
}

WEAK int ext4_sim_force_commit(struct super_block *sb)
{
	return 0;
}

/* __ext4_forget, no-journal branch */
WEAK int ext4_forget(handle_t *handle, int is_metadata, struct inode *inode,
		     struct buffer_head *bh, ext4_fsblk_t blocknr)
{
	BUG_ON(handle);
	bforget(bh);
	return 0;
}

WEAK int ext4_journal_get_write_access(handle_t *handle,
				       struct buffer_head *bh)
{
	BUG_ON(handle);
	return 0;
}

/* __ext4_handle_dirty_metadata, no-journal branch */
WEAK int ext4_handle_dirty_metadata(handle_t *handle, struct inode *inode,
				    struct buffer_head *bh)
{
	BUG_ON(handle);
	mark_buffer_dirty(bh);
	return 0;
}
