/* reports/fmt.c — number, unit, name and quoting helpers (see fmt.h).
 *
 * Numbers are formatted with g_ascii_* so the page and the gnuplot scripts
 * read the same in every locale.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "reports/fmt.h"

struct report_unit report_time_unit(double max_ns)
{
	static const struct report_unit units[] = {
		{ "ns", 1 }, { "µs", 1e3 }, { "ms", 1e6 }, { "s", 1e9 },
	};
	guint i;

	for (i = 0; i + 1 < G_N_ELEMENTS(units); i++)
		if (!(max_ns >= 1e4 * units[i].div))
			break;
	return units[i];
}

double report_nines(double p)
{
	return p > 0 ? -log10(1.0 - p / 100.0) : 0;    /* not -0 */
}

/* Three significant digits, C locale. */
static char *sig3(double v)
{
	char buf[G_ASCII_DTOSTR_BUF_SIZE];
	double a = fabs(v);
	int decimals = a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : 3;

	return g_strdup(g_ascii_formatd(buf, sizeof(buf),
					decimals == 0 ? "%.0f" : decimals == 1 ? "%.1f" :
					decimals == 2 ? "%.2f" : "%.3f", v));
}

char *report_fmt_ns(double ns)
{
	struct report_unit u;
	char *num, *out;

	if (isnan(ns))
		return g_strdup("–");
	/* Here the unit keeps the number below 1000 (a table wants "1.23 ms",
	 * not "1230 µs"). */
	u = fabs(ns) < 1e3 ? (struct report_unit){ "ns", 1 } :
	    fabs(ns) < 1e6 ? (struct report_unit){ "µs", 1e3 } :
	    fabs(ns) < 1e9 ? (struct report_unit){ "ms", 1e6 } :
			     (struct report_unit){ "s", 1e9 };
	num = u.div == 1 ? g_strdup_printf("%.0f", ns) : sig3(ns / u.div);
	out = g_strdup_printf("%s %s", num, u.name);
	g_free(num);
	return out;
}

/* Groups the digits of an integer string in threes (U+2009 thin space). */
static char *group(const char *digits)
{
	GString *s = g_string_new(NULL);
	size_t i, n;

	if (*digits == '-')
		g_string_append_c(s, *digits++);
	n = strlen(digits);
	for (i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0)
			g_string_append(s, "\u2009");
		g_string_append_c(s, digits[i]);
	}
	return g_string_free(s, FALSE);
}

char *report_fmt_count(gint64 n)
{
	char *d = g_strdup_printf("%" G_GINT64_FORMAT, n);
	char *out = group(d);

	g_free(d);
	return out;
}

char *report_fmt_real(double v)
{
	char *s, *out;

	if (isnan(v))
		return g_strdup("–");
	if (fabs(v) >= 1000) {
		/* three significant digits, then grouped: 12345 -> "12 300" */
		double mag = pow(10, floor(log10(fabs(v))) - 2);

		s = g_strdup_printf("%.0f", round(v / mag) * mag);
		out = group(s);
		g_free(s);
		return out;
	}
	return sig3(v);
}

static void gp_quote(GString *out, const char *text, gboolean label)
{
	const char *p;

	g_string_append_c(out, '\'');
	for (p = text ? text : ""; *p; p++) {
		if (*p == '\'')
			g_string_append(out, "''");
		else if (*p == '%' && label)
			g_string_append(out, "%%");
		else if ((unsigned char)*p < 0x20 || *p == 0x7f)
			g_string_append_c(out, ' ');
		else
			g_string_append_c(out, *p);
	}
	g_string_append_c(out, '\'');
}

void report_gp_quote(GString *out, const char *text)
{
	gp_quote(out, text, FALSE);
}

void report_gp_tic_label(GString *out, const char *text)
{
	gp_quote(out, text, TRUE);
}

char *report_sanitize(const char *name)
{
	char *s = g_strdup(name && *name ? name : "_");
	char *p;

	for (p = s; *p; p++)
		if (!g_ascii_isalnum(*p) && *p != '.' && *p != '_' && *p != '-')
			*p = '_';
	if (s[0] == '.' || s[0] == '-')
		s[0] = '_';     /* no hidden files, no option-like names */
	return s;
}

char *report_shell_word(const char *name)
{
	const char *p;

	if (!name || !*name)
		return g_strdup("''");
	for (p = name; *p; p++)
		if (!g_ascii_isalnum(*p) && !strchr("_./-+=:,@%", *p))
			return g_shell_quote(name);
	return g_strdup(name);
}
