/* fs/workload/model.h — the ext4 model as a sim/engine/model.h plug-in: everything between
 * a resolved config and a running world (fs/workload/model.c).
 *
 * create() mounts the file system from [global], installs the strategy, the
 * cost model ([costs]) and the oracle, builds every file section's inode
 * with its initial layout through the real extent tree and allocator (in a
 * set-up task, run to completion inside create(): the world's clock is
 * still 0 when it returns), then spawns each job's numjobs tasks.  The
 * runner then calls sim_world_run(w, duration(model)), finish() and
 * destroy() — destroy() before sim_world_free(w): the model's events and
 * the oracle's finding hook live in the world.
 *
 * Results: one latency histogram per operation kind (fs_op_names order),
 * the oracle's violation kinds followed by "fsx_mismatch" (an fsx replay
 * whose reads or sizes disagree with fsx's own model), lock_stat copies,
 * and for replica 0 the lock-hold timeline of the first [global] timeline
 * window.
 */
#ifndef FS_MODEL_H
#define FS_MODEL_H

#include "sim/engine/model.h"
#include "fs/oracle/oracle.h"
#include "fs/workload/workload.h"

extern const struct sim_model_ops ext4_model_ops;

struct ext4_model;

/* ext4_model_create flags */
#define EXT4_MODEL_NO_TASKS 0x1   /* set-up only: mount and files, no jobs'
				     tasks (tests of the set-up) */

/* create() with flags; the ops' create is this with 0. */
struct ext4_model *ext4_model_create(struct sim_world *w,
				     const struct sim_cfg *cfg,
				     const char *strategy,
				     const struct sim_job_id *id,
				     unsigned flags, GError **err);
void ext4_model_destroy(struct ext4_model *m);

/* A clean unmount at the end of a job (after finish(): judge/image.c then
 * exports the disk): the jobs' tasks finish the operation they are in and
 * exit, then a task runs umount — every file fsynced (its dirty pages
 * through the model's own writeback paths, a journal commit), then
 * jbd2_journal_destroy (commit, every checkpoint written home, kjournald2
 * stopped).  Runs the world for at most `limit` more simulated time.
 * 0, or -errno with a one-line reason in why (a deadlocked world, tasks
 * that never finish, a failing fsync); the disk is then as the run left
 * it.  Changes no result: finish() has already been called. */
int ext4_model_unmount(struct ext4_model *m, sim_time_t limit, char *why,
		       size_t len);

/* Read-only views for tests and the runner's extra output. */
struct super_block *ext4_model_sb(const struct ext4_model *m);
unsigned ext4_model_nfiles(const struct ext4_model *m);
const struct fs_wl_file *ext4_model_file(const struct ext4_model *m,
					 unsigned i);
const struct fs_wl_stats *ext4_model_stats(const struct ext4_model *m);
/* Job section i (file order); judge/kcheck.c sets its fsx observer
 * between create and the run. */
unsigned ext4_model_njobs(const struct ext4_model *m);
struct fs_wl_job *ext4_model_job(struct ext4_model *m, unsigned i);
struct fs_oracle *ext4_model_oracle(const struct ext4_model *m);

/* Index of violation kind "fsx_mismatch" in a job result. */
#define EXT4_MODEL_KIND_FSX FS_ORACLE_NR_KINDS

#endif /* FS_MODEL_H */
