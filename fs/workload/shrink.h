/* fs/workload/shrink.h — --shrink: a violating job reduced to a minimal
 * workload file that still shows the same violation kind under the same
 * strategy (model-only; fs/workload/shrink.c).
 *
 * The job is run once recording what every task did (EXT4_MODEL_RECORD):
 * its operations, each with the time it began, and where an explored
 * schedule's delays fell (operation, step boundary, occurrence).  That
 * record becomes an explicit script per task (fs/workload/script.h): the
 * operations with at= times, the delays as delay=STEP#N:TIME — a workload
 * that replays the job without the mix, the random streams or the
 * exploration.  Then delta debugging (Zeller and Hildebrandt, TSE 2002),
 * each candidate run in full and kept only if the violation kind is still
 * reported under the strategy: fewest tasks, fewest operations (ddmin on
 * each task's script), fewest and shortest delays, the smallest lengths,
 * offsets moved down and files made small, the shortest duration (just
 * past the detection).  The result is written as a normal .cfg whose
 * header holds expect lines (tests/fs/test-regress.c's grammar) and is run
 * once more under the strategy (its explanation is printed) and under
 * i_mmap_sem and invalidate_lock, which should not show it.
 */
#ifndef FS_WORKLOAD_SHRINK_H
#define FS_WORKLOAD_SHRINK_H

#include <stdio.h>

#include "sim/config/cfg.h"
#include "sim/engine/types.h"

struct ext4_shrink_params {
	const struct sim_cfg *cfg;    /* the job's resolved config */
	const char *config_file;      /* as given (replay lines, file name) */
	const char *strategy;
	uint64_t seed;
	unsigned job;                 /* plan index (--replay key) */
	unsigned replica;
	int64_t schedule;             /* explored schedule, -1: none */
	unsigned depth;               /* its exploration options */
	double delay;
	sim_time_t horizon;
	const char *out_path;         /* NULL: NAME-STRATEGY-KIND-min.cfg */
	unsigned threads;             /* candidates tried in parallel */
};

/* Shrinks; prints progress, the path written and the explanation to out.
 * Returns the exit status (0: written; 1: the job shows no violation or
 * its script does not reproduce it), or -1 with *err (a file could not be
 * written). */
int ext4_shrink(const struct ext4_shrink_params *p, FILE *out, GError **err);

#endif /* FS_WORKLOAD_SHRINK_H */
