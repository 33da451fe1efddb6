/* fs/oracle/blockmap.c — the oracle's reverse index pblk -> mappings
 * (model-only): buffers and DAX PTEs gaining or losing a block
 * (fs_oracle_bh_map/unmap, fs_oracle_dax_pte_map/unmap), blocks freed and
 * becoming reusable while something still maps them (stale_mapping), and
 * data landing in a block its writer no longer owns (foreign_write,
 * fs_oracle_disk_write).  An open-addressing hash table keyed by pblk.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs/block/disk.h"
#include "fs/ext4/ext4.h"
#include "fs/oracle/fsck.h"
#include "fs/mm.h"
#include "fs/oracle/internal.h"

/* ---- the reverse index ------------------------------------------------------------ */

static uint64_t map_hash(uint64_t pblk)
{
	pblk ^= pblk >> 33;
	pblk *= 0xff51afd7ed558ccdull;
	pblk ^= pblk >> 33;
	return pblk;
}

struct oracle_map *oracle_map_find(const struct oracle_map_index *m,
				   uint64_t pblk)
{
	uint64_t mask = m->cap - 1;

	for (uint64_t i = map_hash(pblk) & mask;; i = (i + 1) & mask) {
		if (m->v[i].pblk == pblk)
			return &m->v[i];
		if (m->v[i].pblk == UINT64_MAX)
			return NULL;
	}
}

void oracle_map_index_init(struct oracle_map_index *m)
{
	m->cap = 1024;
	m->n = 0;
	m->v = g_new(struct oracle_map, m->cap);
	for (uint64_t i = 0; i < m->cap; i++)
		m->v[i].pblk = UINT64_MAX;
}

void oracle_map_index_destroy(struct oracle_map_index *m)
{
	g_free(m->v);
	m->v = NULL;
	m->cap = m->n = 0;
}

static void map_grow(struct oracle_map_index *m)
{
	struct oracle_map *old = m->v;
	uint64_t oldcap = m->cap;

	m->cap *= 2;
	m->v = g_new(struct oracle_map, m->cap);
	for (uint64_t i = 0; i < m->cap; i++)
		m->v[i].pblk = UINT64_MAX;
	m->n = 0;
	for (uint64_t i = 0; i < oldcap; i++)
		if (old[i].pblk != UINT64_MAX)
			*oracle_map_insert(m, old[i].pblk) = old[i];
	g_free(old);
}

struct oracle_map *oracle_map_insert(struct oracle_map_index *m,
				     uint64_t pblk)
{
	uint64_t mask;
	struct oracle_map *e = oracle_map_find(m, pblk);

	if (e)
		return e;
	if (2 * (m->n + 1) > m->cap)
		map_grow(m);
	mask = m->cap - 1;
	for (uint64_t i = map_hash(pblk) & mask;; i = (i + 1) & mask) {
		if (m->v[i].pblk == UINT64_MAX) {
			m->v[i] = (struct oracle_map){ .pblk = pblk };
			m->n++;
			return &m->v[i];
		}
	}
}

/* Backward-shift deletion keeps probe chains intact without tombstones. */
static void map_delete(struct oracle_map_index *m, struct oracle_map *e)
{
	uint64_t mask = m->cap - 1;
	uint64_t i = (uint64_t)(e - m->v), j = i;

	for (;;) {
		j = (j + 1) & mask;
		if (m->v[j].pblk == UINT64_MAX)
			break;
		uint64_t h = map_hash(m->v[j].pblk) & mask;
		/* move j into the hole at i unless its home lies in (i, j] */
		if ((i < j) ? (h <= i || h > j) : (h <= i && h > j)) {
			m->v[i] = m->v[j];
			i = j;
		}
	}
	m->v[i].pblk = UINT64_MAX;
	m->n--;
}

static void map_drop_snaps(struct fs_oracle *o, struct oracle_map *e)
{
	oracle_snap_put(o, e->map_snap);
	oracle_snap_put(o, e->free_snap);
	e->map_snap = e->free_snap = 0;
}

/* e was explained: its snapshots are not needed any more, unless the
 * other kind they serve is still to be explained (a stale mapping whose
 * block then takes a foreign write). */
void oracle_map_done_snaps(struct fs_oracle *o, struct oracle_map *e)
{
	if (!oracle_explain_wanted(o, FS_ORACLE_STALE_MAPPING) &&
	    !oracle_explain_wanted(o, FS_ORACLE_FOREIGN_WRITE))
		map_drop_snaps(o, e);
}

static void map_add(struct inode *inode, uint32_t lblk, uint64_t pblk,
		    bool pte)
{
	struct fs_oracle *o = oracle_of_inode(inode);
	struct oracle_map *e;

	if (!o)
		return;
	o->map_hooked = true;
	e = oracle_map_insert(&o->map, pblk);
	if (pte)
		e->npte++;
	else
		e->nbh++;
	e->ino = (uint32_t)inode->i_ino;
	e->lblk = lblk;
	e->map_task = oracle_task_now();
	e->map_time = oracle_now(o);
}

static void map_remove(struct inode *inode, uint64_t pblk, bool pte)
{
	struct fs_oracle *o = oracle_of_inode(inode);
	struct oracle_map *e;

	if (!o)
		return;
	e = oracle_map_find(&o->map, pblk);
	/* An unpaired unmap is a bug in the caller's hook placement. */
	SIM_BUG_ON(!e || (pte ? e->npte == 0 : e->nbh == 0));
	/* truncate_pagecache_range drops buffers just after its step note */
	oracle_harvest_current(o);
	if (pte)
		e->npte--;
	else
		e->nbh--;
	if (!e->nbh && !e->npte) {
		map_drop_snaps(o, e);
		map_delete(&o->map, e);
	}
}

void fs_oracle_bh_map(struct inode *inode, uint32_t lblk, uint64_t pblk)
{
	map_add(inode, lblk, pblk, false);
}

void fs_oracle_bh_unmap(struct inode *inode, uint32_t lblk, uint64_t pblk)
{
	(void)lblk;
	map_remove(inode, pblk, false);
}

void fs_oracle_dax_pte_map(struct inode *inode, uint64_t pgoff, uint64_t pfn)
{
	map_add(inode, (uint32_t)pgoff, pfn, true);
}

void fs_oracle_dax_pte_unmap(struct inode *inode, uint64_t pgoff,
			     uint64_t pfn)
{
	(void)pgoff;
	map_remove(inode, pfn, true);
}

void fs_oracle_map_bh(struct inode *inode, struct buffer_head *bh,
		      uint32_t lblk, uint64_t pblk)
{
	if (buffer_mapped(bh) && bh->b_blocknr == pblk)
		return;
	if (buffer_mapped(bh))
		fs_oracle_bh_unmap(inode, lblk, bh->b_blocknr);
	set_buffer_mapped(bh);
	bh->b_blocknr = pblk;
	fs_oracle_bh_map(inode, lblk, pblk);
}

void fs_oracle_unmap_bh(struct inode *inode, struct buffer_head *bh,
			uint32_t lblk)
{
	if (!buffer_mapped(bh))
		return;
	clear_buffer_mapped(bh);
	fs_oracle_bh_unmap(inode, lblk, bh->b_blocknr);
}

unsigned fs_oracle_block_mappers(struct super_block *sb, uint64_t pblk)
{
	struct fs_oracle *o = fs_oracle_of(sb);
	const struct oracle_map *e;

	if (!o)
		return 0;
	e = oracle_map_find(&o->map, pblk);
	return e ? e->nbh + e->npte : 0;
}

void fs_oracle_block_free(struct super_block *sb, uint64_t pblk,
			  uint64_t count)
{
	struct fs_oracle *o = fs_oracle_of(sb);

	if (!o || !o->map.n)
		return;
	oracle_harvest_current(o);
	for (uint64_t b = pblk; b < pblk + count; b++) {
		struct oracle_map *e = oracle_map_find(&o->map, b);

		if (!e)
			continue;
		e->free_task = oracle_task_now();
		e->free_time = oracle_now(o);
		/* freed while mapped: what the explanation will show, kept
		 * now (the tasks' notes move on before the block is reused) */
		if (oracle_explain_wanted(o, FS_ORACLE_STALE_MAPPING) ||
		    oracle_explain_wanted(o, FS_ORACLE_FOREIGN_WRITE)) {
			map_drop_snaps(o, e);
			e->free_snap = oracle_snap_take(o, e->free_task);
			if (e->map_task != e->free_task)
				e->map_snap = oracle_snap_take(o, e->map_task);
		}
	}
}

unsigned fs_oracle_block_reusable(struct super_block *sb, uint64_t pblk,
				  uint64_t count)
{
	struct fs_oracle *o = fs_oracle_of(sb);
	unsigned n = 0;

	if (!o)
		return 0;
	if (!o->map_hooked) {
		/* Nobody reports mappings: scan the page cache (slower, and
		 * no record of the task that mapped the block). */
		struct oracle_map hit;

		n = oracle_scan_range(o, pblk, count, &hit);
		if (n && oracle_count(o, FS_ORACLE_STALE_MAPPING))
			oracle_explain_stale_mapping(o, &hit);
		o->count[FS_ORACLE_STALE_MAPPING] += n ? n - 1 : 0;
		return n;
	}
	if (!o->map.n)
		return 0;
	for (uint64_t b = pblk; b < pblk + count; b++) {
		struct oracle_map *e = oracle_map_find(&o->map, b);

		if (!e)
			continue;
		/* The index is a filter; the page cache decides.  An entry
		 * the page cache does not confirm was left by an unpaired
		 * hook call: drop it (fsck's audit reports such drift). */
		if (!oracle_confirm_mapping(o, e)) {
			o->index_stale++;
			map_drop_snaps(o, e);
			map_delete(&o->map, e);
			continue;
		}
		n++;
		if (oracle_count(o, FS_ORACLE_STALE_MAPPING))
			oracle_explain_stale_mapping(o, e);
	}
	return n;
}

/* ---- data landing on disk ---------------------------------------------------------- */

void fs_oracle_disk_write(struct super_block *sb, struct inode *inode,
			  uint32_t lblk, uint64_t pblk, bool foreign,
			  const struct ext4_sim_owner *was, const char *via)
{
	struct fs_oracle *o = fs_oracle_of(sb);
	char head[256], owner[128], detail[768], race[768] = "";
	struct oracle_story st = { 0 };
	struct oracle_map *e;

	if (!o || !foreign)
		return;
	if (!oracle_count(o, FS_ORACLE_FOREIGN_WRITE))
		return;
	if (was)
		ext4_sim_owner_format(was, owner, sizeof(owner));
	else
		snprintf(owner, sizeof(owner), "?");
	e = oracle_map_find(&o->map, pblk);
	if (inode)
		snprintf(head, sizeof(head),
			 "foreign_write: %s of ino %lu lblk %u landed in pblk %"
			 PRIu64 ", owned by %s", via ? via : "write",
			 inode->i_ino, lblk, pblk, owner);
	else
		snprintf(head, sizeof(head),
			 "foreign_write: %s landed in pblk %" PRIu64
			 ", owned by %s", via ? via : "meta", pblk, owner);
	snprintf(detail, sizeof(detail),
		 "  the writer's mapping of pblk %" PRIu64 " %s\n", pblk,
		 e ? "was established by the other task shown" :
		     "is not in the buffer/PTE index");
	if (e)
		oracle_map_story(o, e, &st, race, sizeof(race), detail,
			  sizeof(detail));
	oracle_explain_story(o, FS_ORACLE_FOREIGN_WRITE, head, race, detail,
			     &st);
	if (e)
		oracle_map_done_snaps(o, e);
}
