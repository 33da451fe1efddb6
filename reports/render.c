/* reports/render.c — report_render(): load results.json, write the plot
 * data and scripts, run gnuplot, write index.html, then move it all into
 * place.
 *
 * Staging: everything is written under DIR/.report-XXXXXX first.  Only
 * when all of it is written does the commit run: the old DIR/plots moves
 * into the staging directory, the new plots/ takes its place, index.html
 * is renamed over the old one (one atomic rename), and the staging
 * directory with the old plots is removed.  A failure before the commit
 * leaves DIR as it was; a failed commit step undoes the earlier ones.
 * results.json is read completely and checked before anything is created,
 * so a bad input leaves no trace at all.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <string.h>

#include <glib/gstdio.h>

#include "reports/gnuplot.h"
#include "reports/html.h"
#include "reports/plot.h"
#include "reports/report.h"
#include "reports/results.h"

/* ---- SIGINT and SIGTERM ---------------------------------------------------------
 * Caught for the length of a render: the flag is read between steps and
 * while gnuplot runs (gnuplot.c), and the render unwinds as on any other
 * failure, removing its staging directory.  Then the signal is raised
 * again under the caller's handlers. */
static volatile sig_atomic_t interrupted;   /* the signal, 0: none */

static void on_signal(int sig)
{
	interrupted = sig;
}

gboolean report_interrupted(void)
{
	return interrupted != 0;
}

struct saved_signals {
	struct sigaction intr, term;
};

static void catch_signals(struct saved_signals *old)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	interrupted = 0;
	sigaction(SIGINT, &sa, &old->intr);
	sigaction(SIGTERM, &sa, &old->term);
}

static void restore_signals(const struct saved_signals *old)
{
	sigaction(SIGINT, &old->intr, NULL);
	sigaction(SIGTERM, &old->term, NULL);
}

static gboolean check_interrupt(const char *dir, GError **err)
{
	if (!interrupted)
		return TRUE;
	if (err && !*err)
		g_set_error(err, REPORT_ERROR, REPORT_ERROR_INTERRUPTED,
			    "%s: interrupted; the report was left as it was", dir);
	return FALSE;
}

static const char *prgname(void)
{
	return g_get_prgname() ? g_get_prgname() : "sim-report";
}

static gboolean output_error(GError **err, const char *path, const char *what,
			     int errsv)
{
	g_set_error(err, REPORT_ERROR, REPORT_ERROR_OUTPUT, "%s: %s: %s",
		    path, what, g_strerror(errsv));
	return FALSE;
}

/* Removes path and, if it is a directory (not a link to one), everything
 * under it.  Used on the staging directory only. */
static void remove_tree(const char *path)
{
	GStatBuf st;
	GDir *d;
	const char *name;

	if (g_lstat(path, &st) != 0)
		return;
	if (S_ISDIR(st.st_mode) && (d = g_dir_open(path, 0, NULL))) {
		while ((name = g_dir_read_name(d))) {
			char *sub = g_build_filename(path, name, NULL);

			remove_tree(sub);
			g_free(sub);
		}
		g_dir_close(d);
		g_rmdir(path);
	} else {
		g_unlink(path);
	}
}

static gboolean file_nonempty(const char *dir, const char *name, const char *ext)
{
	char *base = g_strconcat(name, ext, NULL);
	char *path = g_build_filename(dir, base, NULL);
	GStatBuf st;
	gboolean ok = g_stat(path, &st) == 0 && st.st_size > 0;

	g_free(path);
	g_free(base);
	return ok;
}

static void draw(struct report_plots *plots, const struct report_gnuplot *gp,
		 FILE *log)
{
	GPtrArray *scripts = g_ptr_array_new_with_free_func(g_free);
	guint i;

	for (i = 0; i < plots->list->len; i++)
		g_ptr_array_add(scripts, g_strconcat(
			((struct report_plot *)plots->list->pdata[i])->name, ".gp", NULL));
	report_gnuplot_run(gp, plots->dir, scripts, log);
	g_ptr_array_unref(scripts);
	for (i = 0; i < plots->list->len; i++) {
		struct report_plot *pl = plots->list->pdata[i];

		pl->png = file_nonempty(plots->dir, pl->name, ".png");
		pl->svg = file_nonempty(plots->dir, pl->name, ".svg");
	}
}

/* Moves stage/plots and stage/index.html into dir (see the top comment). */
static gboolean commit(const char *dir, const char *stage, GError **err)
{
	char *new_plots = g_build_filename(stage, "plots", NULL);
	char *old_plots = g_build_filename(stage, "old-plots", NULL);
	char *plots = g_build_filename(dir, "plots", NULL);
	char *new_index = g_build_filename(stage, "index.html", NULL);
	char *index = g_build_filename(dir, "index.html", NULL);
	gboolean had_old = FALSE, ok = FALSE;
	GStatBuf st;

	if (g_lstat(plots, &st) == 0) {
		if (g_rename(plots, old_plots) != 0) {
			output_error(err, plots, "cannot move the old plots aside", errno);
			goto out;
		}
		had_old = TRUE;
	}
	if (g_rename(new_plots, plots) != 0) {
		output_error(err, plots, "cannot move the new plots into place", errno);
		goto undo_old;
	}
	if (g_rename(new_index, index) != 0) {
		output_error(err, index, "cannot rename into place", errno);
		g_rename(plots, new_plots);
		goto undo_old;
	}
	ok = TRUE;
	goto out;
undo_old:
	if (had_old)
		g_rename(old_plots, plots);
out:
	g_free(new_plots);
	g_free(old_plots);
	g_free(plots);
	g_free(new_index);
	g_free(index);
	return ok;
}

static gboolean render(const char *dir, FILE *log, GError **err);

gboolean report_render(const char *dir, FILE *log, GError **err)
{
	struct saved_signals old;
	gboolean ok;

	catch_signals(&old);
	ok = render(dir, log, err);
	if (interrupted && err && *err &&
	    (*err)->code != REPORT_ERROR_INTERRUPTED) {
		/* what failed, failed because of the interrupt */
		g_clear_error(err);
		ok = FALSE;
	}
	if (interrupted)
		ok = check_interrupt(dir, err) && ok;
	restore_signals(&old);
	/* passed on: the caller's handler (or default action) sees it too */
	if (interrupted)
		raise(interrupted);
	return ok;
}

static gboolean render(const char *dir, FILE *log, GError **err)
{
	char *json = g_build_filename(dir, "results.json", NULL);
	char *stage = NULL, *stage_plots = NULL, *stage_index = NULL;
	struct report_gnuplot gp;
	struct report_plots plots;
	struct rep_run *run;
	gboolean ok = FALSE;

	run = rep_run_load(json, err);
	g_free(json);
	if (!run)
		return FALSE;
	report_gnuplot_find(&gp);

	stage = g_build_filename(dir, ".report-XXXXXX", NULL);
	if (!g_mkdtemp(stage)) {
		output_error(err, dir, "cannot create a staging directory", errno);
		g_clear_pointer(&stage, g_free);
		goto out;
	}
	stage_plots = g_build_filename(stage, "plots", NULL);
	stage_index = g_build_filename(stage, "index.html", NULL);
	if (g_mkdir(stage_plots, 0777) != 0) {
		output_error(err, stage_plots, "cannot create", errno);
		goto out;
	}

	/* Without gnuplot the scripts still target pngcairo and svg: they
	 * are for the machine where gnuplot will be installed. */
	report_plots_init(&plots, run, stage_plots, gp.path ? gp.cairo : TRUE,
			  gp.path ? gp.svg : TRUE);
	ok = report_plot_violations(&plots, err) && check_interrupt(dir, err) &&
	     report_plot_latency(&plots, err) && check_interrupt(dir, err) &&
	     report_plot_sweep(&plots, err) && check_interrupt(dir, err) &&
	     report_plot_locks(&plots, err) && check_interrupt(dir, err) &&
	     report_plot_timeline(&plots, err) && check_interrupt(dir, err);
	if (ok) {
		draw(&plots, &gp, log);
		ok = check_interrupt(dir, err) &&
		     report_html_write(run, &plots, gp.path != NULL, stage_index, err) &&
		     check_interrupt(dir, err) && commit(dir, stage, err);
	}
	report_plots_clear(&plots);
	if (ok && !gp.path && log)
		fprintf(log, "%s: gnuplot not found: install it with 'apt-get install "
			"gnuplot-nox'; data and scripts were written to %s/plots\n",
			prgname(), dir);
out:
	if (stage)
		remove_tree(stage);
	g_free(stage);
	g_free(stage_plots);
	g_free(stage_index);
	report_gnuplot_clear(&gp);
	rep_run_free(run);
	return ok;
}
