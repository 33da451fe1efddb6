/* sim/run/journal.h — finished jobs journaled as they complete, so a run
 * that dies (SIGKILL, a power cut, an allocation that runs out) can be
 * resumed: `--resume` reruns only the jobs the journal does not hold and
 * ends with the same bytes as an uninterrupted run.
 *
 * The journal sits beside the run's output (OUT.json.journal, or
 * DIR/results.json.journal with --report DIR).  Format, appended to and
 * never rewritten:
 *
 *   faultline-journal 1 PLAN-DIGEST\n          (sim_out_plan_ident)
 *   job INDEX LENGTH\n JSON-RECORD \n            (one per finished job)
 *
 * A record is the job's raw record as a shard file holds it
 * (sim_out_job_json); each is written with one write(2) and made durable
 * (fdatasync) before the job counts as journaled.  A torn last record (the
 * process died inside the write) is ignored on resume and its job run
 * again.  Records are validated as `sim merge` validates shards; a journal
 * of another plan (config, seed, strategies, replicas, sweep, shard,
 * version) is refused.  The journal is removed once the outputs are
 * written.
 */
#ifndef SIM_JOURNAL_H
#define SIM_JOURNAL_H

#include <glib.h>

#include "sim/run/plan.h"
#include "sim/run/record.h"

struct sim_journal;

/* The journal path for an output file (g_free it). */
char *sim_journal_path(const char *output);

/* Opens the journal at path for plan.  resume: the finished jobs' records
 * it holds are loaded into recs[index] (recs has plan->n_jobs slots, all
 * NULL) and *loaded counts them; a missing journal loads nothing.
 * !resume: any old journal is replaced.  NULL with *err (one line naming
 * the file) on an unreadable journal, one of another plan, or an invalid
 * record. */
struct sim_journal *sim_journal_open(const char *path,
				     const struct sim_plan *plan, bool resume,
				     struct sim_job_rec **recs,
				     unsigned *loaded, GError **err);

/* Appends a finished job's record; thread-safe.  False with *err when the
 * journal could not be written (the run goes on: only resuming is lost). */
bool sim_journal_append(struct sim_journal *j, const struct sim_job_rec *rec,
			GError **err);

/* Closes the journal; remove: delete it (the outputs are written). */
void sim_journal_close(struct sim_journal *j, bool remove);

#endif /* SIM_JOURNAL_H */
