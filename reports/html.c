/* reports/html.c — index.html: run header, comparison, plots, the explained
 * first violations with their replay commands, per-strategy tables, the
 * resolved config.
 *
 * Self-contained: inline CSS, no scripts, no external resources; images
 * are plots/NAME.png beside it, each linking to its SVG, script and data.
 * Written as well-formed XML (every element closed, only XML's own
 * entities) so it can be checked by a parser.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "reports/fmt.h"
#include "reports/html.h"
#include "reports/report.h"

static const char css[] =
	"body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;color:#222;"
	"margin:1.5em auto;max-width:1400px;padding:0 1.5em}\n"
	"h1{font-size:1.55em;margin-bottom:.2em}h2{font-size:1.25em;border-bottom:1px solid #ccc;"
	"padding-bottom:.2em;margin-top:2.2em}h3{font-size:1.1em;margin-top:1.8em}\n"
	"table{border-collapse:collapse;margin:.4em 0 1.2em}\n"
	"th,td{border:1px solid #d4d4d4;padding:.25em .55em;text-align:right;vertical-align:top}\n"
	"th{background:#f2f4f7;font-weight:600}.l{text-align:left}\n"
	"td small,th small{display:block;font-size:.8em;font-weight:normal}\n"
	".better{color:#1a7f37}.worse{color:#c62828}.same{color:#777}\n"
	"tr.verdict td{text-align:left;background:#fafafa;font-style:italic;color:#444}\n"
	"tr.point th{background:#e8eef7}tr.zero td{color:#aaa}tr.total td{font-weight:600}\n"
	"table.run th{text-align:left}table.run td{text-align:left}\n"
	".host{background:#fff8e1;border:1px solid #f0d98c;padding:.4em 1em;margin:.5em 0}\n"
	".warn{background:#fdecea;border:1px solid #e6a39d;padding:.5em 1em;margin:.8em 0}\n"
	"figure{display:inline-block;margin:0 1.2em 1.5em 0;vertical-align:top;max-width:100%}\n"
	"figure img{max-width:100%;border:1px solid #ddd}\n"
	"figcaption{font-size:.9em;color:#444}\n"
	".missing{border:1px dashed #bbb;padding:2em;color:#777;width:36em;max-width:100%}\n"
	"pre{background:#f6f8fa;border:1px solid #ddd;padding:.7em;overflow-x:auto;"
	"font-size:12.5px;line-height:1.35}\n"
	"code{background:#f2f2f2;padding:0 .25em}nav a{margin-right:1em}\n";

static const char *const section_titles[REPORT_SEC_COUNT] = {
	[REPORT_SEC_VIOLATIONS] = "Violations",
	[REPORT_SEC_LATENCY] = "Latency percentiles",
	[REPORT_SEC_SWEEP] = "Sweep",
	[REPORT_SEC_LOCKS] = "Lock wait times",
	[REPORT_SEC_TIMELINE] = "Lock-hold timelines",
};

static const char *const section_ids[REPORT_SEC_COUNT] = {
	[REPORT_SEC_VIOLATIONS] = "violations",
	[REPORT_SEC_LATENCY] = "latency",
	[REPORT_SEC_SWEEP] = "sweep",
	[REPORT_SEC_LOCKS] = "locks",
	[REPORT_SEC_TIMELINE] = "timeline",
};

static const char *const section_notes[REPORT_SEC_COUNT] = {
	[REPORT_SEC_VIOLATIONS] = "Violations summed over all replicas, one bar per strategy.",
	[REPORT_SEC_LATENCY] = "Latency at each percentile, all replicas merged; the x axis "
		"spreads the tail by nines (90%, 99%, 99.9%, ... equally spaced).",
	[REPORT_SEC_SWEEP] = "Each figure against the swept value, one line per strategy.",
	[REPORT_SEC_LOCKS] = "Fraction of contended acquisitions that waited at least t, "
		"per lock class; both axes logarithmic.",
	[REPORT_SEC_TIMELINE] = "Who held which lock when, in replica 0, over the first "
		"part of the run: one row per task, one lane per lock class.",
};

static void run_header(GString *h, const struct rep_run *run)
{
	char *sweep = NULL;
	guint i;

	g_string_append(h, "<table class=\"run\">\n");
	html_printf(h, "<tr><th>workload file</th><td><code>%s</code></td></tr>\n",
		    run->config_file ? run->config_file : "?");
	html_printf(h, "<tr><th>seed</th><td>%" G_GINT64_FORMAT "</td></tr>\n", run->seed);
	html_printf(h, "<tr><th>replicas</th><td>%" G_GINT64_FORMAT " per strategy%s</td></tr>\n",
		    run->replicas, run->sweep_key ? " and sweep point" : "");
	g_string_append(h, "<tr><th>strategies</th><td>");
	for (i = 0; i < run->plan_strategies->len; i++)
		html_printf(h, "%s%s%s", i ? ", " : "",
			    (const char *)run->plan_strategies->pdata[i],
			    i == 0 ? " (baseline)" : "");
	g_string_append(h, "</td></tr>\n");
	if (run->sweep_key) {
		GString *vals = g_string_new(NULL);

		for (i = 0; i < run->points->len; i++)
			g_string_append_printf(vals, "%s%s", i ? ", " : "",
					       ((struct rep_point *)run->points->pdata[i])->value);
		sweep = g_string_free(vals, FALSE);
		html_printf(h, "<tr><th>sweep</th><td><code>%s</code> = %s</td></tr>\n",
			    run->sweep_key, sweep);
		g_free(sweep);
	}
	html_printf(h, "<tr><th>jobs</th><td>%" G_GINT64_FORMAT "%s%s</td></tr>\n",
		    run->jobs, run->shard ? ", shard " : "", run->shard ? run->shard : "");
	html_printf(h, "<tr><th>faultline</th><td>%s (results schema faultline-results 1)</td></tr>\n",
		    run->version ? run->version : "?");
	g_string_append(h, "</table>\n");

	if (run->host.present) {
		g_string_append(h, "<div class=\"host\"><b>Host-dependent</b> (these vary with the "
				   "machine and its load; everything else on this page is a function "
				   "of the workload file and the seed): ");
		html_take(h, report_fmt_real(run->host.wall_s));
		g_string_append(h, " s wall time, ");
		html_take(h, report_fmt_real(run->host.events_per_s));
		html_printf(h, " events/s, %" G_GINT64_FORMAT " threads, ", run->host.threads);
		html_take(h, report_fmt_real((double)run->host.peak_rss_bytes / (1 << 20)));
		html_printf(h, " MiB peak RSS, %" G_GINT64_FORMAT " jobs run here.</div>\n",
			    run->host.jobs_run);
	}
	if (run->interrupted)
		g_string_append(h, "<p class=\"warn\">This run was interrupted: only the jobs that "
				   "finished are included, so replicas may be missing.</p>\n");
	if (run->model_errors && run->model_errors->len) {
		html_printf(h, "<p class=\"warn\">%u job%s ended with a model error (a bug "
			    "of the simulator's model, not a finding): %s left out of "
			    "every figure below.</p>\n<ul class=\"warn\">\n",
			    run->model_errors->len, run->model_errors->len == 1 ? "" : "s",
			    run->model_errors->len == 1 ? "it is" : "they are");
		for (i = 0; i < run->model_errors->len; i++) {
			const struct rep_model_error *e =
				&g_array_index(run->model_errors, struct rep_model_error, i);

			html_printf(h, "<li>job %" G_GINT64_FORMAT " (%s replica %"
				    G_GINT64_FORMAT "): <code>BUG %s:%" G_GINT64_FORMAT
				    ": %s</code> in %s at %" G_GINT64_FORMAT " ns%s%s; "
				    "replay with <code>--replay %s</code></li>\n",
				    e->job, e->strategy, e->replica, e->file, e->line,
				    e->message, e->phase, e->time_ns,
				    e->task ? ", in task " : "", e->task ? e->task : "",
				    e->replay);
		}
		g_string_append(h, "</ul>\n");
	}
}

static void figure(GString *h, const struct report_plot *pl, gboolean have_gnuplot)
{
	g_string_append(h, "<figure>");
	if (pl->png) {
		if (pl->svg)
			html_printf(h, "<a href=\"plots/%s.svg\">", pl->name);
		html_printf(h, "<img src=\"plots/%s.png\" alt=\"%s\"/>", pl->name, pl->caption);
		if (pl->svg)
			g_string_append(h, "</a>");
	} else {
		html_printf(h, "<div class=\"missing\">Plot not drawn: %s</div>",
			    have_gnuplot ? "gnuplot failed on its script (see the messages "
					   "printed by the report writer)."
					 : "gnuplot was not found.");
	}
	html_printf(h, "<figcaption>%s — ", pl->caption);
	if (pl->svg)
		html_printf(h, "<a href=\"plots/%s.svg\">SVG</a> · ", pl->name);
	html_printf(h, "<a href=\"plots/%s.gp\">script</a> · <a href=\"plots/%s.dat\">data</a>"
		    "</figcaption></figure>\n", pl->name, pl->name);
}

static void plot_sections(GString *h, const struct rep_run *run,
			  const struct report_plots *plots, gboolean have_gnuplot)
{
	guint sec, i, n;

	if (!have_gnuplot)
		g_string_append(h, "<p class=\"warn\"><b>Plots are missing:</b> gnuplot was not "
				   "found when this page was written.  Install it with "
				   "<code>apt-get install gnuplot-nox</code> and render again "
				   "(<code>reports/sim-report DIR</code> or <code>sim/sim report DIR</code>); "
				   "the data and the gnuplot scripts are already in <code>plots/</code>.</p>\n");
	for (sec = 0; sec < REPORT_SEC_COUNT; sec++) {
		for (i = n = 0; i < plots->list->len; i++)
			n += ((struct report_plot *)plots->list->pdata[i])->section == sec;
		if (sec == REPORT_SEC_SWEEP && !run->sweep_key)
			continue;
		html_printf(h, "<h2 id=\"%s\">%s</h2>\n<p>%s</p>\n", section_ids[sec],
			    section_titles[sec], section_notes[sec]);
		if (!n) {
			html_printf(h, "<p><i>%s</i></p>\n",
				    sec == REPORT_SEC_VIOLATIONS ?
				    "No violations in any replica of any strategy." :
				    sec == REPORT_SEC_LOCKS ? "No lock waited on in any strategy." :
				    "Nothing recorded to draw.");
			continue;
		}
		for (i = 0; i < plots->list->len; i++) {
			const struct report_plot *pl = plots->list->pdata[i];

			if (pl->section == sec)
				figure(h, pl, have_gnuplot);
		}
	}
}

static void first_violations(GString *h, const struct rep_run *run)
{
	char *cfg = report_shell_word(run->config_file ? run->config_file : "FILE.cfg");
	guint i, j, n = 0;

	g_string_append(h, "<h2 id=\"first\">First violations, explained</h2>\n"
			   "<p>The first instance of each kind of violation per strategy, as the "
			   "oracle explained it.  Each replays alone, deterministically, with the "
			   "command below it.</p>\n");
	for (i = 0; i < run->strategies->len; i++) {
		const struct rep_strategy *s = run->strategies->pdata[i];
		char *label;

		if (!s->first->len)
			continue;
		label = html_strategy_label(run, s);
		html_printf(h, "<h3>%s</h3>\n", label);
		g_free(label);
		for (j = 0; j < s->first->len; j++) {
			const struct rep_violation *v = &g_array_index(s->first, struct rep_violation, j);
			char *replay = v->replay ? g_strdup(v->replay) :
				g_strdup_printf("%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT, v->seed, v->job);
			/* -1: the model kept no detection time */
			char *t = v->time_ns >= 0 ? report_fmt_ns((double)v->time_ns) : NULL;
			char *when = t ? g_strdup_printf("at %s of simulated time", t) :
					 g_strdup("detection time not recorded");
			char *word = report_shell_word(replay);

			html_printf(h, "<h4>%s — replica %" G_GINT64_FORMAT " (job %" G_GINT64_FORMAT
				    ", seed %" G_GINT64_FORMAT "), %s</h4>\n",
				    v->kind ? v->kind : "?", v->replica, v->job, v->seed, when);
			html_printf(h, "<pre>%s</pre>\n", v->explanation ? v->explanation :
				    "(no explanation recorded)");
			html_printf(h, "<p>Replay: <code>sim/sim --replay %s %s</code></p>\n", word, cfg);
			g_free(word);
			g_free(when);
			g_free(t);
			g_free(replay);
			n++;
		}
	}
	if (!n)
		g_string_append(h, "<p><i>No violations.</i></p>\n");
	g_free(cfg);
}

static void config_section(GString *h, const struct rep_run *run)
{
	guint i;

	if (!run->config->len)
		return;
	g_string_append(h, "<h2 id=\"config\">Resolved configuration</h2>\n"
			   "<details><summary>the workload file as the simulator read it, "
			   "defaults included</summary>\n<pre>");
	for (i = 0; i < run->config->len; i++) {
		html_text(h, run->config->pdata[i]);
		g_string_append_c(h, '\n');
	}
	g_string_append(h, "</pre></details>\n");
}

static void page(GString *h, const struct rep_run *run,
		 const struct report_plots *plots, gboolean have_gnuplot)
{
	guint i;

	g_string_append(h, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n");
	html_printf(h, "<title>faultline report: %s</title>\n",
		    run->config_file ? run->config_file : "results");
	html_printf(h, "<style>\n%s</style>\n</head>\n<body>\n", css);
	html_printf(h, "<h1>faultline report: <code>%s</code></h1>\n",
		    run->config_file ? run->config_file : "results.json");
	g_string_append(h, "<nav><a href=\"#comparison\">comparison</a><a href=\"#violations\">violations</a>"
			   "<a href=\"#latency\">latency</a>");
	if (run->sweep_key)
		g_string_append(h, "<a href=\"#sweep\">sweep</a>");
	g_string_append(h, "<a href=\"#locks\">lock waits</a><a href=\"#timeline\">timelines</a>"
			   "<a href=\"#first\">first violations</a><a href=\"#strategies\">per strategy</a>");
	if (run->config->len)
		g_string_append(h, "<a href=\"#config\">config</a>");
	g_string_append(h, "</nav>\n");
	run_header(h, run);

	g_string_append(h, "<h2 id=\"comparison\">Comparison</h2>\n<p>Each strategy's latency "
			   "percentiles over all its replicas.  Under them, the paired difference "
			   "from the baseline with its 95% confidence interval (replica <i>r</i> of "
			   "every strategy runs the same workload): <span class=\"better\">green</span> "
			   "is better and <span class=\"worse\">red</span> worse with the interval "
			   "excluding zero, <span class=\"same\">grey</span> not distinguishable.  "
			   "Hover for absolute differences.</p>\n");
	html_comparison(h, run);

	plot_sections(h, run, plots, have_gnuplot);
	first_violations(h, run);

	g_string_append(h, "<h2 id=\"strategies\">Per strategy</h2>\n<p>Violations by kind, "
			   "latency per op (all replicas merged), and per lock class the figures "
			   "of <code>/proc/lock_stat</code>: waits are of contended acquisitions.</p>\n");
	for (i = 0; i < run->strategies->len; i++)
		html_strategy_tables(h, run, run->strategies->pdata[i]);
	config_section(h, run);
	g_string_append(h, "<hr/>\n<p><small>Written by faultline's report writer from "
			   "<code>results.json</code>.  <code>plots/</code> holds for each figure its "
			   "data (<code>.dat</code>, times in ns) and gnuplot script (<code>.gp</code>): "
			   "<code>cd plots &amp;&amp; gnuplot NAME.gp</code> redraws one.</small></p>\n"
			   "</body>\n</html>\n");
}

gboolean report_html_write(const struct rep_run *run,
			   const struct report_plots *plots,
			   gboolean have_gnuplot, const char *path,
			   GError **err)
{
	GString *h = g_string_new(NULL);
	GError *e = NULL;
	gboolean ok;

	page(h, run, plots, have_gnuplot);
	ok = g_file_set_contents(path, h->str, (gssize)h->len, &e);
	if (!ok) {
		g_set_error_literal(err, REPORT_ERROR, REPORT_ERROR_OUTPUT, e->message);
		g_error_free(e);
	}
	g_string_free(h, TRUE);
	return ok;
}
