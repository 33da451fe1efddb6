/* fs/oracle/fsck.h — whole-model invariants of the ext4 model (model-only; the
 * spirit of e2fsck passes 1 and 5, over the simulator's structures).
 *
 * ext4_sim_fsck checks, in this order:
 *   tree      every listed inode's extent tree is well formed (magic,
 *             counts, depth, sorted non-overlapping extents, index keys =
 *             first key of the child, legal lengths) — extents' checker;
 *   clobber   no metadata block carries the "clobbered by data" mark
 *             (stale writeback landed on a reused block); for an
 *             extent-tree node the finding names the owner ("extent-node
 *             ino N") and reads "clobbered extent-tree node"; it is soft while the journal still holds a newer
 *             copy of the node (a checkpoint or replay rewrites it);
 *   owners    every allocated block is owned exactly once: each data
 *             extent block is DATA(ino, lblk) of the inode that maps it,
 *             each node block NODE(ino) of the tree holding it, and no two
 *             trees map one block; no DATA/NODE block of a listed inode
 *             (of any inode with EXT4_SIM_FSCK_COMPLETE) is unreferenced
 *             (leak);
 *   mballoc   bitmap vs buddy consistent given pending frees, counters
 *             (ext4_sim_mb_check), disk owner counts (ext4_sim_disk_check);
 *   pagecache pages lie within i_size (rounded up to a page), the page
 *             cache's own checker;
 *   mappings  (soft) the block a clean, non-delalloc page-cache buffer maps
 *             agrees with the tree.  Expected to break under racy
 *             strategies: reported with EXT4_SIM_FSCK_SOFT, never asserted.
 *
 * Each problem is handed to the caller's report function with the name of
 * the check ("tree", "owners", ...), whether it is soft, and a message.
 */
#ifndef FS_EXT4_FSCK_H
#define FS_EXT4_FSCK_H

#include <stdbool.h>

#include "fs/ext4/ext4.h"

/* flags */
/* inodes[] lists every file: blocks owned by unlisted inodes are leaks too
 * (without it, leaks are judged for the listed inodes' blocks only) */
#define EXT4_SIM_FSCK_COMPLETE  0x1
#define EXT4_SIM_FSCK_NO_SOFT   0x2  /* skip the soft (mappings) check */
/* No operation is in flight (end of job, or a test between operations).
 * Without it only the checks that hold at every step are run: tree shape,
 * clobbered nodes, double ownership, mballoc, disk counts, the page cache's
 * own structure.  Leaks, owner labels, pages within i_size and the soft
 * mapping check need it: an allocation is owned before the extent is
 * inserted, a truncate lowers i_size before dropping pages, a collapse
 * relabels blocks before (or after) shifting the tree. */
#define EXT4_SIM_FSCK_QUIESCENT 0x4

typedef void (*ext4_sim_fsck_report_fn)(void *ctx, const char *check,
					bool soft, const char *msg);

/* Returns the number of problems found (soft ones included); report may be
 * NULL (count only). */
unsigned ext4_sim_fsck(struct super_block *sb, struct inode *const *inodes,
		       unsigned ninodes, unsigned flags,
		       ext4_sim_fsck_report_fn report, void *ctx);

#endif /* FS_EXT4_FSCK_H */
