/* fs/ext4/extents_status.c — the extent-status cache, after
 * fs/ext4/extents_status.c of v4.4.1: ext4_es_insert_extent,
 * ext4_es_cache_extent, ext4_es_remove_extent, ext4_es_lookup_extent,
 * ext4_es_find_delayed_extent_range.  Structure and simplifications are
 * described in extents_status.h.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs/ext4/ext4.h"
#include "fs/ext4/extents_status.h"

/* ---- node storage -------------------------------------------------------- */

#define ES_CHUNK_NODES 256

struct ext4_es_chunk {
	struct ext4_es_chunk *next;
	struct extent_status nodes[ES_CHUNK_NODES];
};

static struct extent_status *es_node_alloc(struct ext4_es_tree *tree)
{
	struct extent_status *es = tree->free;

	if (sim_unlikely(!es)) {
		struct ext4_es_chunk *c = calloc(1, sizeof(*c));
		int i;

		if (!c)
			return NULL;
		c->next = tree->chunks;
		tree->chunks = c;
		/* thread in order so nodes are handed out lowest first */
		for (i = ES_CHUNK_NODES - 1; i >= 0; i--) {
			c->nodes[i].es_right = tree->free;
			tree->free = &c->nodes[i];
		}
		es = tree->free;
	}
	tree->free = es->es_right;
	memset(es, 0, sizeof(*es));
	return es;
}

static void es_node_free(struct ext4_es_tree *tree, struct extent_status *es)
{
	if (tree->cache_es == es)
		tree->cache_es = NULL;
	es->es_left = NULL;
	es->es_right = tree->free;
	tree->free = es;
}

void ext4_es_init_tree(struct ext4_es_tree *tree)
{
	memset(tree, 0, sizeof(*tree));
}

void ext4_sim_es_release(struct ext4_es_tree *tree)
{
	struct ext4_es_chunk *c = tree->chunks, *next;

	for (; c; c = next) {
		next = c->next;
		free(c);
	}
	memset(tree, 0, sizeof(*tree));
}

/* ---- AVL primitives ----------------------------------------------------------
 * Keyed by es_lblk; entries never overlap, so the key is unique and callers
 * may move an entry's bounds in place as long as they stay between the
 * neighbours. */

static inline ext4_lblk_t ext4_es_end(const struct extent_status *es)
{
	BUG_ON(es->es_lblk + es->es_len < es->es_lblk);
	return es->es_lblk + es->es_len - 1;
}

static inline int avl_h(const struct extent_status *n)
{
	return n ? n->es_height : 0;
}

static inline void avl_fix(struct extent_status *n)
{
	int l = avl_h(n->es_left), r = avl_h(n->es_right);

	n->es_height = (l > r ? l : r) + 1;
}

static struct extent_status *avl_rot_right(struct extent_status *n)
{
	struct extent_status *l = n->es_left;

	n->es_left = l->es_right;
	l->es_right = n;
	avl_fix(n);
	avl_fix(l);
	return l;
}

static struct extent_status *avl_rot_left(struct extent_status *n)
{
	struct extent_status *r = n->es_right;

	n->es_right = r->es_left;
	r->es_left = n;
	avl_fix(n);
	avl_fix(r);
	return r;
}

static struct extent_status *avl_balance(struct extent_status *n)
{
	int bal;

	avl_fix(n);
	bal = avl_h(n->es_left) - avl_h(n->es_right);
	if (bal > 1) {
		if (avl_h(n->es_left->es_left) < avl_h(n->es_left->es_right))
			n->es_left = avl_rot_left(n->es_left);
		return avl_rot_right(n);
	}
	if (bal < -1) {
		if (avl_h(n->es_right->es_right) < avl_h(n->es_right->es_left))
			n->es_right = avl_rot_right(n->es_right);
		return avl_rot_left(n);
	}
	return n;
}

static struct extent_status *avl_insert(struct extent_status *n,
					struct extent_status *new)
{
	if (!n) {
		new->es_left = new->es_right = NULL;
		new->es_height = 1;
		return new;
	}
	BUG_ON(new->es_lblk == n->es_lblk);
	if (new->es_lblk < n->es_lblk)
		n->es_left = avl_insert(n->es_left, new);
	else
		n->es_right = avl_insert(n->es_right, new);
	return avl_balance(n);
}

/* Detaches the leftmost node of subtree n into *min. */
static struct extent_status *avl_take_min(struct extent_status *n,
					  struct extent_status **min)
{
	if (!n->es_left) {
		*min = n;
		return n->es_right;
	}
	n->es_left = avl_take_min(n->es_left, min);
	return avl_balance(n);
}

static struct extent_status *avl_erase(struct extent_status *n,
				       struct extent_status *victim)
{
	BUG_ON(!n);  /* victim must be in the tree */
	if (victim->es_lblk < n->es_lblk) {
		n->es_left = avl_erase(n->es_left, victim);
	} else if (victim->es_lblk > n->es_lblk) {
		n->es_right = avl_erase(n->es_right, victim);
	} else {
		struct extent_status *l = n->es_left, *r = n->es_right, *m;

		BUG_ON(n != victim);
		if (!r)
			return l;
		r = avl_take_min(r, &m);
		m->es_left = l;
		m->es_right = r;
		return avl_balance(m);
	}
	return avl_balance(n);
}

static void es_tree_insert(struct ext4_es_tree *tree, struct extent_status *es)
{
	tree->root = avl_insert(tree->root, es);
	tree->count++;
}

static void es_tree_erase(struct ext4_es_tree *tree, struct extent_status *es)
{
	tree->root = avl_erase(tree->root, es);
	tree->count--;
	es_node_free(tree, es);
}

/* The entry holding lblk, else the first entry after it, else NULL
 * (the kernel's __es_tree_search). */
static struct extent_status *__es_tree_search(const struct ext4_es_tree *tree,
					      ext4_lblk_t lblk)
{
	struct extent_status *n = tree->root, *after = NULL;

	while (n) {
		if (lblk < n->es_lblk) {
			after = n;
			n = n->es_left;
		} else if (lblk > ext4_es_end(n)) {
			n = n->es_right;
		} else {
			return n;
		}
	}
	return after;
}

static struct extent_status *es_next(const struct ext4_es_tree *tree,
				     const struct extent_status *es)
{
	struct extent_status *n = tree->root, *best = NULL;

	while (n) {
		if (n->es_lblk > es->es_lblk) {
			best = n;
			n = n->es_left;
		} else {
			n = n->es_right;
		}
	}
	return best;
}

static struct extent_status *es_prev(const struct ext4_es_tree *tree,
				     const struct extent_status *es)
{
	struct extent_status *n = tree->root, *best = NULL;

	while (n) {
		if (n->es_lblk < es->es_lblk) {
			best = n;
			n = n->es_right;
		} else {
			n = n->es_left;
		}
	}
	return best;
}

/* ---- merging --------------------------------------------------------------------- */

/* es1 directly before es2, same status, and (for mapped ones) physically
 * contiguous; delayed+unwritten ranges never merge, as in the kernel. */
static bool ext4_es_can_be_merged(const struct extent_status *es1,
				  const struct extent_status *es2)
{
	if (ext4_es_type(es1) != ext4_es_type(es2))
		return false;
	if ((uint64_t)es1->es_len + es2->es_len > EXT_MAX_BLOCKS)
		return false;
	if ((uint64_t)es1->es_lblk + es1->es_len != es2->es_lblk)
		return false;
	if (ext4_es_is_written(es1) || ext4_es_is_unwritten(es1))
		return ext4_es_pblock(es1) + es1->es_len == ext4_es_pblock(es2);
	if (ext4_es_is_hole(es1))
		return true;
	return ext4_es_is_delayed(es1) && !ext4_es_is_unwritten(es1);
}

static struct extent_status *ext4_es_try_to_merge_right(struct ext4_es_tree *tree,
							struct extent_status *es)
{
	struct extent_status *next = es_next(tree, es);

	if (next && ext4_es_can_be_merged(es, next)) {
		es->es_len += next->es_len;
		es_tree_erase(tree, next);
	}
	return es;
}

/* Adds newes to a tree known to hold nothing in its range, merging with a
 * neighbour where possible. */
static int __es_insert_extent(struct ext4_es_tree *tree,
			      const struct extent_status *newes)
{
	struct extent_status *after = __es_tree_search(tree, newes->es_lblk);
	struct extent_status *before, *es;

	BUG_ON(after && after->es_lblk <= ext4_es_end(newes));
	before = after ? es_prev(tree, after) : NULL;
	if (!after && tree->root) {
		/* everything is before newes: the last entry */
		before = tree->root;
		while (before->es_right)
			before = before->es_right;
	}

	if (before && ext4_es_can_be_merged(before, newes)) {
		before->es_len += newes->es_len;
		es = ext4_es_try_to_merge_right(tree, before);
		goto out;
	}
	if (after && ext4_es_can_be_merged(newes, after)) {
		/* grows leftwards: stays between its neighbours */
		after->es_lblk = newes->es_lblk;
		after->es_len += newes->es_len;
		if (ext4_es_is_written(after) || ext4_es_is_unwritten(after))
			ext4_es_store_pblock(after, ext4_es_pblock(newes));
		es = after;
		goto out;
	}

	es = es_node_alloc(tree);
	if (!es)
		return -ENOMEM;
	es->es_lblk = newes->es_lblk;
	es->es_len = newes->es_len;
	es->es_pblk = newes->es_pblk;
	es_tree_insert(tree, es);
out:
	tree->cache_es = es;
	return 0;
}

/* Removes [lblk, end] from the tree, trimming or splitting the entries at
 * either edge. */
static int __es_remove_extent(struct ext4_es_tree *tree, ext4_lblk_t lblk,
			      ext4_lblk_t end)
{
	struct extent_status *es = __es_tree_search(tree, lblk);
	struct extent_status orig;
	ext4_lblk_t keep_head, keep_tail;

	if (!es || es->es_lblk > end)
		return 0;

	tree->cache_es = NULL;
	orig = *es;
	keep_head = lblk > es->es_lblk ? lblk - es->es_lblk : 0;
	keep_tail = ext4_es_end(es) > end ? ext4_es_end(es) - end : 0;

	if (keep_head && keep_tail) {
		/* the range is strictly inside one entry: split it */
		struct extent_status tail;

		es->es_len = keep_head;
		memset(&tail, 0, sizeof(tail));
		tail.es_lblk = end + 1;
		tail.es_len = keep_tail;
		tail.es_pblk = orig.es_pblk;
		if (ext4_es_is_written(&orig) || ext4_es_is_unwritten(&orig))
			ext4_es_store_pblock(&tail, ext4_es_pblock(&orig) +
						    orig.es_len - keep_tail);
		if (__es_insert_extent(tree, &tail)) {
			*es = orig;
			return -ENOMEM;
		}
		return 0;
	}
	if (keep_head) {
		es->es_len = keep_head;
		es = es_next(tree, es);
	}
	/* whole entries inside the range go */
	while (es && ext4_es_end(es) <= end) {
		struct extent_status *next = es_next(tree, es);

		es_tree_erase(tree, es);
		es = next;
	}
	/* the entry straddling end keeps its tail */
	if (es && es->es_lblk <= end) {
		ext4_lblk_t cut = end + 1 - es->es_lblk;

		es->es_lblk = end + 1;
		es->es_len -= cut;
		if (ext4_es_is_written(es) || ext4_es_is_unwritten(es))
			ext4_es_store_pblock(es, ext4_es_pblock(es) + cut);
	}
	return 0;
}

/* ---- public operations --------------------------------------------------------------- */

int ext4_es_insert_extent(struct inode *inode, ext4_lblk_t lblk,
			  ext4_lblk_t len, ext4_fsblk_t pblk,
			  unsigned int status)
{
	struct ext4_es_tree *tree = &EXT4_I(inode)->i_es_tree;
	struct extent_status newes;
	ext4_lblk_t end = lblk + len - 1;
	int err;

	if (!len)
		return 0;
	BUG_ON(end < lblk);
	/* delayed and written at once would lose data on writeback */
	WARN_ON((status & EXTENT_STATUS_DELAYED) &&
		(status & EXTENT_STATUS_WRITTEN));

	memset(&newes, 0, sizeof(newes));
	newes.es_lblk = lblk;
	newes.es_len = len;
	ext4_es_store_pblock_status(&newes, pblk, status);

	err = __es_remove_extent(tree, lblk, end);
	if (err)
		return err;
	err = __es_insert_extent(tree, &newes);
	/* the kernel tolerates losing a non-delayed entry under memory
	 * pressure: it is only a cache */
	if (err == -ENOMEM && !ext4_es_is_delayed(&newes))
		err = 0;
	return err;
}

void ext4_es_cache_extent(struct inode *inode, ext4_lblk_t lblk,
			  ext4_lblk_t len, ext4_fsblk_t pblk,
			  unsigned int status)
{
	struct ext4_es_tree *tree = &EXT4_I(inode)->i_es_tree;
	struct extent_status newes, *es;
	ext4_lblk_t end = lblk + len - 1;

	if (!len)
		return;
	BUG_ON(end < lblk);
	memset(&newes, 0, sizeof(newes));
	newes.es_lblk = lblk;
	newes.es_len = len;
	ext4_es_store_pblock_status(&newes, pblk, status);

	es = __es_tree_search(tree, lblk);
	if (!es || es->es_lblk > end)
		(void)__es_insert_extent(tree, &newes);
}

int ext4_es_remove_extent(struct inode *inode, ext4_lblk_t lblk,
			  ext4_lblk_t len)
{
	ext4_lblk_t end;

	if (!len)
		return 0;
	end = lblk + len - 1;
	BUG_ON(end < lblk);
	return __es_remove_extent(&EXT4_I(inode)->i_es_tree, lblk, end);
}

int ext4_es_lookup_extent(struct inode *inode, ext4_lblk_t lblk,
			  struct extent_status *es)
{
	struct ext4_es_tree *tree = &EXT4_I(inode)->i_es_tree;
	struct extent_status *n = tree->cache_es;

	memset(es, 0, sizeof(*es));
	if (!n || lblk < n->es_lblk || lblk > ext4_es_end(n)) {
		n = tree->root;
		while (n) {
			if (lblk < n->es_lblk)
				n = n->es_left;
			else if (lblk > ext4_es_end(n))
				n = n->es_right;
			else
				break;
		}
	}
	if (!n) {
		tree->misses++;
		return 0;
	}
	tree->hits++;
	es->es_lblk = n->es_lblk;
	es->es_len = n->es_len;
	es->es_pblk = n->es_pblk;
	return 1;
}

void ext4_es_find_delayed_extent_range(struct inode *inode, ext4_lblk_t lblk,
				       ext4_lblk_t end,
				       struct extent_status *es)
{
	struct ext4_es_tree *tree = &EXT4_I(inode)->i_es_tree;
	struct extent_status *n;

	BUG_ON(end < lblk);
	memset(es, 0, sizeof(*es));
	n = __es_tree_search(tree, lblk);
	while (n && n->es_lblk <= end && !ext4_es_is_delayed(n))
		n = es_next(tree, n);
	if (n && n->es_lblk <= end) {
		tree->cache_es = n;
		es->es_lblk = n->es_lblk;
		es->es_len = n->es_len;
		es->es_pblk = n->es_pblk;
	}
}

/* ---- model checks ------------------------------------------------------------------- */

static void es_walk(struct extent_status *n,
		    void (*fn)(void *ctx, const struct extent_status *es),
		    void *ctx)
{
	while (n) {
		es_walk(n->es_left, fn, ctx);
		fn(ctx, n);
		n = n->es_right;
	}
}

void ext4_sim_es_for_each(struct ext4_es_tree *tree,
			  void (*fn)(void *ctx, const struct extent_status *es),
			  void *ctx)
{
	es_walk(tree->root, fn, ctx);
}

struct es_check_state {
	const struct extent_status *prev;
	unsigned long count;
	char *why;
	size_t whylen;
	bool ok;
};

static int es_check_node(const struct extent_status *n,
			 struct es_check_state *st)
{
	int l, r;

	if (!n)
		return 0;
	l = es_check_node(n->es_left, st);
	if (!st->ok)
		return 0;
	if (n->es_len == 0 || (uint64_t)n->es_lblk + n->es_len - 1 > EXT_MAX_BLOCKS) {
		snprintf(st->why, st->whylen, "es [%u/%u): bad length",
			 n->es_lblk, n->es_len);
		st->ok = false;
		return 0;
	}
	if (st->prev && (uint64_t)st->prev->es_lblk + st->prev->es_len > n->es_lblk) {
		snprintf(st->why, st->whylen, "es [%u/%u) overlaps [%u/%u)",
			 st->prev->es_lblk, st->prev->es_len,
			 n->es_lblk, n->es_len);
		st->ok = false;
		return 0;
	}
	if (ext4_es_type(n) == 0) {
		snprintf(st->why, st->whylen, "es [%u/%u): no status",
			 n->es_lblk, n->es_len);
		st->ok = false;
		return 0;
	}
	st->prev = n;
	st->count++;
	r = es_check_node(n->es_right, st);
	if (!st->ok)
		return 0;
	if (n->es_height != (l > r ? l : r) + 1 || l - r > 1 || r - l > 1) {
		snprintf(st->why, st->whylen, "es [%u/%u): AVL height %d (%d/%d)",
			 n->es_lblk, n->es_len, n->es_height, l, r);
		st->ok = false;
		return 0;
	}
	return n->es_height;
}

bool ext4_sim_es_check(const struct ext4_es_tree *tree, char *why,
		       size_t whylen)
{
	struct es_check_state st = { NULL, 0, why, whylen, true };

	es_check_node(tree->root, &st);
	if (st.ok && st.count != tree->count) {
		snprintf(why, whylen, "es count %lu, tree holds %lu",
			 tree->count, st.count);
		st.ok = false;
	}
	return st.ok;
}
