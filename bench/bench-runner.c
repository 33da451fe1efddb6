/* bench/bench-runner.c — the runner's scaling and memory on the toy model
 * (tests/sim/toy-model.c): one plan run with 1, 2, ... threads up to the
 * number of cores; wall time, simulated events/s, speed-up over -j1, the
 * heap peak of one job (jemalloc thread.peak) and the process peak RSS.
 * Also checks that every run gives the same results.json but for host.
 *
 *	bench/bench-runner [REPLICAS [DURATION]]     (default 8, 20ms)
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <glib.h>

#include "sim/run/output.h"
#include "sim/run/runner.h"
#include "tests/sim/toy-model.h"

/* CPU seconds of the process so far (user + system). */
static double cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static char *nohost(const struct sim_plan *p, const struct sim_run *run)
{
	struct sim_out *out = sim_out_build(p, run, toy_model_ops.kinds);
	char *json = sim_out_json(out), *host = strstr(json, ",\n  \"host\": {");

	if (host)
		*host = '\0';
	sim_out_free(out);
	return json;
}

int main(int argc, char **argv)
{
	const char *replicas = argc > 1 ? argv[1] : "8";
	const char *duration = argc > 2 ? argv[2] : "20ms";
	char *text = g_strdup_printf(
		"[global]\nstrategies = mutex, mutex_long, racy\nreplicas = %s\n"
		"duration = %s\nseed = 1\n[toy]\ntasks = 8\nrare = 0.0001\n",
		replicas, duration);
	unsigned cores = (unsigned)MAX(g_get_num_processors(), 1), t;
	GError *err = NULL;
	struct sim_cfg *cfg = sim_cfg_load_data(toy_model_ops.schema, "bench.cfg",
						text, strlen(text), &err);
	struct sim_plan *p = cfg ? sim_plan_new(&toy_model_ops, cfg, NULL, &err) : NULL;
	double wall1 = 0;
	char *ref = NULL;

	if (!p) {
		fprintf(stderr, "bench-runner: %s\n", err->message);
		return 1;
	}
	printf("toy model: 3 strategies x %u replicas = %u jobs, 8 tasks, %s "
	       "simulated each\n", p->replicas, p->n_jobs, duration);
	/* cpu/wall tells a loaded machine (other processes) from a runner
	 * that does not scale: with t idle cores it should approach t. */
	printf("%8s %10s %10s %9s %14s %9s %16s %14s\n", "threads", "wall s",
	       "cpu s", "cpu/wall", "M events/s", "speed-up", "job heap peak",
	       "peak RSS");
	for (t = 1; t <= MAX(cores, 2u); t++) {
		struct sim_runner_opts o = SIM_RUNNER_OPTS_INIT;
		struct sim_run *run;
		double cpu0 = cpu_s(), cpu;
		char *json;

		o.threads = t;
		run = sim_runner_run(&toy_model_ops, p, &o, &err);
		if (!run) {
			fprintf(stderr, "bench-runner: %s\n", err->message);
			return 1;
		}
		cpu = cpu_s() - cpu0;
		if (t == 1)
			wall1 = run->wall_s;
		json = nohost(p, run);
		if (!ref) {
			ref = json;
		} else {
			if (strcmp(ref, json) != 0) {
				fprintf(stderr, "bench-runner: results differ at -j%u\n", t);
				return 1;
			}
			g_free(json);
		}
		printf("%8u %10.3f %10.3f %9.2f %14.2f %8.2fx %13.1f KiB %10.1f MiB\n",
		       t, run->wall_s, cpu, cpu / run->wall_s,
		       (double)run->events / run->wall_s / 1e6,
		       wall1 / run->wall_s, (double)run->job_heap_peak / 1024,
		       (double)run->peak_rss / (1 << 20));
		sim_run_free(run);
	}
	printf("results.json identical for every thread count (host excluded)\n");
	g_free(ref);
	sim_plan_free(p);
	sim_cfg_free(cfg);
	g_free(text);
	return 0;
}
