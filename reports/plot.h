/* reports/plot.h — the plot set of one render, and what every plot writer
 * shares: names, colours, the .dat/.gp file skeleton.
 *
 * Each plot is NAME.dat (data in the schema's units: ns, ops/s, counts;
 * one gnuplot data block per line drawn) and NAME.gp, a script that reads
 * only NAME.dat and writes NAME.png and NAME.svg in its own directory, so a
 * user can edit it and redraw with `cd DIR/plots && gnuplot NAME.gp`.
 * Unit conversion (ns -> µs ...) happens in the scripts, not in the data.
 */
#ifndef REPORT_PLOT_H
#define REPORT_PLOT_H

#include <glib.h>

#include "reports/fmt.h"
#include "reports/results.h"

/* Page sections, in page order. */
enum report_section {
	REPORT_SEC_VIOLATIONS,
	REPORT_SEC_LATENCY,
	REPORT_SEC_SWEEP,
	REPORT_SEC_LOCKS,
	REPORT_SEC_TIMELINE,
	REPORT_SEC_COUNT,
};

struct report_plot {
	char *name;                     /* base name in plots/ */
	char *caption;                  /* one line for index.html */
	enum report_section section;
	gboolean png, svg;              /* drawn (checked after gnuplot ran) */
};

struct report_plots {
	const struct rep_run *run;
	const char *dir;                /* where the files go */
	gboolean cairo;                 /* pngcairo (else gd's png) */
	gboolean svg;                   /* svg terminal available */
	GPtrArray *list;                /* struct report_plot *, page order */
	GHashTable *used;               /* names taken */
};

void report_plots_init(struct report_plots *p, const struct rep_run *run,
		       const char *dir, gboolean cairo, gboolean svg);
void report_plots_clear(struct report_plots *p);

/* The plot writers; each adds zero or more plots (none when there is
 * nothing to draw).  FALSE only on a write error (REPORT_ERROR_OUTPUT). */
gboolean report_plot_violations(struct report_plots *p, GError **err);
gboolean report_plot_latency(struct report_plots *p, GError **err);
gboolean report_plot_sweep(struct report_plots *p, GError **err);
gboolean report_plot_locks(struct report_plots *p, GError **err);
gboolean report_plot_timeline(struct report_plots *p, GError **err);

/* ---- for the writers ---- */

/* A new plot named from base (sanitized, made unique) plus, in a sweep, a
 * "-pN" suffix for sweep point N (1-based; point < 0: none). */
struct report_plot *report_plot_add(struct report_plots *p,
				    enum report_section sec, const char *base,
				    int point, char *caption /* taken */);

/* " — key = value" for a sweep point's titles, "" without a sweep. */
char *report_point_suffix(const struct rep_run *run, guint point);

/* Colours: strategies by their plan index, lock classes by their index in
 * run->lock_names, so a colour means the same thing in every plot. */
const char *report_strategy_color(guint i);
int report_strategy_point_type(guint i);
const char *report_class_color(guint i);

/* The script: a header comment, then a loop over the output formats whose
 * body the writer appends (indented lines, see report_gp_line), then
 * report_gp_end writes NAME.gp. */
GString *report_gp_begin(const struct report_plots *p,
			 const struct report_plot *pl, const char *what,
			 int width, int height);
void report_gp_line(GString *gp, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/* Appends `title` as a gnuplot string (see report_gp_quote). */
void report_gp_str(GString *gp, const char *text);
/* "set title TEXT" in the common title font. */
void report_gp_title(GString *gp, const char *text);
gboolean report_gp_end(const struct report_plots *p,
		       const struct report_plot *pl, GString *gp, GError **err);

/* A log-scale axis ("x" or "y") over data in [lo, hi] (> 0, already in
 * display units): the range padded by a quarter instead of widened to
 * whole decades, and 1-2-5 tics when it spans less than three decades, where
 * decade tics alone would label one or two values. */
void report_gp_log_axis(GString *gp, const char *axis, double lo, double hi);

/* ---- one line per strategy -------------------------------------------------
 * The skeleton of a figure that draws, for one sweep point, one curve per
 * strategy from that strategy's figures for one subject (an op kind's
 * latency percentiles, a lock class's wait distribution): which
 * strategies get a line, NAME.dat with one block per strategy under a
 * "# index N: STRATEGY (COUNT UNIT)" header, and NAME.gp — title, the
 * writer's axes, the key, one series per block coloured by strategy,
 * x/y in the time unit the largest time calls for.  The writer supplies
 * what differs (struct report_curve_ops); no figure when no strategy has
 * a line. */
struct report_curve_range {
	double min_ns, max_ns;          /* times drawn (ns), for the unit */
};

struct report_curve_ops {
	enum report_section section;
	const char *count_unit;         /* "ops": a block's "(N ops)" */
	const char *key;                /* the "set key ..." line */
	/* Does s get a line?  Its count (block headers, key titles). */
	gboolean (*drawn)(const struct rep_strategy *s, void *ctx);
	gint64 (*count)(const struct rep_strategy *s, void *ctx);
	/* The rows of s's block; widens *r over the times written. */
	void (*rows)(GString *dat, const struct rep_strategy *s, void *ctx,
		     struct report_curve_range *r);
	/* The axis lines after the title (times divided by u.div). */
	void (*axes)(GString *gp, void *ctx, const struct report_curve_range *r,
		     struct report_unit u);
	/* One series after "'NAME.dat' index N using ": columns and style,
	 * ending with a space before the title (div: u.div as report_num). */
	void (*series)(GString *gp, const struct rep_strategy *s,
		       const char *div, void *ctx);
};

struct report_curves {
	const struct report_curve_ops *ops;
	void *ctx;                      /* the writer's, for the ops */
	guint point;                    /* sweep point */
	const char *base;               /* plot name before "-pN" */
	const char *caption;            /* index.html line (copied) */
	const char *title;              /* the figure's title */
	const char *dat_header;         /* comment lines opening NAME.dat */
};

/* FALSE only on a write error. */
gboolean report_plot_curves(struct report_plots *p,
			    const struct report_curves *c, GError **err);

/* NAME.dat from dat (freed). */
gboolean report_dat_write(const struct report_plots *p,
			  const struct report_plot *pl, GString *dat,
			  GError **err);
/* A number as the .dat and .gp files write it (C locale, %.6g). */
const char *report_num(char buf[G_ASCII_DTOSTR_BUF_SIZE], double v);

#endif /* REPORT_PLOT_H */
