/* sim/run/output_violations.c — --violations FILE.jsonl: every violation
 * record of a run (sim_job_rec.vrecs), one JSON object per line, in plan
 * order (sweep point, strategy, replica) and within a job in detection
 * order.  Schema: docs/results-json.md, "Violation records".
 */
#include "config.h"

#include <inttypes.h>

#include "sim/engine/jsonw.h"
#include "sim/run/output.h"

static void put_key(GString *s, const char *key)
{
	g_string_append_printf(s, ",\"%s\":", key);
}

static void put_str(GString *s, const char *key, const char *v)
{
	put_key(s, key);
	if (v)
		sim_json_escape(s, v);
	else
		g_string_append(s, "null");
}

/* -1: unknown, null */
static void put_num(GString *s, const char *key, int64_t v)
{
	put_key(s, key);
	if (v < 0)
		g_string_append(s, "null");
	else
		g_string_append_printf(s, "%" PRId64, v);
}

static void put_record(GString *s, const struct sim_plan *plan,
		       const struct sim_job_rec *rec,
		       const struct sim_violation *v)
{
	g_string_append(s, "{\"kind\":");
	sim_json_escape(s, v->kind);
	put_str(s, "strategy", plan->strategies[rec->id.strategy]);
	if (plan->sweep_key) {
		put_key(s, "sweep");
		g_string_append(s, "{\"key\":");
		sim_json_escape(s, plan->sweep_key);
		g_string_append(s, ",\"value\":");
		sim_json_escape(s, plan->sweep_values[rec->id.sweep_point]);
		g_string_append_c(s, '}');
	} else {
		put_str(s, "sweep", NULL);
	}
	put_num(s, "replica", rec->id.replica);
	put_num(s, "job", rec->id.index);
	put_key(s, "replay");
	g_string_append_printf(s, "\"%" PRIu64 ":%u\"", rec->id.seed,
			       rec->id.index);
	put_num(s, "time_ns", v->time);
	put_str(s, "task", v->task);
	put_str(s, "op", v->op);
	put_str(s, "op_task", v->op_task);
	put_num(s, "op_begin_ns", v->op ? v->op_begin : -1);
	put_num(s, "op_end_ns", v->op ? v->op_end : -1);
	put_num(s, "ino", v->ino);
	put_num(s, "lblk", v->lblk);
	put_num(s, "pblk", v->pblk);
	put_num(s, "offset", v->off);
	put_num(s, "length", v->len);
	put_num(s, "stamp_seen", v->stamp_seen);
	put_num(s, "stamp_expected", v->stamp_expected);
	put_str(s, "headline", v->headline);
	g_string_append(s, "}\n");
}

char *sim_out_violations_jsonl(const struct sim_plan *plan,
			       const struct sim_run *run, uint64_t *written,
			       uint64_t *dropped)
{
	GString *s = g_string_new(NULL);
	unsigned i, k;

	*written = *dropped = 0;
	for (i = 0; i < plan->n_jobs; i++) {
		const struct sim_job_rec *rec = run->recs[i];

		if (!rec)
			continue;
		for (k = 0; k < rec->n_vrecs; k++)
			put_record(s, plan, rec, &rec->vrecs[k]);
		*written += rec->n_vrecs;
		*dropped += rec->vrecs_dropped;
	}
	return g_string_free(s, FALSE);
}
