/* tests/reports/fixture.c — writes a synthetic results.json the way the
 * simulator would (docs/results-json.md), from deterministic pseudo-random
 * samples: log-linear buckets like sim/engine/hist.h's (exact below 256, then 128
 * per octave), percentiles by rank, lock_stat figures, a lock-hold
 * timeline, paired comparisons.  The numbers are made up but shaped like a
 * real run's (lognormal latencies, a heavier tail for the contended ones).
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "tests/reports/fixture.h"

static const char *const kinds[] = {
	"stale_mapping", "foreign_write", "stale_read", "lost_write",
	"deadlock", "lock_order", "fsck",
};

static const char *const pct_keys[] = {
	"1", "5", "10", "20", "30", "40", "50", "60", "70", "80", "90",
	"95", "99", "99.5", "99.9", "99.95", "99.99",
};

struct strat {
	const char *name;
	double slow;            /* latency scale */
	double tail;            /* lognormal sigma */
	gint64 viol[7];         /* per kind, summed over replicas */
	gint64 viol_rep[7];
	gboolean takes_mmap_sem, takes_data_sem;
};

static const struct strat strats[] = {
	{ "lockless", 1.0, 0.55, { 37, 5, 1200, 0, 0, 0, 0 }, { 3, 2, 4, 0, 0, 0, 0 }, FALSE, FALSE },
	{ "i_data_sem", 1.4, 0.75, { 2, 0, 0, 0, 0, 0, 0 }, { 1, 0, 0, 0, 0, 0, 0 }, FALSE, TRUE },
	{ "i_mmap_sem", 1.7, 0.9, { 0 }, { 0 }, TRUE, TRUE },
};

static gint64 bucket_lo(gint64 v)
{
	int shift;

	if (v < 256)
		return v;
	shift = (63 - __builtin_clzll((unsigned long long)v)) - 7;
	return (v >> shift) << shift;
}

static gint64 bucket_hi(gint64 v)
{
	int shift;

	if (v < 256)
		return v;
	shift = (63 - __builtin_clzll((unsigned long long)v)) - 7;
	return bucket_lo(v) + ((gint64)1 << shift) - 1;
}

static int cmp64(gconstpointer a, gconstpointer b)
{
	gint64 x = *(const gint64 *)a, y = *(const gint64 *)b;

	return (x > y) - (x < y);
}

/* n lognormal samples around median_ns, sorted. */
static GArray *samples(GRand *r, guint n, double median_ns, double sigma)
{
	GArray *a = g_array_sized_new(FALSE, FALSE, sizeof(gint64), n);
	guint i;

	for (i = 0; i < n; i++) {
		double u1 = g_rand_double_range(r, 1e-12, 1), u2 = g_rand_double(r);
		double z = sqrt(-2 * log(u1)) * cos(2 * G_PI * u2);
		gint64 v = (gint64)(median_ns * exp(sigma * z));

		g_array_append_val(a, v);
	}
	g_array_sort(a, cmp64);
	return a;
}

static void add_buckets(JsonBuilder *b, const GArray *s)
{
	guint i = 0;

	json_builder_begin_array(b);
	while (i < s->len) {
		gint64 lo = bucket_lo(g_array_index(s, gint64, i));
		gint64 hi = bucket_hi(g_array_index(s, gint64, i));
		gint64 n = 0;

		while (i < s->len && g_array_index(s, gint64, i) <= hi) {
			n++;
			i++;
		}
		json_builder_begin_array(b);
		json_builder_add_int_value(b, lo);
		json_builder_add_int_value(b, hi);
		json_builder_add_int_value(b, n);
		json_builder_end_array(b);
	}
	json_builder_end_array(b);
}

static gint64 pct(const GArray *s, double p)
{
	guint rank = (guint)ceil(p / 100 * s->len);

	return g_array_index(s, gint64, rank ? rank - 1 : 0);
}

static double mean(const GArray *s)
{
	double sum = 0;
	guint i;

	for (i = 0; i < s->len; i++)
		sum += (double)g_array_index(s, gint64, i);
	return sum / s->len;
}

static void latency(JsonBuilder *b, GRand *r, double median, double sigma,
		    double sim_s, gint64 skipped)
{
	GArray *s = samples(r, 1500, median, sigma);
	double m = mean(s), var = 0;
	guint i;

	for (i = 0; i < s->len; i++)
		var += pow(g_array_index(s, gint64, i) - m, 2);
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "count");
	json_builder_add_int_value(b, s->len);
	json_builder_set_member_name(b, "skipped");
	json_builder_add_int_value(b, skipped);
	json_builder_set_member_name(b, "throughput_ops_s");
	json_builder_add_double_value(b, s->len / sim_s);
	json_builder_set_member_name(b, "min_ns");
	json_builder_add_int_value(b, g_array_index(s, gint64, 0));
	json_builder_set_member_name(b, "mean_ns");
	json_builder_add_double_value(b, round(m));
	json_builder_set_member_name(b, "max_ns");
	json_builder_add_int_value(b, g_array_index(s, gint64, s->len - 1));
	json_builder_set_member_name(b, "stddev_ns");
	json_builder_add_double_value(b, round(sqrt(var / (s->len - 1))));
	json_builder_set_member_name(b, "percentiles");
	json_builder_begin_object(b);
	for (i = 0; i < G_N_ELEMENTS(pct_keys); i++) {
		json_builder_set_member_name(b, pct_keys[i]);
		json_builder_add_int_value(b, pct(s, g_ascii_strtod(pct_keys[i], NULL)));
	}
	json_builder_end_object(b);
	json_builder_set_member_name(b, "buckets");
	add_buckets(b, s);
	json_builder_end_object(b);
	g_array_unref(s);
}

static void times(JsonBuilder *b, const char *name, const GArray *s)
{
	double sum = 0;
	guint i;

	for (i = 0; i < s->len; i++)
		sum += (double)g_array_index(s, gint64, i);
	json_builder_set_member_name(b, name);
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "min_ns");
	json_builder_add_int_value(b, s->len ? g_array_index(s, gint64, 0) : 0);
	json_builder_set_member_name(b, "avg_ns");
	json_builder_add_int_value(b, s->len ? (gint64)(sum / s->len) : 0);
	json_builder_set_member_name(b, "max_ns");
	json_builder_add_int_value(b, s->len ? g_array_index(s, gint64, s->len - 1) : 0);
	json_builder_set_member_name(b, "total_ns");
	json_builder_add_int_value(b, (gint64)sum);
	json_builder_end_object(b);
}

static void lock_class(JsonBuilder *b, GRand *r, const char *name,
		       guint acq, guint contended, double wait_ns, double hold_ns)
{
	GArray *w = samples(r, contended, wait_ns, 1.1);
	GArray *h = samples(r, acq, hold_ns, 0.6);

	json_builder_set_member_name(b, name);
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "contentions");
	json_builder_add_int_value(b, contended);
	json_builder_set_member_name(b, "acquisitions");
	json_builder_add_int_value(b, acq);
	json_builder_set_member_name(b, "acquisitions_read");
	json_builder_add_int_value(b, acq * 3 / 4);
	times(b, "waittime", w);
	times(b, "holdtime", h);
	json_builder_set_member_name(b, "wait_buckets");
	add_buckets(b, w);
	json_builder_set_member_name(b, "hold_buckets");
	add_buckets(b, h);
	json_builder_end_object(b);
	g_array_unref(w);
	g_array_unref(h);
}

static void hold(JsonBuilder *b, const char *task, const char *lock, const char *mode,
		 gint64 wait_begin, gint64 begin, gint64 end)
{
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "task");
	json_builder_add_string_value(b, task);
	json_builder_set_member_name(b, "lock");
	json_builder_add_string_value(b, lock);
	json_builder_set_member_name(b, "mode");
	json_builder_add_string_value(b, mode);
	json_builder_set_member_name(b, "begin_ns");
	json_builder_add_int_value(b, begin);
	json_builder_set_member_name(b, "end_ns");
	json_builder_add_int_value(b, end);
	json_builder_set_member_name(b, "wait_begin_ns");
	json_builder_add_int_value(b, wait_begin);
	json_builder_end_object(b);
}

/* A plausible 2 ms: faults take the strategy's locks shared, the puncher
 * exclusive with a journal handle inside, kjournald commits. */
static void timeline(JsonBuilder *b, GRand *r, const struct strat *st)
{
	const char *faults[] = { "fault/0", "fault/1", "fault/2" };
	gint64 t;
	guint i;

	json_builder_begin_array(b);
	for (t = 20000; t < 1900000; t += 150000 + g_rand_int_range(r, 0, 80000)) {
		gint64 wait = t, begin = t + (t % 3 ? 0 : 30000), end = begin + 90000;

		hold(b, "punch/0", st->takes_mmap_sem ? "i_mmap_sem" : "i_data_sem", "w",
		     wait, begin, end);
		if (st->takes_mmap_sem)
			hold(b, "punch/0", "i_data_sem", "w", begin + 5000, begin + 5000, end - 5000);
		hold(b, "punch/0", "jbd2_handle", "r", begin + 10000, begin + 10000, end - 20000);
	}
	for (i = 0; i < G_N_ELEMENTS(faults); i++)
		for (t = 5000 + i * 7000; t < 1950000; t += 40000 + g_rand_int_range(r, 0, 40000)) {
			gint64 d = 4000 + g_rand_int_range(r, 0, 9000);

			if (st->takes_mmap_sem)
				hold(b, faults[i], "i_mmap_sem", "r", t, t + (t % 5 ? 0 : 12000),
				     t + (t % 5 ? 0 : 12000) + d);
			else if (st->takes_data_sem)
				hold(b, faults[i], "i_data_sem", "r", t, t, t + d / 2);
		}
	for (t = 300000; t < 2000000; t += 500000) {
		hold(b, "jbd2/sda-8", "jbd2_handle", "w", t, t + 25000, t + 125000);
	}
	/* still held when the window closes */
	hold(b, "punch/0", "jbd2_handle", "r", 1990000, 1990000, 2000000);
	json_builder_end_array(b);
}

static void counts(JsonBuilder *b, const gint64 *v, gboolean total)
{
	gint64 sum = 0;
	guint k;

	json_builder_begin_object(b);
	if (total) {
		for (k = 0; k < G_N_ELEMENTS(kinds); k++)
			sum += v[k];
		json_builder_set_member_name(b, "total");
		json_builder_add_int_value(b, sum);
	}
	for (k = 0; k < G_N_ELEMENTS(kinds); k++) {
		json_builder_set_member_name(b, kinds[k]);
		json_builder_add_int_value(b, v[k]);
	}
	json_builder_end_object(b);
}

static const char *explanation(const char *kind)
{
	if (strcmp(kind, "stale_read") == 0)
		return "t=1.204 ms  punch/0   ext4_punch_hole -> truncate_pagecache_range(<0, 4096>)\n"
		       "t=1.209 ms  fault/1   filemap_fault: " FIXTURE_EXPLANATION_RAW "\n"
		       "            read block 8195 after it was freed & reused by <inode 14>\n"
		       "=> page 0 of inode 12 shows data that was never written to it";
	return "t=0.412 ms  fault/0   ext4_filemap_fault maps block 8193 -> page 3\n"
	       "t=0.415 ms  punch/0   ext4_ext_remove_space frees blocks <8192..8199> & journal\n"
	       "=> mapping of page 3 outlives its block (stale_mapping)";
}

static void first_violations(JsonBuilder *b, const struct strat *st, gint64 seed,
			     guint job0)
{
	guint k;

	json_builder_begin_array(b);
	for (k = 0; k < G_N_ELEMENTS(kinds); k++) {
		char *replay;

		if (!st->viol[k])
			continue;
		replay = g_strdup_printf("%" G_GINT64_FORMAT ":%u", seed, job0 + k % 4);
		json_builder_begin_object(b);
		json_builder_set_member_name(b, "kind");
		json_builder_add_string_value(b, kinds[k]);
		json_builder_set_member_name(b, "replica");
		json_builder_add_int_value(b, k % 4);
		json_builder_set_member_name(b, "job");
		json_builder_add_int_value(b, job0 + k % 4);
		json_builder_set_member_name(b, "seed");
		json_builder_add_int_value(b, seed);
		/* foreign_write: as from a model that keeps no time */
		json_builder_set_member_name(b, "time_ns");
		json_builder_add_int_value(b, k == 1 ? -1 : (gint64)(412000 + 97000 * k));
		json_builder_set_member_name(b, "replay");
		json_builder_add_string_value(b, replay);
		json_builder_set_member_name(b, "explanation");
		json_builder_add_string_value(b, explanation(kinds[k]));
		json_builder_end_object(b);
		g_free(replay);
	}
	json_builder_end_array(b);
}

#define REPLICAS 4
#define SIM_NS 50000000         /* per replica */

static void strategy(JsonBuilder *b, GRand *r, const struct strat *st,
		     const char *sweep_key, const char *sweep_value, guint nops,
		     guint job0, double load)
{
	static const char *const ops[] = { "mmap_read", "punch_hole", "mmap_write" };
	static const double medians[] = { 1800, 42000, 2600 };
	gint64 vrep[7];
	guint i, k;

	json_builder_begin_object(b);
	json_builder_set_member_name(b, "name");
	json_builder_add_string_value(b, st->name);
	json_builder_set_member_name(b, "sweep");
	if (sweep_key) {
		json_builder_begin_object(b);
		json_builder_set_member_name(b, "key");
		json_builder_add_string_value(b, sweep_key);
		json_builder_set_member_name(b, "value");
		json_builder_add_string_value(b, sweep_value);
		json_builder_end_object(b);
	} else {
		json_builder_add_null_value(b);
	}
	json_builder_set_member_name(b, "replicas");
	json_builder_add_int_value(b, REPLICAS);
	json_builder_set_member_name(b, "sim_time_ns");
	json_builder_add_int_value(b, (gint64)REPLICAS * SIM_NS);
	json_builder_set_member_name(b, "events");
	json_builder_add_int_value(b, 1234567 + 1000 * job0);
	json_builder_set_member_name(b, "violations");
	{
		gint64 v[7];

		for (k = 0; k < 7; k++)
			v[k] = (gint64)(st->viol[k] * load);
		counts(b, v, TRUE);
	}
	json_builder_set_member_name(b, "violations_replicas");
	counts(b, st->viol_rep, FALSE);
	json_builder_set_member_name(b, "first_violations");
	first_violations(b, st, 42, job0);

	json_builder_set_member_name(b, "ops");
	json_builder_begin_object(b);
	for (i = 0; i < nops; i++) {
		json_builder_set_member_name(b, ops[i]);
		/* a few ops of the second kind drawn but not issued */
		latency(b, r, medians[i] * st->slow * load, st->tail,
			REPLICAS * SIM_NS / 1e9, i == 1 ? 37 : 0);
	}
	json_builder_end_object(b);

	json_builder_set_member_name(b, "locks");
	json_builder_begin_object(b);
	if (st->takes_mmap_sem)
		lock_class(b, r, "i_mmap_sem", 5000, (guint)(400 * load), 9000 * load, 3000);
	/* every class the timeline names is a lock class of the strategy
	 * (as in a real run, which lists every class, at zero too) */
	lock_class(b, r, "i_data_sem", 6000, st->takes_data_sem ? (guint)(300 * load) : 20,
			   4000 * load, 2500);
	lock_class(b, r, "jbd2_handle", 800, 60, 150000, 60000);
	json_builder_end_object(b);

	json_builder_set_member_name(b, "replica_results");
	json_builder_begin_array(b);
	for (i = 0; i < REPLICAS; i++) {
		json_builder_begin_object(b);
		json_builder_set_member_name(b, "replica");
		json_builder_add_int_value(b, i);
		json_builder_set_member_name(b, "job");
		json_builder_add_int_value(b, job0 + i);
		json_builder_set_member_name(b, "seed");
		json_builder_add_int_value(b, 42);
		json_builder_set_member_name(b, "sim_time_ns");
		json_builder_add_int_value(b, SIM_NS);
		json_builder_set_member_name(b, "events");
		json_builder_add_int_value(b, 308641);
		json_builder_set_member_name(b, "stop");
		json_builder_add_string_value(b, "time");
		json_builder_set_member_name(b, "violations");
		for (k = 0; k < 7; k++)
			vrep[k] = i < (guint)st->viol_rep[k] ? st->viol[k] / st->viol_rep[k] : 0;
		counts(b, vrep, FALSE);
		json_builder_set_member_name(b, "throughput_ops_s");
		json_builder_add_double_value(b, 60000 / st->slow / load + 500 * i);
		json_builder_set_member_name(b, "ops");
		json_builder_begin_object(b);
		json_builder_end_object(b);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);

	json_builder_set_member_name(b, "timeline");
	timeline(b, r, st);
	json_builder_set_member_name(b, "timeline_ns");
	json_builder_add_int_value(b, 2000000);
	json_builder_end_object(b);
}

static void diff(JsonBuilder *b, const char *key, double value, double base,
		 gboolean ns)
{
	double d = value - base, half = fabs(d) * 0.3 + base * 0.02;

	json_builder_set_member_name(b, key);
	json_builder_begin_object(b);
	json_builder_set_member_name(b, ns ? "value_ns" : "value");
	json_builder_add_double_value(b, value);
	json_builder_set_member_name(b, ns ? "baseline_ns" : "baseline");
	json_builder_add_double_value(b, base);
	json_builder_set_member_name(b, "diff");
	json_builder_add_double_value(b, d);
	json_builder_set_member_name(b, "diff_half");
	json_builder_add_double_value(b, half);
	json_builder_set_member_name(b, "rel_pct");
	json_builder_add_double_value(b, 100 * d / base);
	json_builder_set_member_name(b, "rel_half_pct");
	json_builder_add_double_value(b, 100 * half / base);
	json_builder_end_object(b);
}

static void comparison(JsonBuilder *b, const struct strat *st, const struct strat *base,
		       const char *sweep_key, const char *sweep_value, guint nops)
{
	static const char *const ops[] = { "mmap_read", "punch_hole", "mmap_write" };
	static const double medians[] = { 1800, 42000, 2600 };
	guint i;

	json_builder_begin_object(b);
	json_builder_set_member_name(b, "strategy");
	json_builder_add_string_value(b, st->name);
	json_builder_set_member_name(b, "baseline");
	json_builder_add_string_value(b, base->name);
	json_builder_set_member_name(b, "sweep");
	if (sweep_key) {
		json_builder_begin_object(b);
		json_builder_set_member_name(b, "key");
		json_builder_add_string_value(b, sweep_key);
		json_builder_set_member_name(b, "value");
		json_builder_add_string_value(b, sweep_value);
		json_builder_end_object(b);
	} else {
		json_builder_add_null_value(b);
	}
	json_builder_set_member_name(b, "violation_free_replicas");
	json_builder_add_int_value(b, REPLICAS - st->viol_rep[0]);
	json_builder_set_member_name(b, "replicas");
	json_builder_add_int_value(b, REPLICAS);
	json_builder_set_member_name(b, "ops");
	json_builder_begin_object(b);
	for (i = 0; i < nops; i++) {
		json_builder_set_member_name(b, ops[i]);
		json_builder_begin_object(b);
		diff(b, "p50", medians[i] * st->slow, medians[i] * base->slow, TRUE);
		diff(b, "p99", medians[i] * st->slow * 3, medians[i] * base->slow * 3.5, TRUE);
		diff(b, "p99.9", medians[i] * st->slow * 6, medians[i] * base->slow * 5, TRUE);
		json_builder_end_object(b);
	}
	json_builder_end_object(b);
	diff(b, "throughput", 60000 / st->slow, 60000 / base->slow, FALSE);
	json_builder_set_member_name(b, "verdict");
	json_builder_add_string_value(b, st->viol[0] ?
		"fewer violations than lockless but not free of them; p99 mmap_read +40% (slower)" :
		"no violations in any replica (lockless: 4 of 4 replicas); p99 mmap_read <slower> & throughput lower");
	json_builder_end_object(b);
}

static void config(JsonBuilder *b, gboolean sweep)
{
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "global");
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "type");
	json_builder_add_string_value(b, "global");
	json_builder_set_member_name(b, "runtime");
	json_builder_add_string_value(b, "50ms");
	json_builder_set_member_name(b, "replicas");
	json_builder_add_string_value(b, "4");
	json_builder_end_object(b);
	json_builder_set_member_name(b, "puncher");
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "type");
	json_builder_add_string_value(b, "job");
	json_builder_set_member_name(b, "rw");
	json_builder_add_string_value(b, "punch");
	json_builder_set_member_name(b, "numjobs");
	json_builder_add_string_value(b, sweep ? "1:4" : "1");
	json_builder_end_object(b);
	json_builder_end_object(b);
}

char *report_fixture_json(gboolean sweep)
{
	static const char *const values[] = { "1", "4" };
	JsonBuilder *b = json_builder_new();
	JsonGenerator *g = json_generator_new();
	GRand *r = g_rand_new_with_seed(20160331);
	guint nstrat = sweep ? 2 : 3, npts = sweep ? 2 : 1, nops = sweep ? 2 : 3;
	guint i, pt, job = 0;
	JsonNode *root;
	char *text;

	json_builder_begin_object(b);
	json_builder_set_member_name(b, "schema");
	json_builder_add_string_value(b, "faultline-results");
	json_builder_set_member_name(b, "schema_version");
	json_builder_add_int_value(b, 1);
	json_builder_set_member_name(b, "version");
	json_builder_add_string_value(b, "0.1.0");
	json_builder_set_member_name(b, "config_file");
	json_builder_add_string_value(b, sweep ? "workloads/punch sweep.cfg" : "workloads/punch_heavy.cfg");
	json_builder_set_member_name(b, "seed");
	json_builder_add_int_value(b, 42);
	json_builder_set_member_name(b, "interrupted");
	json_builder_add_boolean_value(b, FALSE);
	json_builder_set_member_name(b, "config");
	config(b, sweep);

	json_builder_set_member_name(b, "plan");
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "strategies");
	json_builder_begin_array(b);
	for (i = 0; i < nstrat; i++)
		json_builder_add_string_value(b, strats[sweep ? i * 2 : i].name);
	json_builder_end_array(b);
	json_builder_set_member_name(b, "replicas");
	json_builder_add_int_value(b, REPLICAS);
	json_builder_set_member_name(b, "sweep");
	if (sweep) {
		json_builder_begin_object(b);
		json_builder_set_member_name(b, "key");
		json_builder_add_string_value(b, "puncher.numjobs");
		json_builder_set_member_name(b, "values");
		json_builder_begin_array(b);
		for (pt = 0; pt < npts; pt++)
			json_builder_add_string_value(b, values[pt]);
		json_builder_end_array(b);
		json_builder_end_object(b);
	} else {
		json_builder_add_null_value(b);
	}
	json_builder_set_member_name(b, "jobs");
	json_builder_add_int_value(b, nstrat * npts * REPLICAS);
	json_builder_set_member_name(b, "shard");
	json_builder_add_string_value(b, "1/1");
	json_builder_end_object(b);

	json_builder_set_member_name(b, "strategies");
	json_builder_begin_array(b);
	for (pt = 0; pt < npts; pt++)
		for (i = 0; i < nstrat; i++, job += REPLICAS)
			strategy(b, r, &strats[sweep ? i * 2 : i], sweep ? "puncher.numjobs" : NULL,
				 values[pt], nops, job, sweep ? 1.0 + 0.8 * pt : 1.0);
	json_builder_end_array(b);

	json_builder_set_member_name(b, "comparison");
	json_builder_begin_array(b);
	for (pt = 0; pt < npts; pt++)
		for (i = 1; i < nstrat; i++)
			comparison(b, &strats[sweep ? i * 2 : i], &strats[0],
				   sweep ? "puncher.numjobs" : NULL, values[pt], nops);
	json_builder_end_array(b);

	json_builder_set_member_name(b, "host");
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "wall_s");
	json_builder_add_double_value(b, 1.25);
	json_builder_set_member_name(b, "events_per_s");
	json_builder_add_double_value(b, 1.1e7);
	json_builder_set_member_name(b, "threads");
	json_builder_add_int_value(b, 2);
	json_builder_set_member_name(b, "peak_rss_bytes");
	json_builder_add_int_value(b, 52428800);
	json_builder_set_member_name(b, "jobs_run");
	json_builder_add_int_value(b, nstrat * npts * REPLICAS);
	json_builder_end_object(b);
	json_builder_end_object(b);

	root = json_builder_get_root(b);
	json_generator_set_root(g, root);
	json_generator_set_pretty(g, TRUE);
	text = json_generator_to_data(g, NULL);
	json_node_unref(root);
	g_object_unref(g);
	g_object_unref(b);
	g_rand_free(r);
	return text;
}

void report_fixture_write(const char *path, gboolean sweep)
{
	char *text = report_fixture_json(sweep);
	GError *err = NULL;

	g_file_set_contents(path, text, -1, &err);
	g_assert_no_error(err);
	g_free(text);
}
