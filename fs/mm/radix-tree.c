/* fs/mm/radix-tree.c — the page-cache index (see radix-tree.h for why a
 * radix tree).  Mirrors lib/radix-tree.c (v4.4) in shape: 64-way nodes,
 * tags propagated to ancestors, the tree grows in height as indices grow.
 * Simplified: no RCU (a world is single-threaded), no shadow entries, and
 * the tree never shrinks in height (only empty nodes are freed), which
 * changes no result, only a level of descent after large files shrink.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sim/engine/types.h"
#include "fs/mm/radix-tree.h"

#define NODES_PER_CHUNK 64

static inline uint64_t bit(unsigned off)
{
	return (uint64_t)1 << off;
}

/* Largest index a tree whose root has this shift can hold. */
static inline uint64_t shift_maxindex(unsigned shift)
{
	if (shift + RADIX_TREE_MAP_SHIFT >= 64)
		return UINT64_MAX;
	return ((uint64_t)1 << (shift + RADIX_TREE_MAP_SHIFT)) - 1;
}

void radix_tree_pool_init(struct radix_tree_pool *pool)
{
	memset(pool, 0, sizeof(*pool));
}

void radix_tree_pool_destroy(struct radix_tree_pool *pool)
{
	for (unsigned i = 0; i < pool->nchunks; i++)
		free(pool->chunks[i]);
	free(pool->chunks);
	memset(pool, 0, sizeof(*pool));
}

static struct radix_tree_node *node_alloc(struct radix_tree_pool *pool,
					  unsigned shift)
{
	struct radix_tree_node *n;

	if (!pool->free) {
		/* Refill: one chunk every NODES_PER_CHUNK nodes, kept until the
		 * pool dies, so steady state allocates nothing. */
		struct radix_tree_node *chunk;

		if (pool->nchunks == pool->chunks_cap) {
			pool->chunks_cap = pool->chunks_cap ? 2 * pool->chunks_cap : 8;
			pool->chunks = realloc(pool->chunks,
					       pool->chunks_cap * sizeof(void *));
			SIM_BUG_ON(!pool->chunks);
		}
		chunk = calloc(NODES_PER_CHUNK, sizeof(*chunk));
		SIM_BUG_ON(!chunk);
		pool->chunks[pool->nchunks++] = chunk;
		/* Thread in address order so allocation order is fixed. */
		for (int i = NODES_PER_CHUNK - 1; i >= 0; i--) {
			chunk[i].parent = pool->free;
			pool->free = &chunk[i];
		}
	}
	n = pool->free;
	pool->free = n->parent;
	memset(n, 0, sizeof(*n));
	n->shift = (uint8_t)shift;
	pool->nodes_in_use++;
	return n;
}

static void node_free(struct radix_tree_pool *pool, struct radix_tree_node *n)
{
	n->parent = pool->free;
	pool->free = n;
	pool->nodes_in_use--;
}

void radix_tree_init(struct radix_tree_root *root, struct radix_tree_pool *pool)
{
	root->rnode = NULL;
	root->pool = pool;
	root->count = 0;
}

static void free_subtree(struct radix_tree_pool *pool, struct radix_tree_node *n)
{
	if (n->shift) {
		uint64_t p = n->present;

		while (p) {
			unsigned o = (unsigned)__builtin_ctzll(p);

			p &= p - 1;
			free_subtree(pool, n->slots[o]);
		}
	}
	node_free(pool, n);
}

void radix_tree_destroy(struct radix_tree_root *root)
{
	if (root->rnode)
		free_subtree(root->pool, root->rnode);
	root->rnode = NULL;
	root->count = 0;
}

/* Add levels on top until index fits. */
static void extend(struct radix_tree_root *root, uint64_t index)
{
	while (index > shift_maxindex(root->rnode->shift)) {
		struct radix_tree_node *old = root->rnode;
		struct radix_tree_node *n =
			node_alloc(root->pool, old->shift + RADIX_TREE_MAP_SHIFT);

		n->slots[0] = old;
		n->present = 1;
		for (unsigned t = 0; t < RADIX_TREE_MAX_TAGS; t++)
			if (old->tags[t])
				n->tags[t] = 1;
		old->parent = n;
		old->offset = 0;
		root->rnode = n;
	}
}

int radix_tree_insert(struct radix_tree_root *root, uint64_t index, void *item)
{
	struct radix_tree_node *node;
	unsigned off;

	SIM_BUG_ON(!item);
	if (!root->rnode) {
		unsigned shift = 0;

		while (index > shift_maxindex(shift))
			shift += RADIX_TREE_MAP_SHIFT;
		root->rnode = node_alloc(root->pool, shift);
	} else {
		extend(root, index);
	}
	node = root->rnode;
	while (node->shift) {
		struct radix_tree_node *child;

		off = (unsigned)((index >> node->shift) & RADIX_TREE_MAP_MASK);
		child = node->slots[off];
		if (!child) {
			child = node_alloc(root->pool,
					   node->shift - RADIX_TREE_MAP_SHIFT);
			child->parent = node;
			child->offset = (uint8_t)off;
			node->slots[off] = child;
			node->present |= bit(off);
		}
		node = child;
	}
	off = (unsigned)(index & RADIX_TREE_MAP_MASK);
	if (node->present & bit(off))
		return -EEXIST;
	node->slots[off] = item;
	node->present |= bit(off);
	root->count++;
	return 0;
}

/* The leaf node holding index (whether or not the slot is used). */
static struct radix_tree_node *leaf_of(const struct radix_tree_root *root,
				       uint64_t index)
{
	struct radix_tree_node *node = root->rnode;

	if (!node || index > shift_maxindex(node->shift))
		return NULL;
	while (node->shift) {
		unsigned off = (unsigned)((index >> node->shift) & RADIX_TREE_MAP_MASK);

		node = node->slots[off];
		if (!node)
			return NULL;
	}
	return node;
}

void *radix_tree_lookup(const struct radix_tree_root *root, uint64_t index)
{
	struct radix_tree_node *leaf = leaf_of(root, index);

	if (!leaf)
		return NULL;
	return leaf->slots[index & RADIX_TREE_MAP_MASK];
}

/* Clear a tag bit at (node, off) and in every ancestor whose subtree no
 * longer carries the tag. */
static void tag_clear_up(struct radix_tree_node *node, unsigned off, unsigned tag)
{
	node->tags[tag] &= ~bit(off);
	while (!node->tags[tag] && node->parent) {
		off = node->offset;
		node = node->parent;
		node->tags[tag] &= ~bit(off);
	}
}

void *radix_tree_delete(struct radix_tree_root *root, uint64_t index)
{
	struct radix_tree_node *node = leaf_of(root, index);
	unsigned off = (unsigned)(index & RADIX_TREE_MAP_MASK);
	void *item;

	if (!node || !(node->present & bit(off)))
		return NULL;
	item = node->slots[off];
	for (unsigned t = 0; t < RADIX_TREE_MAX_TAGS; t++)
		if (node->tags[t] & bit(off))
			tag_clear_up(node, off, t);
	node->slots[off] = NULL;
	node->present &= ~bit(off);
	root->count--;
	/* Free emptied nodes bottom-up; an empty node carries no tags. */
	while (!node->present) {
		struct radix_tree_node *parent = node->parent;

		if (!parent) {
			root->rnode = NULL;
			node_free(root->pool, node);
			break;
		}
		off = node->offset;
		parent->slots[off] = NULL;
		parent->present &= ~bit(off);
		node_free(root->pool, node);
		node = parent;
	}
	return item;
}

bool radix_tree_tag_set(struct radix_tree_root *root, uint64_t index,
			unsigned tag)
{
	struct radix_tree_node *node = leaf_of(root, index);
	unsigned off = (unsigned)(index & RADIX_TREE_MAP_MASK);
	bool was;

	SIM_BUG_ON(!node || !(node->present & bit(off)));
	was = (node->tags[tag] >> off) & 1;
	if (was)
		return true;
	node->tags[tag] |= bit(off);
	while (node->parent) {
		off = node->offset;
		node = node->parent;
		if (node->tags[tag] & bit(off))
			break;
		node->tags[tag] |= bit(off);
	}
	return false;
}

bool radix_tree_tag_clear(struct radix_tree_root *root, uint64_t index,
			  unsigned tag)
{
	struct radix_tree_node *node = leaf_of(root, index);
	unsigned off = (unsigned)(index & RADIX_TREE_MAP_MASK);

	if (!node || !((node->tags[tag] >> off) & 1))
		return false;
	tag_clear_up(node, off, tag);
	return true;
}

bool radix_tree_tag_get(const struct radix_tree_root *root, uint64_t index,
			unsigned tag)
{
	struct radix_tree_node *node = leaf_of(root, index);

	if (!node)
		return false;
	return (node->tags[tag] >> (index & RADIX_TREE_MAP_MASK)) & 1;
}

bool radix_tree_tagged(const struct radix_tree_root *root, unsigned tag)
{
	return root->rnode && root->rnode->tags[tag];
}

static inline uint64_t node_bits(const struct radix_tree_node *n, int tag)
{
	return tag < 0 ? n->present : n->tags[tag];
}

void *radix_tree_next(const struct radix_tree_root *root, uint64_t start,
		      int tag, uint64_t *index)
{
	const struct radix_tree_node *node = root->rnode;
	uint64_t base = 0;     /* first index covered by node */
	unsigned off;
	bool exact = true;     /* still on start's own path */

	if (!node || start > shift_maxindex(node->shift))
		return NULL;
	off = (unsigned)((start >> node->shift) & RADIX_TREE_MAP_MASK);
	for (;;) {
		uint64_t m = off < RADIX_TREE_MAP_SIZE ?
			node_bits(node, tag) & (~(uint64_t)0 << off) : 0;
		unsigned o;
		uint64_t idx;

		if (!m) {
			/* Nothing at or after off here: continue after this
			 * node in its parent. */
			if (!node->parent)
				return NULL;
			off = node->offset + 1u;
			node = node->parent;
			base = node->parent ?
				base & ~(((uint64_t)RADIX_TREE_MAP_SIZE << node->shift) - 1) : 0;
			exact = false;
			continue;
		}
		o = (unsigned)__builtin_ctzll(m);
		if (o != off)
			exact = false;
		idx = base + ((uint64_t)o << node->shift);
		if (!node->shift) {
			*index = idx;
			return node->slots[o];
		}
		base = idx;
		node = node->slots[o];
		off = exact ?
			(unsigned)((start >> node->shift) & RADIX_TREE_MAP_MASK) : 0;
	}
}

static bool check_node(const struct radix_tree_node *n, unsigned long *count)
{
	for (unsigned o = 0; o < RADIX_TREE_MAP_SIZE; o++) {
		bool used = (n->present >> o) & 1;

		if (used != (n->slots[o] != NULL))
			return false;
		if (!used) {
			for (unsigned t = 0; t < RADIX_TREE_MAX_TAGS; t++)
				if ((n->tags[t] >> o) & 1)
					return false;
			continue;
		}
		if (!n->shift) {
			(*count)++;
			continue;
		}
		const struct radix_tree_node *c = n->slots[o];

		if (c->parent != n || c->offset != o ||
		    c->shift + RADIX_TREE_MAP_SHIFT != n->shift || !c->present)
			return false;
		for (unsigned t = 0; t < RADIX_TREE_MAX_TAGS; t++)
			if ((((n->tags[t] >> o) & 1) != 0) != (c->tags[t] != 0))
				return false;
		if (!check_node(c, count))
			return false;
	}
	return true;
}

bool radix_tree_sim_check(const struct radix_tree_root *root)
{
	unsigned long count = 0;

	if (!root->rnode)
		return root->count == 0;
	if (root->rnode->parent || !root->rnode->present)
		return false;
	return check_node(root->rnode, &count) && count == root->count;
}
