/* reports/plot.c — the plot set: names, colours and the script skeleton
 * shared by the plot writers (see plot.h).
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include "reports/fmt.h"
#include "reports/plot.h"
#include "reports/report.h"

static void plot_free(gpointer data)
{
	struct report_plot *pl = data;

	g_free(pl->name);
	g_free(pl->caption);
	g_free(pl);
}

void report_plots_init(struct report_plots *p, const struct rep_run *run,
		       const char *dir, gboolean cairo, gboolean svg)
{
	p->run = run;
	p->dir = dir;
	p->cairo = cairo;
	p->svg = svg;
	p->list = g_ptr_array_new_with_free_func(plot_free);
	p->used = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
}

void report_plots_clear(struct report_plots *p)
{
	g_ptr_array_unref(p->list);
	g_hash_table_unref(p->used);
}

struct report_plot *report_plot_add(struct report_plots *p,
				    enum report_section sec, const char *base,
				    int point, char *caption)
{
	struct report_plot *pl = g_new0(struct report_plot, 1);
	char *clean = report_sanitize(base);
	char *name = point >= 0 && p->run->sweep_key ?
		g_strdup_printf("%s-p%d", clean, point + 1) : g_strdup(clean);
	guint n = 2;

	/* Two names may sanitize alike ("a b", "a_b"): number the later. */
	pl->name = g_strdup(name);
	while (g_hash_table_contains(p->used, pl->name)) {
		g_free(pl->name);
		pl->name = g_strdup_printf("%s-%u", name, n++);
	}
	g_hash_table_add(p->used, g_strdup(pl->name));
	pl->caption = caption;
	pl->section = sec;
	g_ptr_array_add(p->list, pl);
	g_free(clean);
	g_free(name);
	return pl;
}

char *report_point_suffix(const struct rep_run *run, guint point)
{
	const struct rep_point *pt = run->points->pdata[point];

	if (!run->sweep_key || !pt->value)
		return g_strdup("");
	return g_strdup_printf(" — %s = %s", run->sweep_key, pt->value);
}

/* Okabe–Ito: distinguishable with the common colour-vision deficiencies
 * (its yellow is left out: unreadable on white). */
static const char *const strategy_colors[] = {
	"#0072B2", "#D55E00", "#009E73", "#CC79A7",
	"#E69F00", "#56B4E9", "#000000", "#999999",
};

const char *report_strategy_color(guint i)
{
	return strategy_colors[i % G_N_ELEMENTS(strategy_colors)];
}

/* Point types as a second cue for print and for colour-blind readers:
 * filled circle, square, triangle, diamond, ... */
int report_strategy_point_type(guint i)
{
	static const int types[] = { 7, 5, 9, 13, 11, 15, 6, 4 };

	return types[i % G_N_ELEMENTS(types)];
}

/* Tableau 10, for lock classes. */
static const char *const class_colors[] = {
	"#4E79A7", "#F28E2B", "#E15759", "#76B7B2", "#59A14F",
	"#EDC948", "#B07AA1", "#FF9DA7", "#9C755F", "#BAB0AC",
};

const char *report_class_color(guint i)
{
	return class_colors[i % G_N_ELEMENTS(class_colors)];
}

const char *report_num(char buf[G_ASCII_DTOSTR_BUF_SIZE], double v)
{
	return g_ascii_formatd(buf, G_ASCII_DTOSTR_BUF_SIZE, "%.6g", v);
}

GString *report_gp_begin(const struct report_plots *p,
			 const struct report_plot *pl, const char *what,
			 int width, int height)
{
	GString *gp = g_string_new(NULL);
	char *about = g_strdup(what);
	char *c;

	for (c = about; *c; c++)     /* keep the comment on its line */
		if ((unsigned char)*c < 0x20)
			*c = ' ';
	g_string_append_printf(gp,
		"# %s.gp — %s\n"
		"# Written by faultline's report writer from ../results.json; data in %s.dat\n"
		"# (times in ns, as in results.json).  Redraw after editing with:\n"
		"#     cd plots && gnuplot %s.gp\n"
		"reset\n"
		"set encoding utf8\n"
		"set datafile missing '?'\n"
		"do for [fmt in '%s'] {\n"
		"    if (fmt eq 'png') {\n"
		"        set terminal %s size %d,%d noenhanced font 'sans,10'%s\n"
		"    } else {\n"
		"        set terminal svg size %d,%d noenhanced font 'sans,10' background rgb 'white'\n"
		"    }\n"
		"    set output '%s.'.fmt\n",
		pl->name, about, pl->name, pl->name,
		p->svg ? "png svg" : "png",
		p->cairo ? "pngcairo" : "png", width, height,
		p->cairo ? "" : " background rgb 'white'",
		width, height, pl->name);
	g_free(about);
	/* Shared look: light grid behind the data, key in a box with the
	 * samples first (gnuplot underestimates text width, so some slack). */
	report_gp_line(gp, "set border lw 1");
	report_gp_line(gp, "set grid back lt 1 lc rgb '#dddddd' lw 1");
	report_gp_line(gp, "set key box opaque samplen 3 width 3 spacing 1.15 Left reverse");
	return gp;
}

void report_gp_line(GString *gp, const char *fmt, ...)
{
	va_list ap;

	g_string_append(gp, "    ");
	va_start(ap, fmt);
	g_string_append_vprintf(gp, fmt, ap);
	va_end(ap);
	g_string_append_c(gp, '\n');
}

void report_gp_str(GString *gp, const char *text)
{
	report_gp_quote(gp, text);
}

void report_gp_title(GString *gp, const char *text)
{
	g_string_append(gp, "    set title ");
	report_gp_quote(gp, text);
	g_string_append(gp, " font ',12'\n");
}

void report_gp_log_axis(GString *gp, const char *axis, double lo, double hi)
{
	char b1[G_ASCII_DTOSTR_BUF_SIZE], b2[G_ASCII_DTOSTR_BUF_SIZE];
	double a, b, dec;

	if (!(lo > 0) || !(hi >= lo))
		lo = hi = 1;
	a = lo / 1.25;
	b = hi * 1.25;
	report_gp_line(gp, "set logscale %s", axis);
	report_gp_line(gp, "set %srange [%s:%s]", axis, report_num(b1, a), report_num(b2, b));
	report_gp_line(gp, "set format %s '%%g'", axis);
	report_gp_line(gp, "set m%stics 10", axis);
	if (b / a >= 1000) {
		report_gp_line(gp, "set %stics autofreq", axis);
		return;
	}
	g_string_append_printf(gp, "    set %stics (", axis);
	for (dec = pow(10, floor(log10(a))); dec <= b; dec *= 10) {
		static const double steps[] = { 1, 2, 5 };
		guint i;

		for (i = 0; i < G_N_ELEMENTS(steps); i++)
			if (steps[i] * dec >= a && steps[i] * dec <= b)
				g_string_append_printf(gp, "%s%s",
						       gp->str[gp->len - 1] == '(' ? "" : ", ",
						       report_num(b1, steps[i] * dec));
	}
	g_string_append(gp, ")\n");
}

static gboolean write_file(const char *dir, const char *name, const char *ext,
			   GString *text, GError **err)
{
	char *base = g_strconcat(name, ext, NULL);
	char *path = g_build_filename(dir, base, NULL);
	GError *e = NULL;
	gboolean ok = g_file_set_contents(path, text->str, (gssize)text->len, &e);

	if (!ok) {
		g_set_error_literal(err, REPORT_ERROR, REPORT_ERROR_OUTPUT, e->message);
		g_error_free(e);
	}
	g_free(path);
	g_free(base);
	return ok;
}

gboolean report_gp_end(const struct report_plots *p,
		       const struct report_plot *pl, GString *gp, GError **err)
{
	gboolean ok;

	g_string_append(gp, "    set output\n}\n");
	ok = write_file(p->dir, pl->name, ".gp", gp, err);
	g_string_free(gp, TRUE);
	return ok;
}

gboolean report_dat_write(const struct report_plots *p,
			  const struct report_plot *pl, GString *dat,
			  GError **err)
{
	gboolean ok = write_file(p->dir, pl->name, ".dat", dat, err);

	g_string_free(dat, TRUE);
	return ok;
}
