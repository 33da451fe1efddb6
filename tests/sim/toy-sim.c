/* tests/sim/toy-sim.c — sim/sim's command line over the toy model, for
 * tests/cli-run.sh and bench-runner: every option, no filesystem model; the
 * report writer renders its results, which checks results.json against
 * the reader. */
#include "config.h"

#include "sim/run/cli.h"
#include "reports/report.h"
#include "tests/sim/toy-model.h"

int main(int argc, char **argv)
{
	const struct sim_cli_env env = {
		.model = &toy_model_ops,
		.report = report_render,
	};

	return sim_cli_main(&env, argc, argv);
}
