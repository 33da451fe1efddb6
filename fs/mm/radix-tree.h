/* fs/mm/radix-tree.h — the page-cache index: a 64-way radix tree with
 * per-node tag bitmaps (the shape of lib/radix-tree.c, v4.4), without RCU,
 * exceptional (shadow) entries, multi-order entries or preloading.
 *
 * Why a radix tree and not a sorted array: lookups by index are the hottest
 * operation (every fault, read and write), and inserts/deletes happen in
 * bulk (readahead, truncate).  A sorted array makes lookup O(log n) but
 * insert/delete O(n) memmoves (64 MiB file = 16 Ki pages); the radix tree is
 * O(height) for all three (height 3 covers 256 Ki pages = 1 GiB), finds the
 * next present or next tagged entry with one ctz per level, and iterates in
 * index order, so it is deterministic by construction.  Node memory comes
 * from a pool, so steady-state inserts allocate nothing.  Measured with
 * bench/bench-pagecache on a 64 MiB file (16 Ki pages, height 3): insert
 * with allocation ~170 ns, random find_get_page ~115 ns (cache misses on
 * the page and three nodes), ordered gang lookup ~18 ns per page, a
 * DIRTY-tag walk over 1 page in 7 ~19 ns per tagged page.
 *
 * Tags: a node's tag bit i is set iff slot i (leaf) carries the tag, or the
 * child in slot i has any bit of that tag set (as in the kernel), so a
 * tagged walk skips untagged subtrees.  Counting tagged entries is the
 * caller's job (struct address_space keeps per-tag counts).
 */
#ifndef FS_MM_RADIX_TREE_H
#define FS_MM_RADIX_TREE_H

#include <stdbool.h>
#include <stdint.h>

#define RADIX_TREE_MAP_SHIFT 6
#define RADIX_TREE_MAP_SIZE (1u << RADIX_TREE_MAP_SHIFT)
#define RADIX_TREE_MAP_MASK ((uint64_t)RADIX_TREE_MAP_SIZE - 1)
#define RADIX_TREE_MAX_TAGS 3

struct radix_tree_node {
	struct radix_tree_node *parent;
	uint8_t shift;             /* index bits below this node's slots */
	uint8_t offset;            /* slot in parent */
	uint64_t present;          /* slots in use */
	uint64_t tags[RADIX_TREE_MAX_TAGS];
	void *slots[RADIX_TREE_MAP_SIZE];
};

/* Nodes are recycled through a pool shared by every tree of a world. */
struct radix_tree_pool {
	struct radix_tree_node *free;   /* linked through parent */
	void **chunks;                  /* allocations, freed with the pool */
	unsigned nchunks, chunks_cap;
	unsigned long nodes_in_use;
};

struct radix_tree_root {
	struct radix_tree_node *rnode;  /* NULL when empty */
	struct radix_tree_pool *pool;
	unsigned long count;            /* entries */
};

void radix_tree_pool_init(struct radix_tree_pool *pool);
void radix_tree_pool_destroy(struct radix_tree_pool *pool);

void radix_tree_init(struct radix_tree_root *root, struct radix_tree_pool *pool);
/* Drops every node (entries are not touched). */
void radix_tree_destroy(struct radix_tree_root *root);

/* 0, or -EEXIST if index is taken.  item must not be NULL. */
int radix_tree_insert(struct radix_tree_root *root, uint64_t index, void *item);
void *radix_tree_lookup(const struct radix_tree_root *root, uint64_t index);
/* Removes and returns the entry (NULL if none); clears its tags. */
void *radix_tree_delete(struct radix_tree_root *root, uint64_t index);

/* The entry must exist.  Return the tag's previous value. */
bool radix_tree_tag_set(struct radix_tree_root *root, uint64_t index,
			unsigned tag);
bool radix_tree_tag_clear(struct radix_tree_root *root, uint64_t index,
			  unsigned tag);
bool radix_tree_tag_get(const struct radix_tree_root *root, uint64_t index,
			unsigned tag);
/* Any entry carries the tag. */
bool radix_tree_tagged(const struct radix_tree_root *root, unsigned tag);

/* First entry with index >= start (tag < 0: any entry; else entries
 * carrying that tag); stores its index.  NULL when there is none. */
void *radix_tree_next(const struct radix_tree_root *root, uint64_t start,
		      int tag, uint64_t *index);

/* Structural self-check (tags and presence consistent bottom-up); used by
 * tests and debug asserts. */
bool radix_tree_sim_check(const struct radix_tree_root *root);

#endif /* FS_MM_RADIX_TREE_H */
