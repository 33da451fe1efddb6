/* reports/report.h — the report writer's public API: a run directory's
 * results.json in, plots and index.html out.
 *
 * reports/ reads the run-dir format only (docs/results-json.md); it knows
 * nothing of sim/ or fs/, so sim/run/main.c and reports/sim-report.c can both
 * call it.
 */
#ifndef REPORT_H
#define REPORT_H

#include <stdio.h>

#include <glib.h>

#define REPORT_ERROR (report_error_quark())
GQuark report_error_quark(void);

enum report_error {
	REPORT_ERROR_INPUT,   /* results.json missing, malformed, wrong schema */
	REPORT_ERROR_OUTPUT,  /* DIR not writable, disk full, ... */
	REPORT_ERROR_INTERRUPTED,  /* SIGINT or SIGTERM: DIR left as it was */
};

/*
 * Reads DIR/results.json and writes, beside it:
 *   DIR/plots/NAME.dat   data, in the schema's units (ns, ops/s, counts)
 *   DIR/plots/NAME.gp    the gnuplot script that draws NAME from NAME.dat
 *   DIR/plots/NAME.png   drawn by gnuplot (pngcairo, or png without cairo)
 *   DIR/plots/NAME.svg
 *   DIR/index.html       self-contained page: tables, plots, first violations
 *
 * Everything is written into a staging directory inside DIR first and moved
 * into place at the end (index.html by one rename), so a failure leaves DIR
 * as it was.  DIR/plots belongs to the report writer: a render replaces it.
 *
 * gnuplot is $FAULTLINE_GNUPLOT if that is set (a path or a name looked up
 * in PATH), else the one configure found, else "gnuplot" in PATH.  Without
 * it the render still succeeds: the .dat, .gp and index.html are written and
 * one warning naming the package goes to log.  Warnings from gnuplot itself
 * also go to log (NULL: discard).
 *
 * SIGINT and SIGTERM are caught for the length of the call: within a
 * fraction of a second the render stops (gnuplot is killed), the staging
 * directory is removed, DIR is left as it was, and the call fails with
 * REPORT_ERROR_INTERRUPTED (callers exit 130).  The previous handlers are
 * restored and the signal is raised again before it returns (so a caller
 * that catches it learns of it; one that does not is ended by it).
 *
 * Returns FALSE with *err set (REPORT_ERROR_*) on failure; the message is
 * one line and names the file concerned.
 */
gboolean report_render(const char *dir, FILE *log, GError **err);

#endif /* REPORT_H */
