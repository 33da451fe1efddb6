/* fs/ext4/extents_status.h — the extent-status cache (ext4_es_*), after
 * fs/ext4/extents_status.{h,c} of v4.4.1.
 *
 * Per inode, a set of non-overlapping ranges [es_lblk, es_lblk + es_len)
 * each carrying one status — WRITTEN or UNWRITTEN (with the physical start),
 * DELAYED (delalloc, no block yet; may be combined with UNWRITTEN), HOLE —
 * consulted by ext4_map_blocks() before the extent tree.  As in the kernel
 * the status bits live in the top bits of es_pblk.
 *
 * Structure: an intrusive AVL tree ordered by es_lblk (the kernel uses an
 * rb-tree; both are deterministic).  Lookup, insert and erase are
 * O(log n); next/prev are found by a search from the root (O(log n), where
 * the kernel's parent pointers give amortised O(1)) — removal of k entries
 * costs O(k log n).  A one-entry "last hit" cache (cache_es) fronts the
 * lookups as in the kernel.  Nodes come from a per-tree free list refilled
 * in chunks, so the steady state allocates nothing.
 *
 * Simplifications: no shrinker (nothing is ever reclaimed, so a lookup
 * never misses for memory-pressure reasons), no REFERENCED bit, and
 * i_es_lock is not modelled as a separate lock: every caller already holds
 * i_data_sem or runs in a world where the cache operation is atomic (no
 * simulated time passes inside it).
 */
#ifndef FS_EXT4_EXTENTS_STATUS_H
#define FS_EXT4_EXTENTS_STATUS_H

#include "sim/engine/types.h"

struct inode;
typedef uint32_t ext4_lblk_t;   /* also in ext4.h: identical redefinition */
typedef uint64_t ext4_fsblk_t;

enum {
	ES_WRITTEN_B,
	ES_UNWRITTEN_B,
	ES_DELAYED_B,
	ES_HOLE_B,
	ES_FLAGS
};

#define ES_SHIFT (64 - ES_FLAGS)
#define ES_MASK (~(uint64_t)0 << ES_SHIFT)

#define EXTENT_STATUS_WRITTEN   (1u << ES_WRITTEN_B)
#define EXTENT_STATUS_UNWRITTEN (1u << ES_UNWRITTEN_B)
#define EXTENT_STATUS_DELAYED   (1u << ES_DELAYED_B)
#define EXTENT_STATUS_HOLE      (1u << ES_HOLE_B)

#define ES_TYPE_MASK ((uint64_t)(EXTENT_STATUS_WRITTEN | EXTENT_STATUS_UNWRITTEN | \
				 EXTENT_STATUS_DELAYED | EXTENT_STATUS_HOLE) << ES_SHIFT)

struct extent_status {
	struct extent_status *es_left, *es_right;   /* tree links */
	int es_height;                               /* AVL height, leaf = 1 */
	ext4_lblk_t es_lblk;
	ext4_lblk_t es_len;
	ext4_fsblk_t es_pblk;                        /* status in the top bits */
};

struct ext4_es_chunk;

struct ext4_es_tree {
	struct extent_status *root;
	struct extent_status *cache_es;     /* last entry found or inserted */
	unsigned long count;                /* entries in the tree */
	struct extent_status *free;         /* recycled nodes (via es_right) */
	struct ext4_es_chunk *chunks;       /* node storage, freed on release */
	uint64_t hits, misses;              /* ext4_es_lookup_extent() */
};

static inline unsigned int ext4_es_status(const struct extent_status *es)
{
	return (unsigned int)(es->es_pblk >> ES_SHIFT);
}

static inline unsigned int ext4_es_type(const struct extent_status *es)
{
	return (unsigned int)((es->es_pblk & ES_TYPE_MASK) >> ES_SHIFT);
}

static inline int ext4_es_is_written(const struct extent_status *es)
{
	return (ext4_es_type(es) & EXTENT_STATUS_WRITTEN) != 0;
}

static inline int ext4_es_is_unwritten(const struct extent_status *es)
{
	return (ext4_es_type(es) & EXTENT_STATUS_UNWRITTEN) != 0;
}

static inline int ext4_es_is_delayed(const struct extent_status *es)
{
	return (ext4_es_type(es) & EXTENT_STATUS_DELAYED) != 0;
}

static inline int ext4_es_is_hole(const struct extent_status *es)
{
	return (ext4_es_type(es) & EXTENT_STATUS_HOLE) != 0;
}

static inline ext4_fsblk_t ext4_es_pblock(const struct extent_status *es)
{
	return es->es_pblk & ~ES_MASK;
}

static inline void ext4_es_store_pblock(struct extent_status *es,
					ext4_fsblk_t pb)
{
	es->es_pblk = (pb & ~ES_MASK) | (es->es_pblk & ES_MASK);
}

static inline void ext4_es_store_status(struct extent_status *es,
					unsigned int status)
{
	es->es_pblk = (((uint64_t)status << ES_SHIFT) & ES_MASK) |
		      (es->es_pblk & ~ES_MASK);
}

static inline void ext4_es_store_pblock_status(struct extent_status *es,
					       ext4_fsblk_t pb,
					       unsigned int status)
{
	es->es_pblk = (((uint64_t)status << ES_SHIFT) & ES_MASK) |
		      (pb & ~ES_MASK);
}

void ext4_es_init_tree(struct ext4_es_tree *tree);
/* Model only: frees every node and the node storage (inode eviction). */
void ext4_sim_es_release(struct ext4_es_tree *tree);

/* Replaces whatever the cache says about [lblk, lblk + len). */
int ext4_es_insert_extent(struct inode *inode, ext4_lblk_t lblk,
			  ext4_lblk_t len, ext4_fsblk_t pblk,
			  unsigned int status);
/* Adds [lblk, lblk + len) only if nothing in the cache overlaps it. */
void ext4_es_cache_extent(struct inode *inode, ext4_lblk_t lblk,
			  ext4_lblk_t len, ext4_fsblk_t pblk,
			  unsigned int status);
int ext4_es_remove_extent(struct inode *inode, ext4_lblk_t lblk,
			  ext4_lblk_t len);
/* 1 and *es filled when lblk is cached, else 0. */
int ext4_es_lookup_extent(struct inode *inode, ext4_lblk_t lblk,
			  struct extent_status *es);
/* First DELAYED entry overlapping [lblk, end], or es->es_len == 0. */
void ext4_es_find_delayed_extent_range(struct inode *inode, ext4_lblk_t lblk,
				       ext4_lblk_t end,
				       struct extent_status *es);

/* Model only: visit every entry in lblk order (checks and tests). */
void ext4_sim_es_for_each(struct ext4_es_tree *tree,
			  void (*fn)(void *ctx, const struct extent_status *es),
			  void *ctx);
/* Model only: tree invariants (order, non-overlap, AVL balance, count). */
bool ext4_sim_es_check(const struct ext4_es_tree *tree, char *why,
		       size_t whylen);

#endif /* FS_EXT4_EXTENTS_STATUS_H */
