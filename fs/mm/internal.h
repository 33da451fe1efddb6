/* fs/mm/internal.h — what the fs/mm/ files and fs/buffer.c share and
 * nobody else should call (the counterpart of mm/internal.h). */
#ifndef FS_MM_INTERNAL_H
#define FS_MM_INTERNAL_H

#include "fs/mm.h"

static inline struct radix_tree_root *mapping_tree(const struct address_space *m)
{
	return (struct radix_tree_root *)m->page_tree;
}

static inline const struct mm_sim_costs *mm_costs(const struct mm_sim *s)
{
	return &s->costs;
}

/* [filemap.c] page-cache tags with the per-mapping counts kept in step.
 * Both return the tag's previous value. */
bool page_cache_sim_tag_set(struct address_space *mapping, pgoff_t index,
			    unsigned tag);
bool page_cache_sim_tag_clear(struct address_space *mapping, pgoff_t index,
			      unsigned tag);
/* [filemap.c] delete_from_page_cache without the cost (reclaim charges its
 * own). */
void __delete_from_page_cache(struct page *page);
/* [filemap.c] trylock that stays out of lockdep (reclaim: a trylock cannot
 * deadlock and must not add "X -> page lock" edges from whatever the
 * allocating task holds). */
bool trylock_page_sim_nodep(struct page *page);
/* [filemap.c] waitobj ops of the page lock and writeback waits, installed
 * in every page by the pool. */
extern const struct sim_waitobj_ops page_lock_wo_ops;
extern const struct sim_waitobj_ops page_wb_wo_ops;

/* [page_alloc.c] */
void mm_sim_chunks_add(struct mm_sim_chunks *c, void *chunk);
struct page *page_sim_alloc(struct mm_sim *s);

/* [buffer.c] buffer-head pool */
struct buffer_head *bh_sim_alloc(struct mm_sim *s);
void bh_sim_free(struct mm_sim *s, struct buffer_head *bh);
/* Drop a page's buffers whatever their state (page teardown); mapped
 * ones are reported unmapped to the oracle if the page still has its
 * mapping. */
void buffers_sim_drop(struct page *page);

/* Lock a rwsem only inside a task: set-up and teardown code (no task
 * running) is alone in the world and needs no lock. */
static inline void mm_sim_down_write(struct sim_rwsem *s, const char *ip)
{
	struct sim_task *t = sim_current_task();

	if (t)
		sim_down_write(t, s, ip);
}

static inline void mm_sim_up_write(struct sim_rwsem *s)
{
	struct sim_task *t = sim_current_task();

	if (t)
		sim_up_write(t, s);
}

#endif /* FS_MM_INTERNAL_H */
