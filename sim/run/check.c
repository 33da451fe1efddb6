/* sim/run/check.c — expectations judged on a finished run (check.h). */
#include "config.h"

#include <string.h>

#include "sim/run/check.h"
#include "sim/config/cfg.h"

void sim_check_wants(GPtrArray *expects, struct sim_runner_opts *ro)
{
	guint i;

	for (i = 0; expects && i < expects->len; i++)
		if (sim_expect_needs_headlines(expects->pdata[i])) {
			ro->explain_all = true;
			ro->violation_records = MAX(ro->violation_records,
						    SIM_CHECK_RECORDS);
		}
}

static int strategy_index(const struct sim_plan *plan, const char *name)
{
	unsigned s;

	for (s = 0; s < plan->n_strategies; s++)
		if (strcmp(plan->strategies[s], name) == 0)
			return (int)s;
	return -1;
}

bool sim_check_strategies(const struct sim_plan *plan, GPtrArray *expects,
			  GError **err)
{
	guint i;

	for (i = 0; i < expects->len; i++) {
		const struct sim_expect *e = expects->pdata[i];
		char *list;

		if (strategy_index(plan, e->strategy) >= 0)
			continue;
		list = g_strjoinv(", ", (char **)plan->strategies);
		g_set_error(err, SIM_CFG_ERROR, SIM_CFG_ERROR_VALUE,
			    "expectation '%s': strategy %s is not in the plan "
			    "(%s)", e->text, e->strategy, list);
		g_free(list);
		return false;
	}
	return true;
}

/* The figures of one group, for sim_expect_check. */
struct figures {
	const struct sim_out *out;
	const struct sim_out_group *g;
};

static uint64_t fig_count(void *ctx, const char *kind)
{
	struct figures *f = ctx;
	guint k;

	for (k = 0; k < f->out->kinds->len; k++)
		if (strcmp(g_ptr_array_index(f->out->kinds, k), kind) == 0)
			return f->g->viol[k];
	return 0;
}

static uint64_t fig_matched(void *ctx, const char *kind, const char *text)
{
	struct figures *f = ctx;
	uint64_t n = 0;
	unsigned r, i;

	for (r = 0; r < f->g->n_rep; r++) {
		const struct sim_job_rec *rec = f->g->reps[r];

		for (i = 0; i < rec->n_vrecs; i++) {
			const struct sim_violation *v = &rec->vrecs[i];

			n += strcmp(v->kind, kind) == 0 && v->headline &&
			     strstr(v->headline, text);
		}
	}
	return n;
}

bool sim_check_expects(const struct sim_out *out, GPtrArray *expects,
		       GString *failures)
{
	const struct sim_plan *plan = out->plan;
	const char **kinds = g_new0(const char *, out->kinds->len + 1);
	bool ok = true;
	guint i, k;
	unsigned p;

	for (k = 0; k < out->kinds->len; k++)
		kinds[k] = g_ptr_array_index(out->kinds, k);
	for (i = 0; i < expects->len; i++) {
		const struct sim_expect *e = expects->pdata[i];
		int s = strategy_index(plan, e->strategy);

		if (s < 0 || e->any)
			continue;
		for (p = 0; p < plan->n_points; p++) {
			struct figures fig = {
				out, &out->groups[p * plan->n_strategies + (unsigned)s],
			};
			struct sim_expect_figures ef = {
				.count = fig_count, .matched = fig_matched,
				.kinds = kinds, .ctx = &fig,
			};
			char *why;

			if (sim_expect_check(e, &ef, &why))
				continue;
			ok = false;
			if (plan->sweep_key)
				g_string_append_printf(failures, "[%s=%s] ",
						       plan->sweep_key,
						       plan->sweep_values[p]);
			g_string_append_printf(failures, "%s: %s (%u replicas)\n",
					       e->text, why, fig.g->n_rep);
			g_free(why);
		}
	}
	g_free(kinds);
	return ok;
}

bool sim_check_no_violation(const struct sim_out *out,
			    const char *const *strategies, GString *failures)
{
	bool ok = true;
	unsigned i, k;

	for (i = 0; i < out->n_groups; i++) {
		const struct sim_out_group *g = &out->groups[i];
		const char *const *s;
		bool named = false;

		for (s = strategies; *s && !named; s++)
			named = strcmp(*s, "all") == 0 || strcmp(*s, g->name) == 0;
		if (!named || !g->viol_total)
			continue;
		ok = false;
		if (g->sweep_value)
			g_string_append_printf(failures, "[%s=%s] ",
					       out->plan->sweep_key, g->sweep_value);
		g_string_append_printf(failures, "%s: %" G_GUINT64_FORMAT
				       " violations in %u/%u replicas (",
				       g->name, g->viol_total, g->violating_reps,
				       g->n_rep);
		for (k = 0; k < out->kinds->len; k++)
			if (g->viol[k])
				g_string_append_printf(failures, "%s%s %" G_GUINT64_FORMAT,
						       failures->str[failures->len - 1] == '(' ? "" : ", ",
						       (const char *)g_ptr_array_index(out->kinds, k),
						       g->viol[k]);
		g_string_append(failures, ")\n");
	}
	return ok;
}
