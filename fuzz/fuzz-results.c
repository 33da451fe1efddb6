/* fuzz/fuzz-results.c — libFuzzer target: the report writer's reader of
 * results.json (reports/results.c and reports/validate.c), as `sim
 * report DIR` loads it.  Damage is refused with one line; an accepted
 * file must be readable by every plot writer (the .dat and .gp text is
 * built, gnuplot is not run). */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz/input.h"
#include "reports/report.h"
#include "reports/results.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	GError *err = NULL;
	struct rep_run *run;
	const char *path;

	if (size > 1 << 20)
		return 0;
	path = fuzz_input_file("results", data, size);
	run = rep_run_load(path, &err);
	if (run) {
		rep_run_free(run);
	} else {
		if (!err || strchr(err->message, '\n'))
			abort();
		g_clear_error(&err);
	}
	return 0;
}
