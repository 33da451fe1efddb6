/* tests/sim/test-plan.c — the plan: order and job identity, sweeps,
 * shards (a partition of the plan), --replay and --shard syntax, the
 * resolved-config text. */
#include "config.h"

#include <string.h>

#include <glib.h>

#include "sim/run/plan.h"
#include "tests/sim/toy-model.h"

static struct sim_cfg *toy_cfg(const char *text)
{
	GError *err = NULL;
	struct sim_cfg *cfg = sim_cfg_load_data(toy_model_ops.schema, "t.cfg",
						text, strlen(text), &err);

	g_assert_no_error(err);
	return cfg;
}

static void test_order(void)
{
	struct sim_cfg *cfg = toy_cfg("[global]\nstrategies = mutex, racy, mutex_long\n"
				      "replicas = 5\nseed = 11\n");
	GError *err = NULL;
	struct sim_plan *p = sim_plan_new(&toy_model_ops, cfg, "toy.tasks=1,2", &err);
	unsigned i, pt, s, r;

	g_assert_no_error(err);
	g_assert_cmpuint(p->n_strategies, ==, 3);
	g_assert_cmpuint(p->replicas, ==, 5);
	g_assert_cmpuint(p->n_points, ==, 2);
	g_assert_cmpuint(p->n_jobs, ==, 30);
	g_assert_cmpuint(p->seed, ==, 11);
	g_assert_cmpstr(p->sweep_key, ==, "toy.tasks");
	/* for sweep point, for strategy, for replica */
	i = 0;
	for (pt = 0; pt < 2; pt++)
		for (s = 0; s < 3; s++)
			for (r = 0; r < 5; r++, i++) {
				struct sim_job_id id = sim_plan_job(p, i);

				g_assert_cmpuint(sim_plan_index(p, pt, s, r), ==, i);
				g_assert_cmpuint(id.index, ==, i);
				g_assert_cmpuint(id.sweep_point, ==, pt);
				g_assert_cmpuint(id.strategy, ==, s);
				g_assert_cmpuint(id.replica, ==, r);
				g_assert_cmpuint(id.seed, ==, 11);
			}
	/* each point's config has its value applied, the base is untouched */
	g_assert_cmpstr(p->strategies[1], ==, "racy");
	for (pt = 0; pt < 2; pt++) {
		const int64_t *tasks = sim_plan_cfg_value(p->point_cfg[pt], "toy.tasks",
							  SIM_OPT_INT, &err);

		g_assert_no_error(err);
		g_assert_cmpint(*tasks, ==, pt + 1);
	}
	sim_plan_free(p);
	sim_cfg_free(cfg);
}

static void test_sweep_errors(void)
{
	struct sim_cfg *cfg = toy_cfg("[toy]\ntasks = 2\n");
	GError *err = NULL;

	g_assert_null(sim_plan_new(&toy_model_ops, cfg, "toy.taks=1,2", &err));
	g_assert_nonnull(err);
	g_assert_nonnull(strstr(err->message, "did you mean 'tasks'"));
	g_clear_error(&err);
	g_assert_null(sim_plan_new(&toy_model_ops, cfg, "toy.tasks=1,0", &err));
	g_assert_nonnull(err);
	g_clear_error(&err);
	/* replicas and strategies are plan dimensions, not sweepable */
	g_assert_null(sim_plan_new(&toy_model_ops, cfg, "global.replicas=1,2", &err));
	g_assert_nonnull(strstr(err->message, "cannot be swept"));
	g_clear_error(&err);
	sim_cfg_free(cfg);
}

static void test_shards(void)
{
	struct sim_cfg *cfg = toy_cfg("[global]\nreplicas = 7\n");
	struct sim_plan *p = sim_plan_new(&toy_model_ops, cfg, NULL, NULL);
	unsigned n, k, i, total = 0;

	g_assert_cmpuint(p->n_jobs, ==, 14);
	/* for any N, the shards partition the plan */
	for (n = 1; n <= 5; n++) {
		unsigned hits[14] = { 0 };

		total = 0;
		for (k = 1; k <= n; k++) {
			char spec[16];

			g_snprintf(spec, sizeof(spec), "%u/%u", k, n);
			g_assert_true(sim_plan_set_shard(p, spec, NULL));
			for (i = 0; i < p->n_jobs; i++)
				if (sim_plan_in_shard(p, i)) {
					hits[i]++;
					g_assert_cmpuint(i % n, ==, k - 1);
				}
			total += sim_plan_shard_jobs(p);
		}
		for (i = 0; i < p->n_jobs; i++)
			g_assert_cmpuint(hits[i], ==, 1);
		g_assert_cmpuint(total, ==, 14);
	}
	sim_plan_free(p);
	sim_cfg_free(cfg);
}

static void test_syntax(void)
{
	static const char *const bad_shards[] = {
		"3/2", "0/2", "1/0", "a/b", "1", "1/", "/2", "-1/2", "1/2x",
		"", "1/ 2",
	};
	static const char *const bad_replays[] = {
		"7", "x:1", "-1:2", "7:", ":3", "7:3:1", "7:-1", "", "7:1a",
		"99999999999999999999:1",
	};
	unsigned i, k, n, job;
	uint64_t seed;
	GError *err = NULL;

	g_assert_true(sim_plan_parse_shard("2/3", &k, &n, NULL));
	g_assert_cmpuint(k, ==, 2);
	g_assert_cmpuint(n, ==, 3);
	for (i = 0; i < G_N_ELEMENTS(bad_shards); i++) {
		g_assert_false(sim_plan_parse_shard(bad_shards[i], &k, &n, &err));
		g_assert_nonnull(strstr(err->message, "--shard"));
		g_assert_null(strchr(err->message, '\n'));
		g_clear_error(&err);
	}
	g_assert_true(sim_plan_parse_replay("7:9", &seed, &job, NULL));
	g_assert_cmpuint(seed, ==, 7);
	g_assert_cmpuint(job, ==, 9);
	for (i = 0; i < G_N_ELEMENTS(bad_replays); i++) {
		g_assert_false(sim_plan_parse_replay(bad_replays[i], &seed, &job, &err));
		g_assert_nonnull(strstr(err->message, "--replay"));
		g_clear_error(&err);
	}
}

static void test_sections(void)
{
	struct sim_cfg *cfg = toy_cfg("[toy]\ntasks = 2\nthink = exp:2us\n");
	struct sim_plan *p = sim_plan_new(&toy_model_ops, cfg, NULL, NULL);
	const struct sim_plan_section *s;
	unsigned i;
	bool found = false;

	g_assert_cmpuint(p->n_sections, ==, 2);
	s = &p->sections[1];
	g_assert_cmpstr(s->name, ==, "toy");
	g_assert_cmpstr(s->type, ==, "toy");
	for (i = 0; i < s->n; i++)
		if (strcmp(s->keys[i], "think") == 0) {
			/* canonical text, as --dump-config writes it */
			g_assert_cmpstr(s->values[i], ==, "exp:2us");
			found = true;
		}
	g_assert_true(found);
	sim_plan_free(p);
	sim_cfg_free(cfg);
}

static void test_too_big(void)
{
	struct sim_cfg *cfg = toy_cfg("[global]\nreplicas = 100000\n"
				      "strategies = mutex, racy, mutex_long\n");
	GError *err = NULL;
	char values[4096];
	unsigned i, len = 0;

	len += g_snprintf(values, sizeof(values), "toy.tasks=1");
	for (i = 2; i <= 40; i++)
		len += g_snprintf(values + len, sizeof(values) - len, ",%u", i);
	g_assert_null(sim_plan_new(&toy_model_ops, cfg, values, &err));
	g_assert_nonnull(strstr(err->message, "jobs"));
	g_clear_error(&err);
	sim_cfg_free(cfg);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/plan/order", test_order);
	g_test_add_func("/plan/sweep-errors", test_sweep_errors);
	g_test_add_func("/plan/shards", test_shards);
	g_test_add_func("/plan/syntax", test_syntax);
	g_test_add_func("/plan/sections", test_sections);
	g_test_add_func("/plan/too-big", test_too_big);
	return g_test_run();
}
