/* fuzz/fuzz-shard.c — libFuzzer target: `sim merge`'s reader.  The input
 * is a shard file (written to a temporary file, as merge reads files),
 * and also a single journal record (sim_merge_read_job against a small
 * fixed plan).  Damage must be refused with one line, never crash, wrap
 * or reach a SIM_BUG_ON; what is accepted must merge into results (the
 * aggregation and the JSON writer run on it). */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz/input.h"
#include "fs/workload/model.h"
#include "sim/run/merge.h"
#include "sim/run/output.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct sim_plan *small_plan(void)
{
	static struct sim_plan p;
	static char *strategies[] = { (char *)"lockless", (char *)"i_data_sem", NULL };

	if (!p.n_jobs) {
		p.config_file = (char *)"fuzz.cfg";
		p.seed = 1;
		p.strategies = strategies;
		p.n_strategies = 2;
		p.replicas = 2;
		p.n_points = 1;
		p.n_jobs = 4;
		p.shard_k = p.shard_n = 1;
	}
	return &p;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	GError *err = NULL;
	struct sim_plan *plan = NULL;
	struct sim_run *run;
	struct sim_job_rec *rec;
	char *paths[1];

	if (size > 1 << 20)
		return 0;
	paths[0] = fuzz_input_file("shard", data, size);
	run = sim_merge_load(paths, 1, &ext4_model_ops, &plan, &err);
	if (run) {
		struct sim_out *out = sim_out_build(plan, run, ext4_model_ops.kinds);
		char *json = sim_out_json(out);

		g_free(json);
		sim_out_free(out);
		sim_run_free(run);
		sim_plan_free(plan);
	} else {
		if (!err || strchr(err->message, '\n'))
			abort();
		g_clear_error(&err);
	}
	rec = sim_merge_read_job(small_plan(), "fuzz.journal", (const char *)data,
				 size, &err);
	if (rec)
		sim_job_rec_free(rec);
	else
		g_clear_error(&err);
	return 0;
}
