/* fs/block/extmap.h — an ordered map of disjoint key ranges ("extents") to
 * fixed-size values (model-only; no kernel counterpart).
 *
 * What it is for: state that is uniform over long runs of blocks — the
 * disk's owners (a 100 GiB file is a few hundred DATA runs, not 26 M
 * per-block records), the contents laid down at set-up, the oracle's
 * shadow of a file — so that memory and time follow the number of runs
 * (what operations touched), not the size of the disk or of the file.
 *
 * An entry covers keys [start, start + len), len >= 1; entries never
 * overlap; keys no entry covers are a gap (the owner decides what a gap
 * means: "free", "never written", "the layout's default").  The value of
 * an entry describes every key of its range; `ops->split` says how a value
 * is cut (e.g. the right part of a DATA run starts at a later lblk), and
 * `ops->mergeable` when two touching entries may become one.
 *
 * Representation: a two-level B+-tree — a sorted array of leaves (each up
 * to SIM_EXTMAP_LEAF entries stored inline, sorted by start) with the
 * first key of every leaf in a parallel array.  Lookup is two binary
 * searches; insert/delete move at most one leaf's entries plus, when a
 * leaf splits or empties, the top arrays (8 bytes per 32-64 entries).
 * Chosen over a balanced binary tree for locality and no per-entry
 * allocation; over a full B-tree because the maps here hold at most a few
 * hundred thousand entries (top arrays of a few thousand words).
 *
 * Values are stored inline; pointers returned by the lookups stay valid
 * until the next change to the map.  Iteration is in key order, so every
 * use is deterministic.
 */
#ifndef FS_EXTMAP_H
#define FS_EXTMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sim_extmap_ops {
	size_t vsize;        /* bytes of a value (any alignment up to 8) */
	/* dst becomes the part of src's value that starts `delta` keys into
	 * src's range (dst is uninitialised).  NULL: a plain copy. */
	void (*split)(void *dst, const void *src, uint64_t delta);
	/* An entry (or part of one, after split) is dropped.  NULL: nothing. */
	void (*destroy)(void *val);
	/* b's range starts right after a's (alen keys): may b join a?  NULL:
	 * never merged. */
	bool (*mergeable)(const void *a, uint64_t alen, const void *b);
};

struct sim_extmap_leaf;

struct sim_extmap {
	const struct sim_extmap_ops *ops;
	size_t esize;                     /* bytes per stored entry */
	struct sim_extmap_leaf **leaves;  /* sorted; never an empty leaf */
	uint64_t *firsts;                 /* firsts[i]: leaves[i]'s first start */
	unsigned nleaves, cap;
	uint64_t n;                       /* entries */
	uint64_t keys;                    /* keys covered (sum of lengths) */
};

void sim_extmap_init(struct sim_extmap *m, const struct sim_extmap_ops *ops);
/* Destroys every value. */
void sim_extmap_destroy(struct sim_extmap *m);

static inline uint64_t sim_extmap_count(const struct sim_extmap *m)
{
	return m->n;
}

/* The value of the entry covering key, or NULL (a gap); *start and *len
 * (if non-NULL) receive its range. */
void *sim_extmap_find(const struct sim_extmap *m, uint64_t key,
		      uint64_t *start, uint64_t *len);
/* The entry covering key or else the first one after it, or NULL. */
void *sim_extmap_next(const struct sim_extmap *m, uint64_t key,
		      uint64_t *start, uint64_t *len);
/* The last entry starting before key (it may cover key), or NULL. */
void *sim_extmap_prev(const struct sim_extmap *m, uint64_t key,
		      uint64_t *start, uint64_t *len);

/* A new entry over [start, start + len), which must be a gap; returns its
 * value (zeroed) for the caller to fill.  No merging. */
void *sim_extmap_insert(struct sim_extmap *m, uint64_t start, uint64_t len);
/* An entry boundary at key: an entry covering key - 1 and key becomes two
 * (ops->split makes the right value).  No-op at a boundary or in a gap. */
void sim_extmap_split(struct sim_extmap *m, uint64_t key);
/* [start, start + len) becomes a gap: entries inside are destroyed, those
 * crossing an end are cut. */
void sim_extmap_remove(struct sim_extmap *m, uint64_t start, uint64_t len);
/* If the entry ending at key and the entry starting at key touch and are
 * mergeable, they become one (the right value is destroyed).  Returns true
 * if merged. */
bool sim_extmap_merge_at(struct sim_extmap *m, uint64_t key);
/* Move every entry starting at or after `from` by delta keys (negative:
 * down).  The caller guarantees no overlap results (the range the entries
 * move into is a gap, or is vacated by the move itself). */
void sim_extmap_shift(struct sim_extmap *m, uint64_t from, int64_t delta);

/* Structural self-check (sorted, disjoint, firsts and counts agree). */
bool sim_extmap_check(const struct sim_extmap *m);

#endif /* FS_EXTMAP_H */
