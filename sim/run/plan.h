/* sim/run/plan.h — the plan of a run: strategies × replicas × sweep points,
 * one job each, in a fixed order; seeds, shards and replay keys.
 *
 * Plan order is: for each sweep point, for each strategy, for each
 * replica.  A job's index is its position in that order; it is the key of
 * --replay SEED:JOB and of --shard K/N (a shard takes the jobs with
 * index % N == K - 1).  A job's world is (run seed, job index); the model
 * draws its workload from (run seed, REPLICA) (sim/engine/model.h), so every
 * strategy and every sweep point of replica r draws the same workload.
 *
 * A plan is plain data — names, numbers, the resolved config as text — so
 * `sim merge` rebuilds the same plan from shard files without the model's
 * config structs; point_cfg is only there when the plan was built from a
 * config (it is what the jobs run on).
 */
#ifndef SIM_PLAN_H
#define SIM_PLAN_H

#include <glib.h>

#include "sim/engine/model.h"

/* One section of the resolved config, as results.json shows it. */
struct sim_plan_section {
	char *name;
	char *type;
	unsigned n;
	char **keys;
	char **values;              /* canonical text; NULL: no value */
};

/* A plan beyond this is a typo (replicas = 1e9), not a run. */
#define SIM_PLAN_MAX_JOBS 10000000u

struct sim_plan {
	char *config_file;          /* as given on the command line */
	uint64_t seed;
	unsigned n_strategies;
	char **strategies;          /* NULL-terminated */
	unsigned replicas;
	char *sweep_key;            /* "section.key", or NULL */
	unsigned n_points;          /* 1 without a sweep */
	char **sweep_values;        /* n_points values, or NULL */
	unsigned n_jobs;
	unsigned shard_k, shard_n;  /* 1/1: the whole plan */
	unsigned n_sections;
	struct sim_plan_section *sections;
	/* Built from a config only (NULL after a merge): */
	struct sim_cfg **point_cfg; /* n_points resolved configs */
};

/* Reads the plan keys (SIM_MODEL_KEY_*, sim/engine/model.h) of cfg, applies each
 * value of sweep_spec ("section.key=v1,v2", or NULL) to a copy of cfg.
 * Errors are one line. */
struct sim_plan *sim_plan_new(const struct sim_model_ops *ops,
			      const struct sim_cfg *cfg, const char *sweep_spec,
			      GError **err);
void sim_plan_free(struct sim_plan *p);

/* Sets the resolved-config text from cfg (sim_plan_new does it). */
void sim_plan_set_sections(struct sim_plan *p, const struct sim_cfg *cfg);

static inline unsigned sim_plan_index(const struct sim_plan *p, unsigned point,
				      unsigned strategy, unsigned replica)
{
	return (point * p->n_strategies + strategy) * p->replicas + replica;
}

struct sim_job_id sim_plan_job(const struct sim_plan *p, unsigned index);

/* "K/N" with 1 <= K <= N. */
bool sim_plan_parse_shard(const char *text, unsigned *k, unsigned *n,
			  GError **err);
bool sim_plan_set_shard(struct sim_plan *p, const char *text, GError **err);
static inline bool sim_plan_in_shard(const struct sim_plan *p, unsigned index)
{
	return index % p->shard_n == p->shard_k - 1;
}
unsigned sim_plan_shard_jobs(const struct sim_plan *p);

/* "SEED:JOB", both non-negative integers. */
bool sim_plan_parse_replay(const char *text, uint64_t *seed, unsigned *job,
			   GError **err);

/* Reads the value of "section.key" from cfg (NULL with *err if there is no
 * such key or it is not of type `type`): a pointer to the option's slot. */
const void *sim_plan_cfg_value(const struct sim_cfg *cfg, const char *sk,
			       enum sim_opt_type type, GError **err);

#define SIM_PLAN_ERROR (sim_plan_error_quark())
GQuark sim_plan_error_quark(void);
enum { SIM_PLAN_ERROR_INVALID };

#endif /* SIM_PLAN_H */
