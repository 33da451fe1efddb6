/* tests/reports/report-fixture.c — writes the tests' synthetic
 * DIR/results.json, to look at a rendered report by hand:
 *     tests/reports/report-fixture /tmp/r [--sweep] && reports/sim-report /tmp/r
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "tests/reports/fixture.h"

int main(int argc, char **argv)
{
	char *path;

	if (argc < 2 || argc > 3 || (argc == 3 && strcmp(argv[2], "--sweep") != 0)) {
		fprintf(stderr, "usage: report-fixture DIR [--sweep]\n");
		return 2;
	}
	g_mkdir_with_parents(argv[1], 0777);
	path = g_build_filename(argv[1], "results.json", NULL);
	report_fixture_write(path, argc == 3);
	g_free(path);
	return 0;
}
