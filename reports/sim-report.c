/* reports/sim-report.c — `sim-report DIR`: (re)renders DIR's report from
 * DIR/results.json (what `sim/sim report DIR` does too).
 *
 * Exit status: 0 rendered (also without gnuplot: then a warning says how to
 * get it, and the page has tables but no images); 2 on any error (bad
 * usage, results.json missing, malformed or of another schema, DIR not
 * writable), with one line on stderr naming the file; 130 after SIGINT or
 * SIGTERM (DIR left as it was, no staging directory left behind).
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "reports/report.h"

static gboolean opt_version;
static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
	got_signal = sig;
}

static const GOptionEntry entries[] = {
	{ "version", 'V', 0, G_OPTION_ARG_NONE, &opt_version,
	  "Print the version and exit", NULL },
	{ NULL },
};

int main(int argc, char **argv)
{
	GOptionContext *ctx;
	GError *err = NULL;
	int rc = 0;

	g_set_prgname("sim-report");
	ctx = g_option_context_new("DIR");
	g_option_context_set_summary(ctx,
		"Render DIR/results.json (written by `sim/sim --report DIR` or\n"
		"`sim/sim -o DIR/results.json`) as DIR/index.html with plots in DIR/plots.");
	g_option_context_set_description(ctx,
		"gnuplot draws the plots: $FAULTLINE_GNUPLOT if set, else the one found by\n"
		"configure, else gnuplot in PATH.  Without it the data (.dat), the gnuplot\n"
		"scripts (.gp) and index.html are still written.");
	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &err)) {
		fprintf(stderr, "sim-report: %s (see sim-report --help)\n", err->message);
		rc = 2;
		goto out;
	}
	if (opt_version) {
		printf("sim-report (faultline) %s\n", PACKAGE_VERSION);
		goto out;
	}
	if (argc != 2) {
		fprintf(stderr, "sim-report: %s (see sim-report --help)\n",
			argc < 2 ? "no run directory given" : "more than one run directory given");
		rc = 2;
		goto out;
	}
	{
		struct sigaction sa;

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_signal;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
	}
	if (!report_render(argv[1], stderr, &err)) {
		fprintf(stderr, "sim-report: %s\n", err ? err->message : "interrupted");
		rc = got_signal ? 130 : 2;
	}
out:
	g_clear_error(&err);
	g_option_context_free(ctx);
	return rc;
}
