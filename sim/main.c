/* sim/main.c — composition root: the one file that sees both sim/ and fs/.
 *
 * Parses the command line (GOptionContext), and dispatches.  User-facing
 * errors are printed once, here, as one line, with exit status 2.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "sim/sim.h"

static gboolean opt_version;
static gboolean opt_help_config;
static gboolean opt_demo;
static gint64 opt_seed = 1;

static const GOptionEntry entries[] = {
	{ "version", 'V', 0, G_OPTION_ARG_NONE, &opt_version,
	  "Print the version and exit", NULL },
	{ "help-config", 0, 0, G_OPTION_ARG_NONE, &opt_help_config,
	  "Print every workload-file key (type, default, range, help) and exit", NULL },
	{ "demo", 0, 0, G_OPTION_ARG_NONE, &opt_demo,
	  "Run the engine self-demo (M/M/1//N queue vs closed form) and exit", NULL },
	{ "seed", 0, 0, G_OPTION_ARG_INT64, &opt_seed,
	  "Run seed (default 1)", "N" },
	{ NULL },
};

static int usage_error(const char *msg)
{
	fprintf(stderr, "sim: %s (see sim --help)\n", msg);
	return 2;
}

int main(int argc, char **argv)
{
	GOptionContext *ctx = g_option_context_new("[FILE.cfg]");
	GError *err = NULL;
	int rc = 0;

	g_option_context_set_summary(ctx,
		"faultline: simulate page faults and ext4 operations under a locking\n"
		"strategy and report correctness violations and lock contention.");
	g_option_context_set_description(ctx,
		"Workload files are fio-like INI files; see --help-config for every key.\n"
		"The program is sim/sim in the build tree and sim once installed.");
	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &err)) {
		rc = usage_error(err->message);
		g_error_free(err);
		goto out;
	}
	if (opt_version) {
		printf("sim (faultline) %s\n", PACKAGE_VERSION);
		goto out;
	}
	if (opt_help_config || opt_demo) {
		fprintf(stderr, "sim: not available in this build yet\n");
		rc = 1;
		goto out;
	}
	if (argc != 2) {
		rc = usage_error(argc < 2 ? "no workload file given"
					  : "more than one workload file given");
		goto out;
	}
	rc = usage_error("running workload files is not available in this build yet");
out:
	g_option_context_free(ctx);
	return rc;
}
