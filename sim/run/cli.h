/* sim/run/cli.h — the command line of sim/sim, model-neutral: sim/run/main.c
 * composes it with the ext4 model and the report writer, and the tests
 * compose it with a toy model (tests/sim/toy-sim.c), so every option is
 * tested without the filesystem model.
 *
 *	sim [options] FILE.cfg      run a workload
 *	sim merge OUT.json SHARD... combine --shard outputs
 *	sim report DIR              render DIR/results.json again
 *
 * Every user-facing error is one line on stderr and exit status 2.  A run
 * stopped by SIGINT still writes its outputs (marked interrupted) and
 * exits with 130.
 */
#ifndef SIM_CLI_H
#define SIM_CLI_H

#include <stdio.h>

#include <glib.h>

#include "sim/engine/model.h"
#include "sim/run/plan.h"
#include "sim/run/runner.h"

/* --image DIR: an outside judge of every job's final disk (judge/). */
struct sim_cli_image {
	/* The runner's export_job (sim/run/runner.h), ctx = DIR. */
	void (*export_job)(void *ctx, const struct sim_plan *plan,
			   unsigned index, void *model, struct sim_world *w,
			   struct sim_job_rec *rec);
	/* After the run: checks every exported image and adds the verdicts
	 * to the jobs' records (rec->judge, and a violation kind).  log:
	 * progress and "cannot mount here" notes (NULL: quiet).  false: the
	 * checks could not run at all (*err). */
	bool (*check)(const char *dir, const struct sim_plan *plan,
		      struct sim_run *run, FILE *log, GError **err);
};

/* A subcommand the composition adds (sim kcheck ...). */
struct sim_cli_command {
	const char *name;
	const char *synopsis;       /* "kcheck LOG.fsxops...", for --help */
	const char *summary;        /* one line, for --help */
	int (*main)(int argc, char **argv);   /* argv[0] is the name */
};

struct sim_cli_env {
	const struct sim_model_ops *model;
	/* Renders a run directory (reports/report.h report_render); NULL:
	 * --report only writes DIR/results.json. */
	gboolean (*report)(const char *dir, FILE *log, GError **err);
	/* --demo (the engine self-demo); NULL: no such option. */
	int (*demo)(FILE *out, uint64_t seed);
	/* --help-config; NULL: sim_option_print_help on the model's schema. */
	void (*help_config)(FILE *out);
	/* Where FILE.cfg is looked for when it is not found as given (relative
	 * paths only; a leading "workloads/" is dropped there too): the
	 * installed and the source workloads/ directories.  May be NULL. */
	const char *workloads_dirs[3];
	/* --image; NULL: no such option. */
	const struct sim_cli_image *image;
	/* Further subcommands, ended by a NULL name; may be NULL. */
	const struct sim_cli_command *commands;
};

int sim_cli_main(const struct sim_cli_env *env, int argc, char **argv);

#endif /* SIM_CLI_H */
