/* reports/gnuplot.h — finding gnuplot, asking it what it can draw, and
 * running the plot scripts.
 */
#ifndef REPORT_GNUPLOT_H
#define REPORT_GNUPLOT_H

#include <stdio.h>

#include <glib.h>

struct report_gnuplot {
	char *path;             /* NULL: not found */
	gboolean cairo;         /* has pngcairo (else gd's png) */
	gboolean svg;           /* has svg */
};

/* $FAULTLINE_GNUPLOT when set (a path, or a name looked up in PATH; set
 * but not runnable means "no gnuplot", which is how tests simulate its
 * absence), else the gnuplot configure found, else "gnuplot" in PATH. */
void report_gnuplot_find(struct report_gnuplot *gp);
void report_gnuplot_clear(struct report_gnuplot *gp);

/* Runs the scripts (names relative to dir) with dir as working directory.
 * Everything gnuplot prints (warnings, errors) goes to log, one line each,
 * prefixed with the program name.  A script that fails does not stop the
 * others; the caller checks which outputs exist. */
/* True once SIGINT or SIGTERM arrived during report_render (render.c). */
gboolean report_interrupted(void);

void report_gnuplot_run(const struct report_gnuplot *gp, const char *dir,
			GPtrArray *scripts, FILE *log);

#endif /* REPORT_GNUPLOT_H */
