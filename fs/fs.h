/* fs/fs.h — the subset of include/linux/fs.h the model needs: struct inode
 * and struct address_space.  Fields are tagged with the lock that guards them
 * in the kernel ([i_mutex], [i_data_sem], ...); in a single-threaded world the
 * tag documents which path may change the field, and lockdep-style asserts
 * (assert(sim_rwsem_held_by(...))) check it where it matters.
 */
#ifndef FS_FS_H
#define FS_FS_H

#include "fs/compat.h"

struct page;
struct inode;
struct super_block;
struct vm_area_struct;
struct bdi_writeback;
struct mm_sim;
struct ext4_sim_disk;
struct ext4_sim_meta;
struct fs_costs;
struct fs_oracle;
struct sim_rbio_pool;
struct super_sim_operations;

typedef int64_t loff_t;
typedef uint64_t pgoff_t;
typedef uint64_t sector_t;

#define PAGE_SHIFT 12
#define PAGE_SIZE (1u << PAGE_SHIFT)

/* Radix-tree tags of the page cache. */
enum {
	PAGECACHE_TAG_DIRTY,
	PAGECACHE_TAG_WRITEBACK,
	PAGECACHE_TAG_TOWRITE,
	PAGECACHE_NR_TAGS,
};

/* [fs/mm] per-inode page cache: pages indexed by pgoff_t, the tree of VMAs
 * mapping the file, and (v5.15) invalidate_lock. */
struct address_space {
	struct inode *host;
	void *page_tree;                 /* fs/mm/filemap.c: index -> struct page */
	unsigned long nrpages;
	unsigned long tagged[PAGECACHE_NR_TAGS];   /* pages carrying each tag */
	struct sim_rwsem i_mmap_rwsem;   /* mm's lock for the VMA tree */
	struct sim_list i_mmap;          /* VMAs mapping this file [i_mmap_rwsem] */
	struct sim_rwsem invalidate_lock;  /* v5.15 strategy only */
	const struct address_space_operations *a_ops;
	struct mm_sim *mm_sim;           /* fs/mm: the world's page-cache state */
};

struct inode {
	unsigned long i_ino;
	struct super_block *i_sb;
	loff_t i_size;                   /* [i_mutex] written by size changes */
	struct sim_mutex i_mutex;        /* 4.4 name; i_rwsem in 5.x */
	unsigned int i_dio_count;        /* in-flight direct IO */
	struct sim_waitq i_dio_wq;       /* inode_dio_wait sleeps here */
	struct address_space i_data;
	struct address_space *i_mapping; /* = &i_data */
	sim_time_t i_mtime, i_ctime;
	unsigned int i_flags;            /* S_DAX (set by the filesystem) */
	/* fs/fs-writeback.c: dirty-inode tracking for the flusher
	 * (I_DIRTY_PAGES in i_state; dirtied_when = when it last went from
	 * clean to dirty; i_io_list links it on the fs's dirty list, zeroed
	 * = not linked). */
	unsigned long i_state;
	sim_time_t dirtied_when;
	struct sim_list i_io_list;
};

struct super_block {
	unsigned int s_blocksize;
	unsigned int s_blocksize_bits;
	void *s_fs_info;                 /* struct ext4_sb_info */
	struct sim_world *s_world;
	struct bdi_writeback *s_bdi_wb;  /* the flusher (fs-writeback.c) */
	/* [model] The per-mount handle of generic code (mm/, buffer heads,
	 * the block layer, direct IO), which never looks into s_fs_info:
	 * the simulated device and its buffer cache (the kernel's s_bdev;
	 * set by the filesystem's mount, ext4_sim_mount), the cost model
	 * (set by the world set-up, fs/workload/model.c; NULL: every cost
	 * is 0), the violation oracle (set by fs_oracle_new; NULL: every
	 * hook does nothing) and the pool of read bios (the kernel's
	 * fs_bio_set; fs/mm/read_bio.c, created on first use). */
	struct ext4_sim_disk *s_disk;    /* fs/block/disk.h */
	struct ext4_sim_meta *s_meta;    /* fs/block/block.h */
	const struct fs_costs *s_costs;  /* fs/costs.h */
	struct fs_oracle *s_oracle;      /* fs/oracle/oracle.h */
	struct sim_rbio_pool *s_sim_rbio_pool;
	const struct super_sim_operations *s_sim_op;  /* set at mount */
	uint8_t s_uuid[16];              /* the file system's UUID (mount) */
};

/* i_flags (include/linux/fs.h, 4.4 value).  ext4_set_inode_flags gives
 * every regular file of a -o dax mount S_DAX. */
#define S_DAX 8192

static inline bool IS_DAX(const struct inode *inode)
{
	return inode->i_flags & S_DAX;
}

/* ---- [model] the filesystem's ops, version and lock, as generic code asks --
 * The model runs the step orders of several kernel versions side by side;
 * the filesystem picks one per mount (ext4: its locking strategy,
 * fs/ext4/locking.h).  Generic code asks the superblock's
 * super_sim_operations (ext4's: fs/ext4/locking.c) instead of looking into
 * the filesystem.  Without them (unit tests of the page cache) generic
 * code is v4.4.1's, takes no filesystem lock and dirties no metadata.
 *
 *   dirty_inode    super_operations->dirty_inode (ext4_dirty_inode):
 *                  __mark_inode_dirty's metadata dirt (I_DIRTY_SYNC,
 *                  I_DIRTY_DATASYNC).
 *   kver           the kernel version whose step order generic paths
 *                  follow where versions differ (fs/mm/dax.c).
 *   invalidate_lock_paths, invalidate_lock_shared, invalidate_unlock_shared
 *                  where v5.15's generic mm calls
 *                  filemap_invalidate_lock_shared(mapping) — filemap_fault
 *                  when the page is not cached and uptodate
 *                  (FS_SIM_INVALIDATE_FAULT), read(2) page creation and
 *                  re-reads and readahead batches (FS_SIM_INVALIDATE_READ)
 *                  — whether this mount takes it there, and the lock that
 *                  stands for it, over byte range [start, end]; ip is the
 *                  kernel function taking it.
 */
enum fs_sim_kver {
	FS_SIM_KVER_4_4,    /* v4.4.1 */
	FS_SIM_KVER_4_5,    /* v4.5 */
	FS_SIM_KVER_5_15,   /* v5.15 */
};

#define FS_SIM_INVALIDATE_FAULT 0x1
#define FS_SIM_INVALIDATE_READ  0x2

struct super_sim_operations {
	void (*dirty_inode)(struct inode *inode, int flags);
	enum fs_sim_kver (*kver)(struct super_block *sb);
	unsigned (*invalidate_lock_paths)(struct super_block *sb);
	void (*invalidate_lock_shared)(struct address_space *mapping,
				       loff_t start, loff_t end, const char *ip);
	void (*invalidate_unlock_shared)(struct address_space *mapping,
					 loff_t start, loff_t end);
};

static inline enum fs_sim_kver sb_sim_kver(struct super_block *sb)
{
	const struct super_sim_operations *op = sb->s_sim_op;

	return op && op->kver ? op->kver(sb) : FS_SIM_KVER_4_4;
}

static inline loff_t i_size_read(const struct inode *inode)
{
	return inode->i_size;
}

static inline void i_size_write(struct inode *inode, loff_t size)
{
	inode->i_size = size;
}

#endif /* FS_FS_H */
