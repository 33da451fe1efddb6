/* fs/workload/options.h — every key of a faultline workload file: the [global],
 * [costs], file and job section tables (docs/design.md §6).  One table per section
 * type drives parsing, validation, --set/--sweep and --help-config. */
#ifndef FS_OPTIONS_H
#define FS_OPTIONS_H

#include <stdio.h>

#include "sim/engine/sim.h"
#include "sim/config/cfg.h"
#include "fs/costs.h"   /* struct fs_costs: the [costs] section */

enum fs_device { FS_DEV_NVME, FS_DEV_SSD, FS_DEV_HDD, FS_DEV_PMEM };
enum fs_mmap_kind { FS_MMAP_SHARED, FS_MMAP_PRIVATE };

struct fs_global {
	char **strategies;
	int64_t replicas;
	sim_time_t duration;
	int64_t seed;
	int device;                  /* enum fs_device */
	int64_t queue_depth;
	char **mount;                /* data=..., [no]delalloc, dax, nojournal */
	sim_time_t commit;           /* jbd2 commit interval */
	uint64_t blocksize;
	uint64_t fs_size;
	int64_t blocks_per_group;
	uint64_t journal_size;
	uint64_t page_budget;        /* 0 = unlimited */
	sim_time_t timeline;         /* lock-hold timeline window */
};

struct fs_file {
	uint64_t size;
	char *layout;                /* dense | sparse:F | fragmented:N */
};

struct fs_job {
	char *file;
	int64_t numjobs;
	struct sim_mix ops;
	char *offset;                /* random | sequential | zipf:T | hot:F */
	struct sim_dist len;
	struct sim_dist think;
	int mmap;                    /* enum fs_mmap_kind */
	char *ops_file;
	sim_time_t start_delay;
};

enum { FS_SEC_GLOBAL, FS_SEC_COSTS, FS_SEC_FILE, FS_SEC_JOB };

/* Operation kinds, in the order of fs_op_names (the `ops` mix indexes). */
enum fs_op {
	FS_OP_MMAP_READ,
	FS_OP_MMAP_WRITE,
	FS_OP_READ,
	FS_OP_WRITE,
	FS_OP_READAHEAD,
	FS_OP_DIO_READ,
	FS_OP_DIO_WRITE,
	FS_OP_PUNCH_HOLE,
	FS_OP_ZERO_RANGE,
	FS_OP_COLLAPSE_RANGE,
	FS_OP_INSERT_RANGE,
	FS_OP_FALLOCATE,
	FS_OP_TRUNCATE,
	FS_OP_FSYNC,
	FS_OP_MADVISE_DONTNEED,
	FS_NR_OPS,
};

extern const struct sim_schema fs_schema;
extern const char *const fs_strategy_names[];
extern const char *const fs_op_names[];

void fs_options_print_help(FILE *out);

#endif /* FS_OPTIONS_H */
