/* sim/run/main.c — composition root: the one file that sees sim/, fs/ and
 * reports/ and judge/.  The command line itself is model-neutral (sim/run/cli.c); here it
 * is given the ext4 model, the report writer and the engine demo.
 */
#include "config.h"

#include <stdio.h>

#include "sim/run/cli.h"
#include "sim/run/demo.h"
#include "sim/run/mpi.h"
#include "fs/workload/model.h"
#include "fs/workload/options.h"
#include "reports/report.h"
#include "judge/export.h"
#include "judge/kcheck.h"

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
		.model = &ext4_model_ops,
		.report = report_render,
		.demo = sim_demo_run,
		.help_config = help_config,
		.workloads_dirs = { FAULTLINE_WORKLOADS_DIR,
				    FAULTLINE_SRC_WORKLOADS_DIR },
		.image = &judge_image_ops,
		.commands = commands,
	};

	int rc;

	/* under mpirun: every rank parses the command line; only rank 0
	 * prints results (sim/run/mpi.h) */
	if (sim_mpi_init(&argc, &argv) && sim_mpi_rank() != 0 &&
	    !freopen("/dev/null", "w", stdout))
		return 1;
	rc = sim_cli_main(&env, argc, argv);
	sim_mpi_finalize();
	return rc;
}
