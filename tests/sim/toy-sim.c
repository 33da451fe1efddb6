/* tests/sim/toy-sim.c — sim/sim's command line over the toy model, for
 * tests/cli-run.sh and bench-runner: every option, no filesystem model. */
#include "config.h"

#include "sim/cli.h"
#include "tests/sim/toy-model.h"

int main(int argc, char **argv)
{
	const struct sim_cli_env env = { .model = &toy_model_ops };

	return sim_cli_main(&env, argc, argv);
}
