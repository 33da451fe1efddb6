/* sim/run/plan.c — strategies × replicas × sweep points → jobs (see plan.h). */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sim/run/plan.h"

G_DEFINE_QUARK(sim-plan-error-quark, sim_plan_error)

const void *sim_plan_cfg_value(const struct sim_cfg *cfg, const char *sk,
			       enum sim_opt_type type, GError **err)
{
	const char *dot = strrchr(sk, '.');
	const struct sim_cfg_section *sec;
	const struct sim_option *opt;
	char *section;

	if (!dot) {
		g_set_error(err, SIM_PLAN_ERROR, SIM_PLAN_ERROR_INVALID,
			    "model key '%s' is not section.key", sk);
		return NULL;
	}
	section = g_strndup(sk, (gsize)(dot - sk));
	sec = sim_cfg_lookup(cfg, section);
	g_free(section);
	opt = sec ? sim_option_find(sec->type->options, dot + 1) : NULL;
	if (!opt || opt->type != type) {
		g_set_error(err, SIM_PLAN_ERROR, SIM_PLAN_ERROR_INVALID,
			    "%s: the workload has no %s key %s", cfg->file,
			    sim_option_type_name(type), sk);
		return NULL;
	}
	return sim_option_ptr(opt, sec->data);
}

struct sections_ctx {
	GPtrArray *keys, *values;
};

static void section_pair(void *user, const struct sim_cfg_section *sec,
			 const struct sim_option *opt, const char *key,
			 const char *value, enum sim_opt_json kind)
{
	struct sections_ctx *c = user;

	if (!opt)       /* the type key: written first, always */
		return;
	g_ptr_array_add(c->keys, g_strdup(key));
	g_ptr_array_add(c->values,
			value ? sim_option_format(opt, sec->data) : NULL);
}

static void sections_free(struct sim_plan *p)
{
	unsigned i, j;

	for (i = 0; i < p->n_sections; i++) {
		struct sim_plan_section *s = &p->sections[i];

		for (j = 0; j < s->n; j++) {
			g_free(s->keys[j]);
			g_free(s->values[j]);
		}
		g_free(s->keys);
		g_free(s->values);
		g_free(s->name);
		g_free(s->type);
	}
	g_free(p->sections);
	p->sections = NULL;
	p->n_sections = 0;
}

void sim_plan_set_sections(struct sim_plan *p, const struct sim_cfg *cfg)
{
	unsigned i;

	sections_free(p);
	p->n_sections = cfg->n_sections;
	p->sections = g_new0(struct sim_plan_section, cfg->n_sections + 1);
	for (i = 0; i < cfg->n_sections; i++) {
		const struct sim_cfg_section *sec = cfg->sections[i];
		struct sim_plan_section *s = &p->sections[i];
		struct sections_ctx c = { g_ptr_array_new(), g_ptr_array_new() };

		sim_cfg_section_foreach(cfg, sec, section_pair, &c);
		s->name = g_strdup(sec->name);
		s->type = g_strdup(sec->type->name);
		s->n = c.keys->len;
		s->keys = (char **)g_ptr_array_free(c.keys, FALSE);
		s->values = (char **)g_ptr_array_free(c.values, FALSE);
	}
}

static bool sweep_is_plan_key(const struct sim_cfg_sweep *sw)
{
	const char *keys[] = {
		SIM_MODEL_KEY_STRATEGIES,
		SIM_MODEL_KEY_REPLICAS,
		SIM_MODEL_KEY_SEED,
	};
	char *sk = g_strdup_printf("%s.%s", sw->section, sw->key);
	bool hit = false;
	unsigned i;

	for (i = 0; i < G_N_ELEMENTS(keys); i++)
		if (keys[i] && strcmp(keys[i], sk) == 0)
			hit = true;
	g_free(sk);
	return hit;
}

struct sim_plan *sim_plan_new(const struct sim_model_ops *ops,
			      const struct sim_cfg *cfg, const char *sweep_spec,
			      GError **err)
{
	struct sim_plan *p = g_new0(struct sim_plan, 1);
	struct sim_cfg_sweep *sw = NULL;
	const char *k_strat = SIM_MODEL_KEY_STRATEGIES;
	const char *k_reps = SIM_MODEL_KEY_REPLICAS;
	const char *k_seed = SIM_MODEL_KEY_SEED;
	const void *slot;
	const int64_t *replicas, *seed;
	uint64_t jobs;
	unsigned i;

	p->config_file = g_strdup(cfg->file);
	p->shard_k = p->shard_n = 1;
	slot = sim_plan_cfg_value(cfg, k_strat, SIM_OPT_LIST, err);
	if (!slot)
		goto fail;
	p->strategies = g_strdupv(*(char **const *)slot);
	p->n_strategies = p->strategies ? g_strv_length(p->strategies) : 0;
	if (p->n_strategies == 0) {
		g_set_error(err, SIM_PLAN_ERROR, SIM_PLAN_ERROR_INVALID,
			    "%s: %s: no strategy to run", cfg->file, k_strat);
		goto fail;
	}
	replicas = sim_plan_cfg_value(cfg, k_reps, SIM_OPT_INT, err);
	if (!replicas)
		goto fail;
	seed = sim_plan_cfg_value(cfg, k_seed, SIM_OPT_INT, err);
	if (!seed)
		goto fail;
	if (*replicas < 1 || *seed < 0) {
		g_set_error(err, SIM_PLAN_ERROR, SIM_PLAN_ERROR_INVALID,
			    "%s: %s must be >= 1 and %s >= 0", cfg->file,
			    k_reps, k_seed);
		goto fail;
	}
	p->seed = (uint64_t)*seed;

	if (sweep_spec) {
		sw = sim_cfg_parse_sweep(cfg, sweep_spec, err);
		if (!sw)
			goto fail;
		if (sweep_is_plan_key(sw)) {
			g_set_error(err, SIM_PLAN_ERROR, SIM_PLAN_ERROR_INVALID,
				    "--sweep %s.%s: a plan key cannot be swept "
				    "(strategies and replicas are already "
				    "dimensions of the plan)", sw->section,
				    sw->key);
			goto fail;
		}
		p->sweep_key = g_strdup_printf("%s.%s", sw->section, sw->key);
		p->n_points = sw->n;
		p->sweep_values = g_new0(char *, sw->n + 1);
		for (i = 0; i < sw->n; i++)
			p->sweep_values[i] = g_strdup(sw->values[i]);
	} else {
		p->n_points = 1;
	}
	jobs = (uint64_t)p->n_points * p->n_strategies * (uint64_t)*replicas;
	if (jobs > SIM_PLAN_MAX_JOBS) {
		g_set_error(err, SIM_PLAN_ERROR, SIM_PLAN_ERROR_INVALID,
			    "%s: the plan has %" G_GUINT64_FORMAT " jobs (more "
			    "than %u)", cfg->file, jobs, SIM_PLAN_MAX_JOBS);
		goto fail;
	}
	p->replicas = (unsigned)*replicas;
	p->n_jobs = (unsigned)jobs;

	p->point_cfg = g_new0(struct sim_cfg *, p->n_points);
	for (i = 0; i < p->n_points; i++) {
		p->point_cfg[i] = sim_cfg_copy(cfg);
		/* sim_cfg_parse_sweep checked every value already. */
		if (sw && (!sim_cfg_set(p->point_cfg[i], p->sweep_key,
					sw->values[i], err) ||
			   !sim_cfg_check(p->point_cfg[i], err)))
			goto fail;
	}
	sim_plan_set_sections(p, cfg);
	sim_cfg_sweep_free(sw);
	return p;
fail:
	sim_cfg_sweep_free(sw);
	sim_plan_free(p);
	return NULL;
}

void sim_plan_free(struct sim_plan *p)
{
	unsigned i;

	if (!p)
		return;
	if (p->point_cfg)
		for (i = 0; i < p->n_points; i++)
			if (p->point_cfg[i])
				sim_cfg_free(p->point_cfg[i]);
	g_free(p->point_cfg);
	sections_free(p);
	g_strfreev(p->strategies);
	g_strfreev(p->sweep_values);
	g_free(p->sweep_key);
	g_free(p->config_file);
	g_free(p);
}

struct sim_job_id sim_plan_job(const struct sim_plan *p, unsigned index)
{
	struct sim_job_id id;

	SIM_BUG_ON(index >= p->n_jobs);
	id.seed = p->seed;
	id.index = index;
	id.replica = index % p->replicas;
	id.strategy = index / p->replicas % p->n_strategies;
	id.sweep_point = index / p->replicas / p->n_strategies;
	return id;
}

/* A decimal integer in [0, max], the whole of text. */
static bool parse_uint(const char *text, uint64_t max, uint64_t *out)
{
	char *end;

	if (!g_ascii_isdigit(*text))
		return false;
	errno = 0;
	*out = g_ascii_strtoull(text, &end, 10);
	return errno == 0 && *end == '\0' && *out <= max;
}

static bool split2(const char *text, char sep, uint64_t max1, uint64_t max2,
		   uint64_t *a, uint64_t *b)
{
	const char *s = strchr(text, sep);
	char *first;
	bool ok;

	if (!s)
		return false;
	first = g_strndup(text, (gsize)(s - text));
	ok = parse_uint(first, max1, a) && parse_uint(s + 1, max2, b);
	g_free(first);
	return ok;
}

bool sim_plan_parse_shard(const char *text, unsigned *k, unsigned *n,
			  GError **err)
{
	uint64_t a, b;
	char *q;

	if (split2(text, '/', G_MAXUINT, G_MAXUINT, &a, &b) && b >= 1 &&
	    a >= 1 && a <= b) {
		*k = (unsigned)a;
		*n = (unsigned)b;
		return true;
	}
	q = sim_option_quote(text, true);
	g_set_error(err, SIM_PLAN_ERROR, SIM_PLAN_ERROR_INVALID,
		    "--shard %s: expected K/N with 1 <= K <= N", q);
	g_free(q);
	return false;
}

bool sim_plan_set_shard(struct sim_plan *p, const char *text, GError **err)
{
	return sim_plan_parse_shard(text, &p->shard_k, &p->shard_n, err);
}

unsigned sim_plan_shard_jobs(const struct sim_plan *p)
{
	unsigned i, n = 0;

	for (i = 0; i < p->n_jobs; i++)
		n += sim_plan_in_shard(p, i);
	return n;
}

bool sim_plan_parse_replay(const char *text, uint64_t *seed, unsigned *job,
			   GError **err)
{
	uint64_t a, b;
	char *q;

	if (split2(text, ':', INT64_MAX, G_MAXUINT, &a, &b)) {
		*seed = a;
		*job = (unsigned)b;
		return true;
	}
	q = sim_option_quote(text, true);
	g_set_error(err, SIM_PLAN_ERROR, SIM_PLAN_ERROR_INVALID,
		    "--replay %s: expected SEED:JOB (two non-negative "
		    "integers, as printed after a violation)", q);
	g_free(q);
	return false;
}
