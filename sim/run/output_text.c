/* sim/run/output_text.c — the text summary (docs/design.md §7): per strategy a run
 * header, violations (per kind: count, replicas affected, "first in
 * replica R at T" — the earliest detection), fio-style latency lines (with
 * the ops skipped, when any) and percentile blocks, a lock_stat-style table; then the paired comparison across strategies and
 * one verdict line per strategy.  Host figures (wall time, events/s) are
 * printed here but never in results.json's deterministic part.
 */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "sim/run/output.h"

/* "12.3 us": three significant digits in the largest unit that keeps the
 * value >= 1. */
static const char *fmt_ns(double ns, char *buf, size_t len)
{
	static const struct { double div; const char *unit; } u[] = {
		{ 1e9, "s" }, { 1e6, "ms" }, { 1e3, "us" }, { 1, "ns" },
	};
	unsigned i;

	if (ns != ns) {
		g_snprintf(buf, len, "n/a");
		return buf;
	}
	for (i = 0; i < G_N_ELEMENTS(u) - 1; i++)
		if (fabs(ns) >= u[i].div)
			break;
	if (u[i].div == 1)
		g_snprintf(buf, len, "%.0f ns", ns);
	else
		g_snprintf(buf, len, "%.3g %s", ns / u[i].div, u[i].unit);
	return buf;
}

/* Simulated time as "123.456 ms". */
static const char *fmt_sim(sim_time_t t, char *buf, size_t len)
{
	if (t >= SIM_SEC)
		g_snprintf(buf, len, "%.6f s", (double)t / 1e9);
	else
		g_snprintf(buf, len, "%.6f ms", (double)t / 1e6);
	return buf;
}

static const char *fmt_bytes(uint64_t b, char *buf, size_t len)
{
	if (b >= (1u << 30))
		g_snprintf(buf, len, "%.1f GiB", (double)b / (1u << 30));
	else if (b >= (1u << 20))
		g_snprintf(buf, len, "%.1f MiB", (double)b / (1u << 20));
	else
		g_snprintf(buf, len, "%.1f KiB", (double)b / 1024);
	return buf;
}

/* fio's unit choice: by the median, so most numbers have 1-4 digits. */
static void pick_unit(const struct sim_hist *h, double *div, const char **name)
{
	int64_t p50 = sim_hist_percentile(h, 50);

	if (p50 < 10000) {
		*div = 1;
		*name = "nsec";
	} else if (p50 < 10000000) {
		*div = 1e3;
		*name = "usec";
	} else {
		*div = 1e6;
		*name = "msec";
	}
}

/* skipped: ops drawn but not issued (not in h), shown when non-zero */
static void print_latency(FILE *f, const char *op, const struct sim_hist *h,
			  uint64_t skipped, double rate)
{
	double div;
	const char *unit;
	unsigned i;

	fprintf(f, "  %s: count=%" PRIu64 ", rate=%.1f ops/s", op, h->count,
		rate);
	if (skipped)
		fprintf(f, ", skipped=%" PRIu64, skipped);
	fputc('\n', f);
	if (!h->count)
		return;
	pick_unit(h, &div, &unit);
	fprintf(f, "    lat (%s): min=%.0f, max=%.0f, avg=%.2f, stdev=%.2f\n",
		unit, (double)sim_hist_min(h) / div, (double)sim_hist_max(h) / div,
		sim_hist_mean(h) / div, sim_hist_stddev(h) / div);
	fprintf(f, "    lat percentiles (%s):\n", unit);
	for (i = 0; i < SIM_OUT_NPCT; i++) {
		fprintf(f, "%s%5.2fth=[%6.0f]%s",
			i % 4 == 0 ? "     | " : " ",
			sim_out_pcts[i],
			(double)sim_hist_percentile(h, sim_out_pcts[i]) / div,
			i + 1 == SIM_OUT_NPCT ? "\n" : i % 4 == 3 ? ",\n" : ",");
	}
}

static void print_locks(FILE *f, const struct sim_out_group *g)
{
	unsigned l, w = 10;

	if (!g->n_locks)
		return;
	for (l = 0; l < g->n_locks; l++)
		w = MAX(w, (unsigned)strlen(g->locks[l].name));
	fprintf(f, "  lock_stat (ns):\n    %-*s %12s %12s %12s %12s %14s %12s %12s %12s %12s %14s\n",
		w, "class", "contentions", "wait-min", "wait-avg", "wait-max",
		"wait-total", "acquisitions", "hold-min", "hold-avg",
		"hold-max", "hold-total");
	for (l = 0; l < g->n_locks; l++) {
		const struct sim_out_lock *k = &g->locks[l];

		fprintf(f, "    %-*s %12" PRIu64 " %12" PRId64 " %12.0f %12" PRId64
			" %14.0f %12" PRIu64 " %12" PRId64 " %12.0f %12" PRId64
			" %14.0f\n", w, k->name, k->contentions,
			sim_hist_min(k->wait), sim_hist_mean(k->wait),
			sim_hist_max(k->wait), k->wait->sum, k->acquisitions,
			sim_hist_min(k->hold), sim_hist_mean(k->hold),
			sim_hist_max(k->hold), k->hold->sum);
	}
}

static void print_explanation(FILE *f, const char *text, const char *indent)
{
	char **lines = g_strsplit(text ? text : "", "\n", -1);
	unsigned i;

	for (i = 0; lines[i]; i++)
		if (lines[i][0] || lines[i + 1])
			fprintf(f, "%s%s\n", indent, lines[i]);
	g_strfreev(lines);
}

/* One job's image verdict (--image), or nothing. */
static void print_judge_rec(FILE *f, const struct sim_job_rec *rec,
			    const char *indent)
{
	const struct sim_rec_judge *j = rec->judge;

	if (!j)
		return;
	fprintf(f, "%simage %s: ", indent, j->image ? j->image : "(none)");
	if (j->fsck_status < 0)
		fprintf(f, "e2fsck not run");
	else if (j->fsck_status == 0)
		fprintf(f, "e2fsck clean");
	else
		fprintf(f, "e2fsck exit %d", j->fsck_status);
	if (j->readback)
		fprintf(f, "; read back (%s): %" PRIu64 " bytes compared, %"
			PRIu64 " differ", j->readback, j->bytes_compared,
			j->bytes_differ);
	fprintf(f, "\n");
	if (j->note)
		fprintf(f, "%s  %s\n", indent, j->note);
	if (j->model_fsck)
		fprintf(f, "%s  the model's fsck on this disk: %" PRIu64 " finding%s\n",
			indent, j->model_fsck, j->model_fsck == 1 ? "" : "s");
	if (j->first_diff >= 0)
		fprintf(f, "%s  first difference: %s at 0x%" PRIx64 ": %s\n",
			indent, j->first_diff_file, (uint64_t)j->first_diff,
			j->first_diff_what);
	if (j->readback_note)
		fprintf(f, "%s  read-back: %s\n", indent, j->readback_note);
	if (j->fsck_status != 0 && j->fsck_problems)
		print_explanation(f, j->fsck_problems, "      ");
}

/* "e2fsck clean k/n" for a strategy, and the images that are not. */
static void print_judge_group(FILE *f, const struct sim_out_group *g)
{
	unsigned n = 0, clean = 0, rb = 0, agree = 0;
	const char *via = NULL;
	uint64_t compared = 0;

	for (unsigned r = 0; r < g->n_rep; r++) {
		const struct sim_rec_judge *j = g->reps[r]->judge;

		if (!j)
			continue;
		n++;
		clean += j->fsck_status == 0;
		if (j->readback) {
			rb++;
			agree += j->bytes_differ == 0;
			compared += j->bytes_compared;
			via = j->readback;
		}
	}
	if (!n)
		return;
	fprintf(f, "  e2fsck clean %u/%u", clean, n);
	if (rb)
		fprintf(f, "; read back (%s) as the oracle says %u/%u, %" PRIu64
			" bytes compared", via, agree, rb, compared);
	fprintf(f, "\n");
	for (unsigned r = 0; r < g->n_rep; r++) {
		const struct sim_rec_judge *j = g->reps[r]->judge;
		char ind[32];

		if (!j || (j->fsck_status == 0 && j->bytes_differ == 0 &&
			   j->readback && !j->note && !j->readback_note))
			continue;
		g_snprintf(ind, sizeof(ind), "    replica %u ", g->reps[r]->id.replica);
		print_judge_rec(f, g->reps[r], ind);
	}
}

static void print_group(FILE *f, const struct sim_out *out,
			const struct sim_out_group *g, bool explain)
{
	const struct sim_plan *plan = out->plan;
	char b1[48];
	unsigned k, o;

	fprintf(f, "\n== %s", g->name);
	if (g->sweep_value)
		fprintf(f, " (%s=%s)", plan->sweep_key, g->sweep_value);
	fprintf(f, ": %u job%s, simulated %s, %" PRIu64 " events, wall %.2f s, %.1f M events/s\n",
		g->n_rep, g->n_rep == 1 ? "" : "s",
		fmt_sim(g->sim_time, b1, sizeof(b1)), g->events, g->wall_s,
		g->wall_s > 0 ? (double)g->events / g->wall_s / 1e6 : 0);
	if (!g->viol_total) {
		fprintf(f, "  violations: none\n");
	} else {
		fprintf(f, "  violations: %" PRIu64 "\n", g->viol_total);
		for (k = 0; k < out->kinds->len; k++) {
			const struct sim_job_rec *rec = g->first_rec[k];

			if (!g->viol[k])
				continue;
			/* "first in replica R at T": the earliest detection
			 * over the replicas (a model without detection times
			 * leaves the time out) */
			b1[0] = '\0';
			if (g->first[k]->first_time >= 0)
				fmt_sim(g->first[k]->first_time, b1,
					sizeof(b1));
			fprintf(f, "    %s: %" PRIu64 " in %u/%u replicas, first in replica %u%s%s (--replay %" PRIu64 ":%u)\n",
				(const char *)g_ptr_array_index(out->kinds, k),
				g->viol[k], g->viol_reps[k], g->n_rep,
				rec->id.replica, b1[0] ? " at " : "", b1,
				rec->id.seed, rec->id.index);
			if (explain)
				print_explanation(f, g->first[k]->explanation,
						  "      ");
		}
	}
	print_judge_group(f, g);
	/* ops this strategy never drew are in results.json only */
	for (o = 0; o < out->ops->len; o++)
		if (g->ops[o].h->count || g->ops[o].skipped)
			print_latency(f, g_ptr_array_index(out->ops, o),
				      g->ops[o].h, g->ops[o].skipped,
				      sim_out_op_rate(g, o));
	print_locks(f, g);
}

/* Pads to a display width (± is two bytes in UTF-8). */
static void put_cell(FILE *f, const char *buf, int width)
{
	fprintf(f, " %-*s", width + (int)(strlen(buf) - g_utf8_strlen(buf, -1)),
		buf);
}

static void fmt_value(double v, bool ns, char *buf, size_t len)
{
	if (ns)
		fmt_ns(v, buf, len);
	else
		g_snprintf(buf, len, "%.1f", v);
}

/* The baseline's own figure: mean over its replicas ± the 95% half-width
 * (not paired: there is nothing to pair it with). */
static void base_cell(FILE *f, const double *x, const uint64_t *count,
		      unsigned n, bool ns)
{
	double *v = g_new(double, n + 1);
	unsigned i, m = 0;
	char a[32], h[32], buf[96];
	struct sim_ci ci;

	for (i = 0; i < n; i++)
		if (!count || count[i])
			v[m++] = x[i];
	ci = sim_stats_ci95(v, m);
	g_free(v);
	if (!m) {
		put_cell(f, "-", 26);
		return;
	}
	fmt_value(ci.mean, ns, a, sizeof(a));
	if (ci.half == ci.half) {
		fmt_value(ci.half, ns, h, sizeof(h));
		g_snprintf(buf, sizeof(buf), "%s \u00b1%s", a, h);
	} else {
		g_snprintf(buf, sizeof(buf), "%s", a);
	}
	put_cell(f, buf, 26);
}

/* "14.1 us +14.6% ±1.2%": this strategy's mean over the pairs and the
 * paired relative difference. */
static void pair_cell(FILE *f, const struct sim_paired *p, bool present, bool ns)
{
	char v[32], rel[48], buf[96];

	if (!present || !p->n) {
		put_cell(f, "-", 26);
		return;
	}
	fmt_value(p->mean_a, ns, v, sizeof(v));
	sim_stats_format_rel(p, rel, sizeof(rel));
	g_snprintf(buf, sizeof(buf), "%s %s", v, rel);
	put_cell(f, buf, 26);
}

/* Whether any strategy at this point completed op o. */
static bool op_seen(const struct sim_out_group *gs, unsigned n, unsigned o)
{
	unsigned s;

	for (s = 0; s < n; s++)
		if (gs[s].ops[o].h->count)
			return true;
	return false;
}

static void print_comparison(FILE *f, const struct sim_out *out)
{
	const struct sim_plan *plan = out->plan;
	unsigned p, s, o, c, w = 8;

	if (plan->n_strategies < 2)
		return;
	for (s = 0; s < plan->n_strategies; s++)
		w = MAX(w, (unsigned)strlen(plan->strategies[s]));
	fprintf(f, "\n== comparison: paired over replicas, 95%% CI, baseline %s\n",
		plan->strategies[0]);
	fprintf(f, "   (baseline: mean over its replicas \u00b1 half-width; others: mean over the\n"
		   "    replicas both ran, relative paired difference \u00b1 half-width)\n");
	for (p = 0; p < plan->n_points; p++) {
		const struct sim_out_group *gs =
			&out->groups[p * plan->n_strategies];

		if (plan->sweep_key)
			fprintf(f, "  [%s=%s]\n", plan->sweep_key,
				plan->sweep_values[p]);
		fprintf(f, "    %-*s  %-12s", w, "strategy", "violating");
		for (c = 0; c < SIM_OUT_NCMP; c++)
			put_cell(f, c == 0 ? "latency p50" : c == 1 ? "p99" : "p99.9",
				 26);
		fprintf(f, "\n");
		for (o = 0; o < out->ops->len; o++) {
			if (!op_seen(gs, plan->n_strategies, o))
				continue;
			fprintf(f, "  %s\n", (const char *)g_ptr_array_index(out->ops, o));
			for (s = 0; s < plan->n_strategies; s++) {
				const struct sim_out_group *g = &gs[s];
				char vio[32];

				g_snprintf(vio, sizeof(vio), "%u/%u",
					   g->violating_reps, g->n_rep);
				fprintf(f, "    %-*s  %-12s", w, g->name, vio);
				for (c = 0; c < SIM_OUT_NCMP; c++) {
					if (s == 0)
						base_cell(f, g->ops[o].pct[c],
							  g->ops[o].count, g->n_rep,
							  true);
					else
						pair_cell(f, &g->cmp[o].p[c],
							  g->cmp[o].present, true);
				}
				fprintf(f, "\n");
			}
		}
		fprintf(f, "  throughput (ops/s)\n");
		for (s = 0; s < plan->n_strategies; s++) {
			const struct sim_out_group *g = &gs[s];

			fprintf(f, "    %-*s  %-12s", w, g->name, "");
			if (s == 0)
				base_cell(f, g->throughput, NULL, g->n_rep, false);
			else
				pair_cell(f, &g->cmp_throughput, g->n_pairs > 0,
					  false);
			fprintf(f, "\n");
		}
	}
	fprintf(f, "\n== verdict\n");
	for (p = 0; p < plan->n_points; p++)
		for (s = 0; s < plan->n_strategies; s++) {
			const struct sim_out_group *g =
				&out->groups[p * plan->n_strategies + s];

			if (plan->sweep_key)
				fprintf(f, "  [%s=%s] %s\n", plan->sweep_key,
					g->sweep_value, g->verdict);
			else
				fprintf(f, "  %s\n", g->verdict);
		}
}

void sim_out_text(const struct sim_out *out, FILE *f, bool explain)
{
	const struct sim_plan *plan = out->plan;
	const struct sim_run *run = out->run;
	char b1[32], b2[32], b3[32];
	unsigned g;

	fprintf(f, "faultline %s: %s, seed %" PRIu64 ", %u strateg%s x %u replica%s",
		SIM_OUT_VERSION, plan->config_file, plan->seed,
		plan->n_strategies, plan->n_strategies == 1 ? "y" : "ies",
		plan->replicas, plan->replicas == 1 ? "" : "s");
	if (plan->sweep_key)
		fprintf(f, " x %u sweep points of %s", plan->n_points,
			plan->sweep_key);
	fprintf(f, " = %u jobs\n", plan->n_jobs);
	fprintf(f, "host: %u thread%s, %u jobs run, wall %.2f s, %.1f M events/s, peak RSS %s",
		run->threads, run->threads == 1 ? "" : "s", run->jobs_run,
		run->wall_s,
		run->wall_s > 0 ? (double)run->events / run->wall_s / 1e6 : 0,
		fmt_bytes(run->peak_rss, b1, sizeof(b1)));
	if (run->job_heap_peak)
		fprintf(f, ", per job: heap %s + stacks %s",
			fmt_bytes(run->job_heap_peak, b2, sizeof(b2)),
			fmt_bytes(run->job_stack_bytes, b3, sizeof(b3)));
	fprintf(f, "\n");
	if (run->interrupted)
		fprintf(f, "INTERRUPTED: %u of %u jobs finished; figures cover those only\n",
			run->jobs_run, plan->n_jobs);
	if (run->model_errors) {
		unsigned i;

		fprintf(f, "MODEL ERRORS: %u of %u jobs ended with a model error "
			"(a bug of the model, not a finding); figures leave them "
			"out\n", run->model_errors, plan->n_jobs);
		for (i = 0; i < plan->n_jobs; i++)
			if (run->errors[i])
				sim_out_text_model_error(plan, run->errors[i], f);
	}
	for (g = 0; g < out->n_groups; g++)
		print_group(f, out, &out->groups[g], explain);
	print_comparison(f, out);
}

void sim_out_text_model_error(const struct sim_plan *plan,
			      const struct sim_model_error *e, FILE *f)
{
	char b1[48];

	fprintf(f, "  job %u (%s replica %u", e->id.index,
		plan->strategies[e->id.strategy], e->id.replica);
	if (plan->sweep_key)
		fprintf(f, ", %s=%s", plan->sweep_key,
			plan->sweep_values[e->id.sweep_point]);
	fprintf(f, "): BUG %s:%d: %s\n", e->file, e->line, e->message);
	fprintf(f, "    in %s, at %s after %" PRIu64 " events, %s%s; "
		"replay: --replay %" PRIu64 ":%u\n", e->phase,
		fmt_sim(e->time, b1, sizeof(b1)), e->events,
		e->task ? "in task " : strcmp(e->phase, "run") == 0 ?
		"in the event loop" : "outside any task",
		e->task ? e->task : "", e->id.seed, e->id.index);
}

void sim_out_text_job(const struct sim_plan *plan, const struct sim_job_rec *rec,
		      FILE *f)
{
	struct sim_hist *h = g_new(struct sim_hist, 1);
	char b1[48];
	unsigned i;

	fprintf(f, "job %u of %u: strategy %s, replica %u", rec->id.index,
		plan->n_jobs, plan->strategies[rec->id.strategy],
		rec->id.replica);
	if (plan->sweep_key)
		fprintf(f, ", %s=%s", plan->sweep_key,
			plan->sweep_values[rec->id.sweep_point]);
	fprintf(f, ", seed %" PRIu64 "\n", rec->id.seed);
	fprintf(f, "  simulated %s, %" PRIu64 " events, stop: %s\n",
		fmt_sim(rec->sim_time, b1, sizeof(b1)), rec->events,
		sim_stop_name(rec->stop));
	if (!sim_job_rec_violations(rec))
		fprintf(f, "  violations: none\n");
	for (i = 0; i < rec->n_kinds; i++) {
		const struct sim_rec_kind *k = &rec->kinds[i];

		if (!k->count)
			continue;
		if (k->first_time >= 0)
			fprintf(f, "  %s: %" PRIu64 ", first at %s\n", k->name,
				k->count, fmt_sim(k->first_time, b1, sizeof(b1)));
		else
			fprintf(f, "  %s: %" PRIu64 "\n", k->name, k->count);
		print_explanation(f, k->explanation, "    ");
	}
	print_judge_rec(f, rec, "  ");
	for (i = 0; i < rec->n_ops; i++) {
		if (!rec->ops[i].lat.count && !rec->ops[i].skipped)
			continue;
		sim_hist_sparse_expand(&rec->ops[i].lat, h);
		print_latency(f, rec->ops[i].name, h, rec->ops[i].skipped,
			      rec->sim_time > 0 ? (double)h->count /
			      ((double)rec->sim_time / 1e9) : 0);
	}
	g_free(h);
}
