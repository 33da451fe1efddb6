/* reports/html.h — index.html: the page (html.c) and its tables
 * (html-tables.c).
 *
 * The page is self-contained (inline CSS, no scripts, no external
 * resources) and well-formed XML, so a test can parse it; every piece of
 * text from results.json goes through g_markup_escape_text.
 */
#ifndef REPORT_HTML_H
#define REPORT_HTML_H

#include <glib.h>

#include "reports/plot.h"
#include "reports/results.h"

/* Writes the page to path (a temporary name; the caller renames it).
 * have_gnuplot: FALSE explains that plots are missing and how to get them. */
gboolean report_html_write(const struct rep_run *run,
			   const struct report_plots *plots,
			   gboolean have_gnuplot, const char *path,
			   GError **err);

/* ---- shared by html.c and html-tables.c ---- */

/* Appends printf output, escaping every string argument (never pass
 * markup through %s). */
void html_printf(GString *h, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/* Appends text escaped. */
void html_text(GString *h, const char *text);
/* Appends s escaped and frees it (for report_fmt_* results). */
void html_take(GString *h, char *s);

/* The baseline strategy's name: the comparisons' baseline, else the first
 * strategy of the plan. */
const char *html_baseline(const struct rep_run *run);

void html_comparison(GString *h, const struct rep_run *run);
void html_strategy_tables(GString *h, const struct rep_run *run,
			  const struct rep_strategy *s);
/* "name" or "name (key = value)". */
char *html_strategy_label(const struct rep_run *run, const struct rep_strategy *s);
/* The anchor of a strategies[] entry's section. */
char *html_strategy_id(const struct rep_run *run, const struct rep_strategy *s);

#endif /* REPORT_HTML_H */
