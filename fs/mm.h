/* fs/mm.h — the subset of include/linux/{mm,mm_types,pagemap,rmap,
 * page-flags}.h (v4.4) the model needs: struct page and its flags, the page
 * cache API (fs/mm/filemap.c), dirty/writeback state (fs/mm/page-writeback.c),
 * page buffers (fs/buffer.c), truncation (fs/mm/truncate.c), processes'
 * address spaces — mm_struct, VMAs and PTEs (fs/mm/mmap.c, memory_map.c,
 * rmap.c) — and memory pressure (fs/mm/vmscan.c).
 *
 * What the model keeps: every page has byte-exact contents (fs/block/contents.h),
 * a page lock whose waiters queue FIFO and show up in the wait-for graph,
 * PG_uptodate/dirty/writeback/mappedtodisk/readahead with the page-cache
 * tags kept in sync as the kernel does, buffers with their mapped/new/
 * delay/unwritten state and block numbers, and for every VMA one PTE per
 * page (none / page / DAX pfn, writable or not, dirty or not).
 *
 * What it drops, and why: no RCU or tree_lock (a world is single-threaded
 * and a path only yields at a sim call, so every critical section the
 * kernel protects with a spinlock is atomic here — the PTE lock, tree_lock
 * and private_lock included); no page tables above the PTE level (a VMA
 * owns a flat PTE array); no swap, memcg, active/inactive lists or
 * workingset shadows (reclaim is one LRU of clean, unmapped page-cache
 * pages); no huge pages.
 *
 * Lock order (the fs/mm files; FIDELITY 1.1, [4.4.1] mm/rmap.c header):
 *   mmap_sem > page lock > mapping->i_mmap_rwsem
 * truncate_pagecache*() take i_mmap_rwsem on its own first (through
 * unmap_mapping_range), then page locks one at a time.
 */
#ifndef FS_MM_H
#define FS_MM_H

#include <sys/types.h>

#include "fs/fs.h"
#include "fs/buffer_head.h"
#include "fs/block/contents.h"
#include "fs/mm/radix-tree.h"

#define PAGE_CACHE_SHIFT PAGE_SHIFT
#define PAGE_CACHE_SIZE PAGE_SIZE
#define PAGE_MASK (~((uint64_t)PAGE_SIZE - 1))

typedef unsigned int gfp_t;   /* accepted and ignored: no allocation fails */

struct page;
struct mm_struct;
struct vm_area_struct;
struct writeback_control;
struct kiocb;
struct iov_iter;

/* ---- costs ----------------------------------------------------------------
 * CPU time of the primitives, charged with sim_task_delay(current, ...) to
 * the task that runs them (never a literal in a path).  Defaults are
 * order-of-magnitude figures for a current x86 server core; the [costs]
 * section of a job file overrides them.  Where a cost is charged matters,
 * because charging lets other tasks run: page-cache lookups, inserts and
 * deletes charge before their effect (which then happens atomically, at
 * the end of the charged time); PTE changes charge after theirs, so a
 * caller's pte_same() check and the change it guards stay atomic, as under
 * the kernel's PTE lock.
 */
struct mm_sim_costs {
	sim_time_t page_lookup;      /* find_get_page: radix walk + ref (50 ns) */
	sim_time_t page_lookup_next; /* each further entry of a gang lookup (10 ns) */
	sim_time_t page_alloc;       /* page_cache_alloc / alloc_page_vma (100 ns) */
	sim_time_t page_insert;      /* add_to_page_cache_lru: tree insert + LRU (200 ns) */
	sim_time_t page_delete;      /* delete_from_page_cache (150 ns) */
	sim_time_t page_zero;        /* zeroing a whole 4 KiB page; partial pro rata (300 ns) */
	sim_time_t page_copy;        /* copying a 4 KiB page, e.g. COW (400 ns) */
	sim_time_t pte_set;          /* do_set_pte / vm_insert_mixed / mkwrite (40 ns) */
	sim_time_t pte_zap;          /* each present PTE zapped (20 ns) */
	sim_time_t pte_wrprotect;    /* each PTE write-protected by page_mkclean (30 ns) */
	sim_time_t vma_flush;        /* TLB flush per VMA whose PTEs changed (200 ns) */
	sim_time_t buffers_create;   /* create_empty_buffers, per page (100 ns) */
	sim_time_t invalidatepage;   /* ->invalidatepage / releasing buffers (50 ns) */
	sim_time_t reclaim_scan;     /* reclaim looking at one LRU page (30 ns) */
};

void mm_sim_costs_default(struct mm_sim_costs *c);
/* Defaults overridden by the [costs] keys that exist (fs/costs.h):
 * page_cache_lookup, page_cache_insert (alloc + insert), page_zero,
 * page_copy, pte_install, pte_zap. */
struct fs_costs;
void mm_sim_costs_from_config(struct mm_sim_costs *c, const struct fs_costs *fc);

/* ---- the per-world mm state ------------------------------------------------
 * One per world: costs, page and buffer-head pools, the LRU and the page
 * budget, the page-lock lockdep class.  Reached from every address_space
 * (mapping->mm_sim), page (page->sim) and mm_struct (mm->sim).
 */
struct mm_sim_stats {
	uint64_t pages_inserted;     /* add_to_page_cache_lru successes */
	uint64_t pages_deleted;      /* delete_from_page_cache */
	uint64_t pages_truncated;    /* of which by truncate_inode_pages_range */
	uint64_t lock_waits;         /* lock_page that had to sleep */
	sim_time_t lock_wait_ns;     /* total time slept in lock_page */
	uint64_t writeback_waits;    /* wait_on_page_writeback that slept */
	sim_time_t writeback_wait_ns;
	uint64_t reclaim_scanned;
	uint64_t reclaimed;
	uint64_t reclaim_failed;     /* inserts that found nothing reclaimable */
	uint64_t ptes_zapped;
	uint64_t ptes_wrprotected;
};

struct mm_sim_chunks {
	void **v;
	unsigned n, cap;
};

struct mm_sim {
	struct sim_world *world;
	struct mm_sim_costs costs;
	/* Memory pressure: page-cache pages allowed (0 = unlimited). */
	unsigned long page_budget;
	unsigned long nr_cache_pages;     /* pages in all page caches */
	unsigned long nr_pages;           /* allocated pages: cache + anon + loose */
	struct sim_list lru;              /* page-cache pages, most recent first */
	/* Pools: struct pages and buffer heads are recycled, never freed
	 * before the world ends. */
	struct sim_list free_pages;       /* via page->lru */
	struct buffer_head *free_bh;      /* via b_this_page */
	struct mm_sim_chunks page_chunks, bh_chunks;
	unsigned long nr_bh;              /* buffer heads in use */
	uint64_t next_page_id;
	uint64_t next_waiter_seq;         /* page_sim_waiter queue order */
	struct radix_tree_pool tree_pool;
	/* Page lock as a lockdep class: a task appears to hold "page lock"
	 * while it holds at least one page lock (kernel lockdep does not
	 * track page locks at all; one entry per task keeps writeback, which
	 * holds hundreds, within the held-lock stack). */
	struct sim_lockdep_map page_lock_dep;
	unsigned *page_locks_held;        /* by task id */
	unsigned page_locks_cap;
	struct mm_sim_stats stats;
};

struct mm_sim *mm_sim_new(struct sim_world *w, const struct mm_sim_costs *costs);
/* Frees every page, buffer and tree node of the world.  Tasks may still be
 * blocked on page locks (a deadlocked world): nothing is woken. */
void mm_sim_free(struct mm_sim *s);
void mm_sim_set_page_budget(struct mm_sim *s, unsigned long pages);
/* World-wide invariants: the LRU holds exactly the cached pages, each
 * flagged PG_lru and in a mapping.  Writes the first problem to why. */
bool mm_sim_check(const struct mm_sim *s, char *why, size_t len);

/* Charge a cost to the running task (no-op outside a task, e.g. in an IO
 * completion event or in set-up code). */
static inline void mm_sim_charge(const struct mm_sim *s, sim_time_t cost)
{
	struct sim_task *t = sim_current_task();

	(void)s;
	if (t && cost > 0)
		sim_task_delay(t, cost);
}

/* Set up / tear down an inode's address_space.  Destroy requires that no
 * VMA maps it; remaining pages are dropped without waiting. */
void address_space_sim_init(struct address_space *mapping, struct inode *host,
			    struct mm_sim *s);
void address_space_sim_destroy(struct address_space *mapping);

/* ---- struct page ------------------------------------------------------------ */

enum pageflags {
	PG_locked,        /* page lock held (or read IO in flight) */
	PG_error,
	PG_referenced,
	PG_uptodate,      /* contents valid */
	PG_dirty,
	PG_lru,           /* on the world LRU (page-cache pages) */
	PG_private,       /* has buffers (page->private) */
	PG_writeback,     /* write IO in flight */
	PG_mappedtodisk,  /* every block of the page is mapped on disk */
	PG_reclaim,
	PG_readahead,     /* kernel: alias of PG_reclaim; separate here */
	PG_anon,          /* model: private COW page (kernel: mapping & 1) */
};

/* Page lock waiters: FIFO, one queue per page (the kernel hashes pages to
 * shared wait queues; per-page queues wake the same tasks in the same
 * order without the thundering herd). */
struct page {
	unsigned long flags;
	struct address_space *mapping;   /* [page lock] NULL: truncated or anon */
	pgoff_t index;                   /* kept after truncation, as the kernel */
	int _count;                      /* references: cache, PTEs, lookups, buffers */
	int _mapcount;                   /* PTEs mapping it (kernel stores this - 1) */
	struct buffer_head *private;     /* [page lock] buffers when PG_private */
	struct sim_contents contents;    /* byte-exact data */
	/* The last read from disk into the page, for the oracle's
	 * explanations (model-only): the reading task's id + 1 (0: never
	 * read), when it queued the read (just after looking the block up)
	 * and the disk block that went to the vector's offset. */
	uint32_t sim_read_task;
	sim_time_t sim_read_time;
	uint64_t sim_read_pblk;
	struct sim_list lru;             /* world LRU; free list; readahead lists */
	struct mm_sim *sim;
	struct sim_task *lock_owner;     /* holder of PG_locked; NULL: IO or none */
	bool lock_counted;               /* holder counted in page_locks_held */
	/* Sleepers (struct page_sim_waiter), each list FIFO: lock_page's
	 * lockers, wait_on_page_locked's and wait_on_page_writeback's.  The
	 * kernel has one queue; unlock_page wakes the unlock sleepers and the
	 * first locker in the order they queued (their seq), as it would,
	 * without walking the lockers behind (O(woken) per unlock). */
	struct sim_list waiters;
	struct sim_list unlock_waiters;
	struct sim_list wb_waiters;
	struct sim_waitobj lock_wo;      /* "page lock": blocker = lock owner,
					  * or lock_io_via's while IO holds it */
	struct sim_waitobj wb_wo;        /* "page writeback": wb_via's blockers */
	/* The IO request the page sits in, for the wait-for graph (see
	 * page_sim_set_wb_via); NULL: none known, the device ends the IO. */
	const struct sim_waitobj *wb_via;       /* [PG_writeback] */
	const struct sim_waitobj *lock_io_via;  /* [PG_locked, owner = IO] */
	uint64_t sim_id;                 /* allocation number, for reports */
};

#define PAGEFLAG(uname, lname)                                               \
	static inline bool Page##uname(const struct page *page)             \
	{ return (page->flags >> PG_##lname) & 1; }                          \
	static inline void SetPage##uname(struct page *page)                 \
	{ page->flags |= 1ul << PG_##lname; }                                \
	static inline void ClearPage##uname(struct page *page)               \
	{ page->flags &= ~(1ul << PG_##lname); }                             \
	static inline bool TestSetPage##uname(struct page *page)             \
	{ bool o = Page##uname(page); SetPage##uname(page); return o; }      \
	static inline bool TestClearPage##uname(struct page *page)           \
	{ bool o = Page##uname(page); ClearPage##uname(page); return o; }

PAGEFLAG(Locked, locked)
PAGEFLAG(Error, error)
PAGEFLAG(Referenced, referenced)
PAGEFLAG(Uptodate, uptodate)
PAGEFLAG(Dirty, dirty)
PAGEFLAG(LRU, lru)
PAGEFLAG(Private, private)
PAGEFLAG(Writeback, writeback)
PAGEFLAG(MappedToDisk, mappedtodisk)
PAGEFLAG(Reclaim, reclaim)
PAGEFLAG(Readahead, readahead)
PAGEFLAG(Anon, anon)

static inline loff_t page_offset(const struct page *page)
{
	return (loff_t)page->index << PAGE_SHIFT;
}

/* The file mapping of a page-cache page; NULL for anon or truncated. */
static inline struct address_space *page_mapping(const struct page *page)
{
	return PageAnon(page) ? NULL : page->mapping;
}

static inline bool page_mapped(const struct page *page)
{
	return page->_mapcount > 0;
}

static inline int page_mapcount(const struct page *page)
{
	return page->_mapcount;
}

static inline int page_count(const struct page *page)
{
	return page->_count;
}

static inline bool page_has_private(const struct page *page)
{
	return PagePrivate(page);
}

/* References (fs/mm/page_alloc.c).  The last put frees the page into the
 * world's pool; it must then be unlocked, unmapped and out of the cache. */
static inline void get_page(struct page *page)
{
	SIM_BUG_ON(page->_count <= 0);
	page->_count++;
}
void put_page(struct page *page);
#define page_cache_get(page) get_page(page)
#define page_cache_release(page) put_page(page)

/* A new page: count 1, no flags, zero contents (the kernel hands out
 * garbage; whoever fills a page writes all of it, so zero is as good and
 * makes unfilled pages visibly zero to the oracle). */
struct page *page_cache_alloc(struct address_space *mapping);
/* A private (anonymous) page for a COW fault; PG_anon set. */
struct page *alloc_page_vma(struct vm_area_struct *vma, unsigned long address);

/* Contents helpers (include/linux/highmem.h).  Charge page_zero pro rata. */
void zero_user_segment(struct page *page, unsigned start, unsigned end);
static inline void zero_user(struct page *page, unsigned start, unsigned size)
{
	zero_user_segment(page, start, start + size);
}
/* dst = src (COW break); charges page_copy. */
void copy_user_highpage(struct page *dst, struct page *src);

/* ---- page lock and writeback waits (fs/mm/filemap.c) -----------------------
 * lock_page sleeps FIFO behind the holder and earlier waiters; unlock_page
 * hands the lock straight to the first waiter (a simplification of the
 * kernel's wake-and-retry, which lets a trylock slip in between; handing
 * over keeps the order exact and deterministic).  The holder is the
 * blocker in the wait-for graph, so two tasks locking two pages in opposite
 * orders end the world with a deadlock report.  A page locked for read IO
 * is handed to the IO with page_sim_lock_hand_to_io() before submission,
 * and end_io (page_endio) unlocks it: lock_page then waits for the read.
 */
void lock_page_sim(struct page *page, const char *ip);
bool trylock_page_sim(struct page *page, const char *ip);
/* Kernel spelling; the caller's name is lockdep's "ip". */
#define lock_page(page) lock_page_sim((page), __func__)
#define trylock_page(page) trylock_page_sim((page), __func__)
void unlock_page(struct page *page);
/* Sleep until the page is unlocked at least once (returns at the next
 * unlock_page even if a queued locker took it over at once). */
void wait_on_page_locked(struct page *page);
/* Fault paths (mm/filemap.c __lock_page_or_retry): true with the page
 * locked; with FAULT_FLAG_ALLOW_RETRY and the page busy, drops mmap_sem,
 * waits for the unlock (unless RETRY_NOWAIT) and returns false: the fault
 * returns VM_FAULT_RETRY and starts over. */
bool lock_page_or_retry_sim(struct page *page, struct mm_struct *mm,
			    unsigned int flags, const char *ip);
#define lock_page_or_retry(page, mm, flags) \
	lock_page_or_retry_sim((page), (mm), (flags), __func__)
/* The running task stops being the page's lock holder; the lock stays set
 * until end_io calls unlock_page (or page_endio). */
void page_sim_lock_hand_to_io(struct page *page);
void wait_on_page_writeback(struct page *page);
void end_page_writeback(struct page *page);
/* Who an IO wait really waits for.  A page's IO may sit in a request that
 * a task has built but not yet submitted (ext4_writepages keeps its
 * ext4_io_submit bio across ext4_map_blocks of the next extent;
 * ext4_mpage_readpages keeps its read bio across the next page's
 * mapping): until submission nothing completes it, and a task waiting in
 * wait_on_page_writeback / lock_page for it waits for the task holding the
 * request — a blocker the deadlock detector must see.  The filesystem
 * names the request's waitobj when the page joins it; that waitobj's
 * blockers follow the request's state (the holding task before submission,
 * nobody while the device has it, whoever must finish the IO afterwards).
 * end_page_writeback clears wb_via, unlock_page clears lock_io_via: the
 * pointer never outlives the IO.  No allocation: one pointer per page. */
static inline void page_sim_set_wb_via(struct page *page,
				       const struct sim_waitobj *via)
{
	SIM_BUG_ON(!PageWriteback(page));
	page->wb_via = via;
}
/* May be named while the task still holds the lock (it counts from
 * page_sim_lock_hand_to_io on). */
static inline void page_sim_set_lock_io_via(struct page *page,
					    const struct sim_waitobj *via)
{
	SIM_BUG_ON(!PageLocked(page));
	page->lock_io_via = via;
}
/* IO completion: READ sets uptodate (or error) and unlocks; WRITE ends
 * writeback. */
#ifndef READ     /* also in fs/block/block.h */
#define READ 0
#define WRITE 1
#endif
void page_endio(struct page *page, int rw, int err);

/* ---- the page cache (fs/mm/filemap.c) ----------------------------------------- */

#define PAGEVEC_SIZE 14

struct pagevec {
	unsigned nr;
	struct page *pages[PAGEVEC_SIZE];
};

static inline void pagevec_init(struct pagevec *pvec)
{
	pvec->nr = 0;
}

static inline unsigned pagevec_count(const struct pagevec *pvec)
{
	return pvec->nr;
}

void pagevec_release(struct pagevec *pvec);

/* Insert a new page locked (PG_locked, owner = current) at index.  0 or
 * -EEXIST.  May reclaim first (fs/mm/vmscan.c) when over the budget.  The
 * cache takes its own reference. */
int add_to_page_cache_lru(struct page *page, struct address_space *mapping,
			  pgoff_t index);
/* Page locked, unmapped, in the cache: remove it, drop the cache's ref. */
void delete_from_page_cache(struct page *page);

/* Lookups return the page with a reference the caller must put. */
struct page *find_get_page(struct address_space *mapping, pgoff_t index);
/* ... locked, re-checked against truncation (loops). */
struct page *find_lock_page(struct address_space *mapping, pgoff_t index);

#define FGP_ACCESSED 0x01
#define FGP_LOCK     0x02
#define FGP_CREAT    0x04
#define FGP_WRITE    0x08
#define FGP_NOFS     0x10
#define FGP_NOWAIT   0x20

struct page *pagecache_get_page(struct address_space *mapping, pgoff_t index,
				int fgp_flags);

static inline struct page *find_or_create_page(struct address_space *mapping,
					       pgoff_t index)
{
	return pagecache_get_page(mapping, index,
				  FGP_LOCK | FGP_ACCESSED | FGP_CREAT);
}

/* Gang lookups in index order, from start, up to nr entries, with refs. */
unsigned find_get_entries(struct address_space *mapping, pgoff_t start,
			  unsigned nr, struct page **pages, pgoff_t *indices);
unsigned find_get_pages(struct address_space *mapping, pgoff_t start,
			unsigned nr, struct page **pages);
/* Pages carrying tag from *index on; advances *index past the last one. */
unsigned find_get_pages_tag(struct address_space *mapping, pgoff_t *index,
			    int tag, unsigned nr, struct page **pages);
unsigned pagevec_lookup(struct pagevec *pvec, struct address_space *mapping,
			pgoff_t start, unsigned nr);
unsigned pagevec_lookup_tag(struct pagevec *pvec,
			    struct address_space *mapping, pgoff_t *index,
			    int tag, unsigned nr);

/* Model-only peeks for the oracle, fsck and tests: no reference, no cost,
 * no effect on the simulation. */
struct page *page_cache_sim_peek(const struct address_space *mapping,
				 pgoff_t index);
/* First page with index >= start (tag < 0: any), or NULL. */
struct page *page_cache_sim_next(const struct address_space *mapping,
				 pgoff_t start, int tag);
bool page_cache_sim_tag_get(const struct address_space *mapping, pgoff_t index,
			    unsigned tag);
/* Checks tree structure, per-tag counts against the tree, page->mapping and
 * ->index of every page, and tag/flag agreement where the kernel keeps it.
 * Writes the first problem to why. */
bool page_cache_sim_check(const struct address_space *mapping, char *why,
			  size_t len);

void mark_page_accessed(struct page *page);

/* Buffers or fs-private data off a locked page (->releasepage, else
 * try_to_free_buffers).  True when released. */
bool try_to_release_page(struct page *page, gfp_t gfp);

/* Wait for writeback of every page in [start_byte, end_byte] (WRITEBACK
 * tag walk).  0 or -EIO if a page had PG_error. */
int filemap_fdatawait_range(struct address_space *mapping, loff_t start_byte,
			    loff_t end_byte);

/* ---- dirty and writeback state (fs/mm/page-writeback.c) ------------------------ */

/* ->set_page_dirty, else __set_page_dirty_buffers.  True if newly dirty. */
bool set_page_dirty(struct page *page);
bool __set_page_dirty_nobuffers(struct page *page);
/* Page locked: write-protect its PTEs (page_mkclean), fold PTE dirt into
 * the page, clear PG_dirty (the DIRTY tag stays until set_page_writeback).
 * True if the page was dirty: the caller writes it. */
bool clear_page_dirty_for_io(struct page *page);
/* Truncation: clear PG_dirty without writing (the tag goes with the page). */
void cancel_dirty_page(struct page *page);
/* PG_writeback + WRITEBACK tag; DIRTY tag cleared unless redirtied, TOWRITE
 * cleared.  Returns the old PG_writeback. */
bool set_page_writeback(struct page *page);
bool set_page_writeback_keepwrite(struct page *page);
bool test_clear_page_writeback(struct page *page);
/* Copy DIRTY to TOWRITE over [start, end] (write_cache_pages, WB_SYNC_ALL). */
void tag_pages_for_writeback(struct address_space *mapping, pgoff_t start,
			     pgoff_t end);

static inline bool mapping_tagged(const struct address_space *mapping, int tag)
{
	return mapping->tagged[tag] != 0;
}

/* ---- page buffers (fs/buffer.c) --------------------------------------------------- */

static inline bool page_has_buffers(const struct page *page)
{
	return PagePrivate(page);
}

static inline struct buffer_head *page_buffers(const struct page *page)
{
	SIM_BUG_ON(!PagePrivate(page));
	return page->private;
}

/* Attach PAGE_SIZE / blocksize unmapped buffers carrying b_state (plus
 * dirty/uptodate from the page).  The page must be locked and bufferless. */
void create_empty_buffers(struct page *page, unsigned long blocksize,
			  unsigned long b_state);
/* page_buffers(), creating them with the inode's block size if absent. */
struct buffer_head *create_page_buffers(struct page *page, struct inode *inode,
					unsigned long b_state);
/* Buffers entirely inside [offset, offset+length) lose dirty, mapped, new,
 * delay and unwritten; offset 0 also tries to free them. */
void block_invalidatepage(struct page *page, unsigned offset, unsigned length);
/* Drops the buffers if none is dirty, locked or referenced (and the page is
 * not under writeback); cleans the page when it succeeds. */
bool try_to_free_buffers(struct page *page);
bool __set_page_dirty_buffers(struct page *page);
/* Index of bh among its page's buffers, and its file byte offset. */
unsigned bh_sim_index(const struct buffer_head *bh);
static inline loff_t bh_sim_offset(const struct buffer_head *bh)
{
	return page_offset(bh->b_page) + (loff_t)bh_sim_index(bh) * bh->b_size;
}

/* ---- truncation (fs/mm/truncate.c) -------------------------------------------------- */

/* Remove pages wholly inside [lstart, lend] (lend inclusive, -1 = EOF) and
 * zero the partial edge pages, with the kernel's two passes (see the file). */
void truncate_inode_pages_range(struct address_space *mapping, loff_t lstart,
				loff_t lend);
void truncate_inode_pages(struct address_space *mapping, loff_t lstart);
int truncate_inode_page(struct address_space *mapping, struct page *page);
void do_invalidatepage(struct page *page, unsigned offset, unsigned length);
/* unmap (even COWs), truncate from newsize, unmap again.  i_size already
 * lowered by the caller. */
void truncate_pagecache(struct inode *inode, loff_t newsize);
/* unmap shared mappings of the whole pages once, then truncate the range. */
void truncate_pagecache_range(struct inode *inode, loff_t lstart, loff_t lend);
/* i_size_write + pagecache_isize_extended + truncate_pagecache. */
void truncate_setsize(struct inode *inode, loff_t newsize);
void pagecache_isize_extended(struct inode *inode, loff_t from, loff_t to);
/* Direct IO's cache invalidation: 0, or -EBUSY if a page could not be
 * dropped (dirty again, or buffers busy). */
int invalidate_inode_pages2_range(struct address_space *mapping, pgoff_t start,
				  pgoff_t end);

/* ---- processes: mm_struct, VMAs, PTEs (fs/mm/mmap.c, memory_map.c) -------------- */

/* Subset of struct file (not in fs/fs.h): what mmap and readahead use. */
struct file_ra_state {
	pgoff_t start;
	unsigned size;
	unsigned async_size;
	unsigned ra_pages;
	unsigned mmap_miss;
	loff_t prev_pos;
};

struct file {
	struct inode *f_inode;
	struct address_space *f_mapping;
	struct file_ra_state f_ra;
	void *private_data;
};

static inline struct inode *file_inode(const struct file *f)
{
	return f->f_inode;
}

/* vm_flags */
#define VM_READ     0x00000001ul
#define VM_WRITE    0x00000002ul
#define VM_EXEC     0x00000004ul
#define VM_SHARED   0x00000008ul
#define VM_MAYSHARE 0x00000080ul
#define VM_MIXEDMAP 0x10000000ul   /* set by ext4_file_mmap for DAX files */
#define VM_HUGEPAGE 0x20000000ul

/* One PTE.  The kernel packs a pfn and bits into a word and compares whole
 * words in pte_same(); here a generation counter bumped by every change
 * makes "nothing touched this PTE since I read it" exact (stricter than the
 * kernel: zap + reinstall of the same page also counts as a change, which
 * can only turn a kernel success into a retried fault). */
enum pte_sim_kind {
	PTE_SIM_NONE,
	PTE_SIM_PAGE,     /* maps a page-cache page or a private COW page */
	PTE_SIM_PFN,      /* DAX: maps a physical block of the device */
};

typedef struct {
	uint8_t kind;     /* enum pte_sim_kind */
	bool write;       /* writable: stores do not fault */
	bool dirty;       /* hardware dirty bit: a store went through */
	uint32_t gen;     /* bumped on every change */
	union {
		struct page *page;
		uint64_t pfn;   /* physical block number */
	} u;
} pte_t;

static inline bool pte_none(pte_t pte) { return pte.kind == PTE_SIM_NONE; }
static inline bool pte_present(pte_t pte) { return pte.kind != PTE_SIM_NONE; }
static inline bool pte_write(pte_t pte) { return pte.write; }
static inline bool pte_dirty(pte_t pte) { return pte.dirty; }
static inline bool pte_sim_is_pfn(pte_t pte) { return pte.kind == PTE_SIM_PFN; }
static inline struct page *pte_page(pte_t pte)
{
	return pte.kind == PTE_SIM_PAGE ? pte.u.page : NULL;
}
static inline uint64_t pte_pfn(pte_t pte)
{
	SIM_BUG_ON(pte.kind != PTE_SIM_PFN);
	return pte.u.pfn;
}
/* orig was read from *ptep earlier: true if nothing changed it since. */
static inline bool pte_same(pte_t a, pte_t b)
{
	return a.gen == b.gen;
}

struct vm_fault;

struct vm_operations_struct {
	int (*fault)(struct vm_area_struct *vma, struct vm_fault *vmf);
	void (*map_pages)(struct vm_area_struct *vma, struct vm_fault *vmf);
	int (*page_mkwrite)(struct vm_area_struct *vma, struct vm_fault *vmf);
	int (*pfn_mkwrite)(struct vm_area_struct *vma, struct vm_fault *vmf);
	int (*pmd_fault)(struct vm_area_struct *vma, unsigned long address,
			 void *pmd, unsigned int flags);
};

struct vm_area_struct {
	unsigned long vm_start, vm_end;      /* [vm_start, vm_end), page aligned */
	struct mm_struct *vm_mm;
	unsigned long vm_flags;
	pgoff_t vm_pgoff;                    /* file page at vm_start */
	struct file *vm_file;
	const struct vm_operations_struct *vm_ops;
	void *vm_private_data;
	struct sim_list vm_list;             /* mm->mmap, by address [mmap_sem] */
	struct sim_list shared;              /* mapping->i_mmap [i_mmap_rwsem] */
	pte_t *ptes;                         /* one per page [PTE lock] */
	unsigned long nr_ptes_present;       /* skip empty VMAs quickly */
};

struct mm_struct {
	struct sim_rwsem mmap_sem;           /* class "mmap_sem" */
	struct sim_list mmap;                /* VMAs by vm_start [mmap_sem] */
	int map_count;
	unsigned long mmap_sim_next;         /* model: next free address */
	struct mm_sim *sim;
};

/* 4.4 struct vm_fault */
#define FAULT_FLAG_WRITE        0x01
#define FAULT_FLAG_MKWRITE      0x02
#define FAULT_FLAG_ALLOW_RETRY  0x04
#define FAULT_FLAG_RETRY_NOWAIT 0x08
#define FAULT_FLAG_KILLABLE     0x10
#define FAULT_FLAG_TRIED        0x20
#define FAULT_FLAG_USER         0x40

#define VM_FAULT_OOM      0x0001
#define VM_FAULT_SIGBUS   0x0002
#define VM_FAULT_MAJOR    0x0004
#define VM_FAULT_WRITE    0x0008
#define VM_FAULT_HWPOISON 0x0010
#define VM_FAULT_SIGSEGV  0x0040
#define VM_FAULT_NOPAGE   0x0100
#define VM_FAULT_LOCKED   0x0200
#define VM_FAULT_RETRY    0x0400
#define VM_FAULT_FALLBACK 0x0800
#define VM_FAULT_ERROR (VM_FAULT_OOM | VM_FAULT_SIGBUS | VM_FAULT_SIGSEGV | \
			VM_FAULT_HWPOISON | VM_FAULT_FALLBACK)

struct vm_fault {
	unsigned int flags;          /* FAULT_FLAG_* */
	pgoff_t pgoff;               /* file page */
	unsigned long virtual_address;
	struct page *cow_page;       /* private write fault: the COW target */
	struct page *page;           /* ->fault returns the page here */
	pgoff_t max_pgoff;           /* ->map_pages only */
	pte_t *pte;                  /* ->map_pages only */
};

static inline unsigned long vma_pages(const struct vm_area_struct *vma)
{
	return (vma->vm_end - vma->vm_start) >> PAGE_SHIFT;
}

/* File page mapped at address. */
static inline pgoff_t linear_page_index(const struct vm_area_struct *vma,
					unsigned long address)
{
	return ((address - vma->vm_start) >> PAGE_SHIFT) + vma->vm_pgoff;
}

/* [4.4] fs.h checks IS_DAX() of the VMA's file; ext4_file_mmap sets
 * VM_MIXEDMAP exactly for DAX files, so the flag stands in for it. */
static inline bool vma_is_dax(const struct vm_area_struct *vma)
{
	return vma->vm_flags & VM_MIXEDMAP;
}

/* mm_struct lifetime (kernel: mm_alloc / mmput, here with the world's
 * mm_sim explicit).  mmput unmaps every VMA. */
struct mm_struct *mm_alloc(struct mm_sim *s);
void mmput(struct mm_struct *mm);

/* mmap(2) of [pgoff, pgoff + npages) of file: a new VMA at a fresh address,
 * linked into mm->mmap (mmap_sem w) and mapping->i_mmap (i_mmap_rwsem w).
 * vm_ops may be NULL (set later by the filesystem's ->mmap). */
struct vm_area_struct *vm_mmap_sim(struct mm_struct *mm, struct file *file,
				   pgoff_t pgoff, unsigned long npages,
				   unsigned long vm_flags,
				   const struct vm_operations_struct *vm_ops);
/* munmap(2) of a whole VMA: zap its PTEs, unlink, free. */
void vm_munmap_sim(struct vm_area_struct *vma);

/* The VMA containing address, or NULL (kernel find_vma + vm_start check). */
struct vm_area_struct *find_vma(struct mm_struct *mm, unsigned long address);

/* The PTE of address (which must lie in vma). */
static inline pte_t *pte_offset_map(struct vm_area_struct *vma,
				    unsigned long address)
{
	SIM_BUG_ON(address < vma->vm_start || address >= vma->vm_end);
	return &vma->ptes[(address - vma->vm_start) >> PAGE_SHIFT];
}

/* Install a page into an empty PTE (mm/memory.c do_set_pte): takes over
 * one reference the caller holds (the ->fault reference becomes the
 * PTE's), adds the rmap (mapcount).  write: writable and dirty. */
void do_set_pte(struct vm_area_struct *vma, unsigned long address,
		struct page *page, pte_t *pte, bool write, bool anon);
/* DAX: install a pfn into an empty PTE, read-only (vm_insert_mixed →
 * insert_pfn); -EBUSY if the PTE is already present. */
int vm_insert_mixed(struct vm_area_struct *vma, unsigned long address,
		    uint64_t pfn);
/* Write fault on a present read-only PTE that may be reused (wp_page_reuse,
 * wp_pfn_shared): make it writable and dirty. */
void pte_sim_mkwrite(struct vm_area_struct *vma, unsigned long address,
		     pte_t *pte);
/* A user store went through a writable PTE: set its dirty bit. */
void pte_sim_mark_dirty(pte_t *pte);
/* Zap one PTE (zap_pte_range's body): a dirty file PTE dirties its page,
 * the rmap and the PTE's reference are dropped. */
void pte_sim_zap(struct vm_area_struct *vma, unsigned long address, pte_t *pte);
/* Zap every PTE of [address, address + size) in vma. */
void zap_page_range(struct vm_area_struct *vma, unsigned long address,
		    unsigned long size);
/* Zap the PTEs mapping file bytes [holebegin, holebegin + holelen) (rounded
 * out to pages; holelen 0 = to EOF) in every VMA of the mapping, under
 * i_mmap_rwsem (w).  even_cows false leaves private COW pages alone. */
void unmap_mapping_range(struct address_space *mapping, loff_t holebegin,
			 loff_t holelen, bool even_cows);

/* ---- reverse map (fs/mm/rmap.c) ---------------------------------------------------- */

void page_add_file_rmap(struct page *page);
void page_add_new_anon_rmap(struct page *page, struct vm_area_struct *vma,
			    unsigned long address);
void page_remove_rmap(struct page *page);
/* Write-protect and clean every shared PTE mapping this file page (rmap walk
 * over mapping->i_mmap under i_mmap_rwsem (r)).  Returns how many PTEs were
 * dirty or writable. */
int page_mkclean(struct page *page);

/* ---- memory pressure (fs/mm/vmscan.c) ----------------------------------------------- */

/* Reclaim up to nr clean, unlocked, unmapped, unreferenced page-cache pages
 * from the LRU tail; pages it cannot take rotate to the head.  Returns the
 * number freed. */
unsigned long try_to_free_pages(struct mm_sim *s, unsigned long nr);
/* Called before inserting into a page cache: reclaim if at the budget. */
void mm_sim_reclaim_for_insert(struct mm_sim *s);

/* ---- address_space_operations (include/linux/fs.h subset) --------------------------- */

struct address_space_operations {
	int (*writepage)(struct page *page, struct writeback_control *wbc);
	int (*readpage)(struct file *file, struct page *page);
	int (*writepages)(struct address_space *mapping,
			  struct writeback_control *wbc);
	/* NULL: __set_page_dirty_buffers */
	int (*set_page_dirty)(struct page *page);
	/* pages linked through page->lru, not yet in the cache */
	int (*readpages)(struct file *file, struct address_space *mapping,
			 struct sim_list *pages, unsigned nr_pages);
	/* NULL: block_invalidatepage */
	void (*invalidatepage)(struct page *page, unsigned offset,
			       unsigned length);
	/* NULL: try_to_free_buffers */
	int (*releasepage)(struct page *page, gfp_t gfp);
	/* buffered write(2) and O_DIRECT (fs/writeback.h, fs/uio.h) */
	int (*write_begin)(struct file *file, struct address_space *mapping,
			   loff_t pos, unsigned len, unsigned flags,
			   struct page **pagep, void **fsdata);
	int (*write_end)(struct file *file, struct address_space *mapping,
			 loff_t pos, unsigned len, unsigned copied,
			 struct page *page, void *fsdata);
	ssize_t (*direct_IO)(struct kiocb *iocb, struct iov_iter *iter,
			     loff_t offset);
};

#endif /* FS_MM_H */
