/* sim/main.c — composition root: the one file that sees sim/, fs/ and
 * reports/.  The command line itself is model-neutral (sim/cli.c); here it
 * is given the ext4 model, the report writer and the engine demo.
 */
#include "config.h"

#include <stdio.h>

#include "sim/cli.h"
#include "sim/demo.h"
#include "fs/options.h"
#include "reports/report.h"
#include "judge/kcheck.h"

/* >>> WIRING (one line): the ext4 model's ops come from fs/model.h (branch
 * "workload").  Until that header is merged, a stand-in with the real
 * workload schema lets every option be checked, and running says why it
 * cannot. */
#if __has_include("fs/model.h")
#include "fs/model.h"
#define FAULTLINE_MODEL ext4_model_ops
#else
#define FAULTLINE_MODEL fs_standin_ops
#define FAULTLINE_STANDIN 1
#endif

#ifdef FAULTLINE_STANDIN
static const char *const standin_kinds[] = {
	"stale_mapping", "foreign_write", "stale_read", "lost_write",
	"deadlock", "lock_order", "fsck", NULL,
};

static void *standin_create(struct sim_world *w, const struct sim_cfg *cfg,
			    const char *strategy, const struct sim_job_id *id,
			    GError **err)
{
	g_set_error(err, SIM_CFG_ERROR, SIM_CFG_ERROR_INVALID,
		    "%s is valid, but this build has no ext4 model to run it "
		    "(fs/model.h not merged yet; use --dump-config to see it "
		    "resolved)", cfg->file);
	return NULL;
}

static const struct sim_model_ops fs_standin_ops = {
	.name = "ext4 (not built)",
	.schema = &fs_schema,
	.strategies = fs_strategy_names,
	.kinds = standin_kinds,
	.strategies_key = "global.strategies",
	.replicas_key = "global.replicas",
	.seed_key = "global.seed",
	.duration_key = "global.duration",
	.create = standin_create,
};
#endif

#ifndef FAULTLINE_WORKLOADS_DIR
#define FAULTLINE_WORKLOADS_DIR NULL
#endif
#ifndef FAULTLINE_SRC_WORKLOADS_DIR
#define FAULTLINE_SRC_WORKLOADS_DIR NULL
#endif

static void help_config(FILE *out)
{
	fs_options_print_help(out);
}

static const struct sim_cli_command commands[] = {
	{ "kcheck", "kcheck LOG.fsxops...", "replay fsx logs on the real kernel "
	  "and in the model, compare", judge_kcheck_main },
	{ NULL },
};

int main(int argc, char **argv)
{
	const struct sim_cli_env env = {
		.model = &FAULTLINE_MODEL,
		.report = report_render,
		.demo = sim_demo_run,
		.help_config = help_config,
		.workloads_dirs = { FAULTLINE_WORKLOADS_DIR,
				    FAULTLINE_SRC_WORKLOADS_DIR },
		.commands = commands,
	};

	return sim_cli_main(&env, argc, argv);
}
