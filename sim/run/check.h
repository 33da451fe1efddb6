/* sim/run/check.h — judging a run against expectations (sim/run/expect.h): the
 * command line's --expect and --fail-on-violation, and --check's
 * scenarios, read the figures of a finished run (struct sim_out) here.
 *
 * An expectation names a strategy; it is judged on that strategy's
 * violations summed over its replicas, separately at every sweep point
 * (it must hold at each).  K~TEXT terms count the run's violation records
 * (sim_job_rec.vrecs) whose headline contains TEXT: the run must keep
 * records with every violation explained (sim_runner_opts
 * violation_records, explain_all: sim_check_wants).
 */
#ifndef SIM_CHECK_H
#define SIM_CHECK_H

#include <stdio.h>

#include <glib.h>

#include "sim/run/expect.h"
#include "sim/run/output.h"
#include "sim/run/runner.h"

/* Records per job a run judged on K~TEXT terms keeps. */
#define SIM_CHECK_RECORDS 100000

/* Whether expects (struct sim_expect *) need records with headlines; sets
 * ro->violation_records and ro->explain_all if so. */
void sim_check_wants(GPtrArray *expects, struct sim_runner_opts *ro);

/* Every expectation's strategy is in the plan; else false with *err
 * naming it and the plan's strategies (`where` heads the message). */
bool sim_check_strategies(const struct sim_plan *plan, GPtrArray *expects,
			  GError **err);

/* Judges expects on out: true if all hold.  Each failure appends one line
 * to failures: "lockless: none: expected none, got stale_read 16" (with
 * "[key=value] " first at a sweep point). */
bool sim_check_expects(const struct sim_out *out, GPtrArray *expects,
		       GString *failures);

/* --fail-on-violation: true unless a named strategy (NULL-terminated;
 * "all" names every one) had a violation in some replica; each such
 * strategy appends "i_data_sem: 449 violations in 8/8 replicas
 * (stale_read 441, lock_order 8)". */
bool sim_check_no_violation(const struct sim_out *out,
			    const char *const *strategies, GString *failures);

#endif /* SIM_CHECK_H */
