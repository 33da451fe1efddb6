/* fs/costs.h — the cost model: every CPU delay a modelled path takes
 * (docs/design.md §3; model-only, no kernel counterpart).  The [costs] section of
 * a workload file fills it (the table in fs/workload/options.c); the
 * kernel mirror finds it through the superblock and never includes the
 * workload driver.
 */
#ifndef FS_COSTS_H
#define FS_COSTS_H

#include "sim/engine/types.h"

struct fs_costs {
	sim_time_t syscall_entry;
	sim_time_t fault_entry;
	sim_time_t page_cache_lookup;
	sim_time_t page_cache_insert;
	sim_time_t page_zero;
	sim_time_t page_copy;
	sim_time_t pte_install;
	sim_time_t pte_zap;
	sim_time_t extent_lookup_level;
	sim_time_t extent_modify;
	sim_time_t es_lookup;
	sim_time_t block_alloc;
	sim_time_t journal_handle;
	sim_time_t bio_submit;        /* building + submitting one bio */
	/* write paths, writeback and the flusher */
	sim_time_t user_fault_in;            /* iov_iter_fault_in_readable, per page */
	sim_time_t writeback_page;           /* preparing one page for write IO */
	sim_time_t dirty_writeback_interval; /* flusher period (vm.dirty_writeback_centisecs) */
	sim_time_t dirty_expire_interval;    /* age making dirty data old (vm.dirty_expire_centisecs) */
	int64_t dirty_background_ratio;      /* % of page_budget: background writeback */
	int64_t dirty_ratio;                 /* % of page_budget: writers throttled */
	sim_time_t dirty_pause;              /* one balance_dirty_pages sleep */
};

#endif /* FS_COSTS_H */
