/* reports/fmt.h — number, unit, name and quoting helpers shared by the plot
 * and page writers.
 */
#ifndef REPORT_FMT_H
#define REPORT_FMT_H

#include <glib.h>

/* A display unit for times: values in ns are divided by div. */
struct report_unit {
	const char *name;       /* "ns", "µs", "ms", "s" */
	double div;
};

/* The unit that keeps max_ns below 10^4 of it (ns up to 10 µs, then µs up
 * to 10 ms, ...), so log-scale tick labels stay short. */
struct report_unit report_time_unit(double max_ns);

/* "nines" of percentile p (0 <= p < 100): -log10(1 - p/100); 90% -> 1,
 * 99% -> 2, 99.9% -> 3. */
double report_nines(double p);

/* ns as text with three significant digits and an adapted unit:
 * "870 ns", "12.3 µs", "4.56 ms", "1.20 s"; "–" for NaN. */
char *report_fmt_ns(double ns);
/* An integer with thin-space thousands separators ("1 234 567"). */
char *report_fmt_count(gint64 n);
/* A rate or other real with three significant digits, grouped ("12 300",
 * "45.6", "0.123"); "–" for NaN. */
char *report_fmt_real(double v);

/* Appends text as a gnuplot single-quoted string: '' stands for ', and
 * control characters become spaces (a newline would end the command). */
void report_gp_quote(GString *out, const char *text);

/* The same for a tic label of `set xtics ("label" pos)`, which gnuplot
 * reads as a format: '%' doubled. */
void report_gp_tic_label(GString *out, const char *text);

/* A file-name-safe form of name: [A-Za-z0-9._-] kept, anything else '_'. */
char *report_sanitize(const char *name);

/* name for a shell command line: unchanged when it holds only safe
 * characters, else single-quoted. */
char *report_shell_word(const char *name);

#endif /* REPORT_FMT_H */
