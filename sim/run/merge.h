/* sim/run/merge.h — `sim merge OUT.json SHARD...`: shard files (raw per-job
 * records of one plan, written by --shard K/N) back into one run, which
 * output_json.c turns into the same results.json the unsharded run gives.
 */
#ifndef SIM_MERGE_H
#define SIM_MERGE_H

#include "sim/run/runner.h"

/* Reads n shard files.  They must come from one plan (same config, seed,
 * strategies, replicas, sweep, N), each shard K once, every K of 1..N
 * present, every job of a shard that was not interrupted present (as a
 * record or a model error).  Every value is checked (merge.c); model, if
 * not NULL, names the strategies, ops and violation kinds a shard may
 * have.  On success *plan is the plan (no point_cfg) and the run holds
 * the jobs; the run is interrupted if any shard was.  Errors are one line
 * naming the file and, for a bad value, its JSON path. */
struct sim_run *sim_merge_load(char *const *paths, unsigned n,
			       const struct sim_model_ops *model,
			       struct sim_plan **plan, GError **err);

/* One job record of plan (the JSON sim_out_job_json writes), validated as
 * a shard's are; what names it in errors. */
struct sim_job_rec *sim_merge_read_job(const struct sim_plan *plan,
				       const char *what, const char *json,
				       gsize len, GError **err);

#endif /* SIM_MERGE_H */
