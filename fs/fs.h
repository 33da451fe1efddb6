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
	uint8_t s_uuid[16];              /* the file system's UUID (mount) */
};

static inline loff_t i_size_read(const struct inode *inode)
{
	return inode->i_size;
}

static inline void i_size_write(struct inode *inode, loff_t size)
{
	inode->i_size = size;
}

#endif /* FS_FS_H */
