/* reports/validate.c — results.json checked before anything is drawn.
 *
 * results.c reads leniently (a file from a newer faultline that only adds
 * fields still renders); this pass refuses what no faultline writes, so a
 * damaged or hostile file cannot draw nonsense or make a total wrap:
 * numbers have their schema's type and range (counts are non-negative
 * integers, times integer ns, percentiles ascending), figures agree with
 * each other (a latency's buckets add up to its count, a lock's waits and
 * holds to at most its contentions and acquisitions, a strategy's
 * violation total to its kinds, every strategy lists the same kinds, a
 * replica never runs past the plan), names are known (strategies from the
 * plan; ops, locks and kinds of replica results, timelines, first
 * violations and comparisons among those the strategy lists) and have the
 * characters a name has.  All counts of the file add up below 2^63 in one
 * unsigned sum, so no sum of some of them wraps.  The nesting depth was
 * bounded before the parser ran (rep_json_depth).  The first problem is
 * one line: the file, the JSON path of the value, what is wrong.
 */
#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "reports/report.h"
#include "reports/results.h"
#include "reports/validate.h"

#define MAX_NAME 64
#define MAX_TEXT (1u << 20)

struct vd {
	GString *path;
	char *why;
	guint64 grand;                  /* every count, summed */
};

static gboolean ok(const struct vd *v)
{
	return !v->why;
}

static G_GNUC_PRINTF(2, 3) void bad(struct vd *v, const char *fmt, ...)
{
	va_list ap;
	char *what;

	if (v->why)
		return;
	va_start(ap, fmt);
	what = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	v->why = g_strdup_printf("%s: %s", v->path->str, what);
	g_free(what);
}

static gsize push(struct vd *v, const char *key)
{
	gsize m = v->path->len;

	g_string_append_printf(v->path, ".%s", key);
	return m;
}

static gsize push_i(struct vd *v, guint i)
{
	gsize m = v->path->len;

	g_string_append_printf(v->path, "[%u]", i);
	return m;
}

static void pop(struct vd *v, gsize m)
{
	g_string_truncate(v->path, m);
}

/* ---- values at the current path ------------------------------------------- */

static gboolean is_int(JsonNode *n)
{
	return n && JSON_NODE_HOLDS_VALUE(n) &&
	       json_node_get_value_type(n) == G_TYPE_INT64;
}

static gint64 v_int(struct vd *v, JsonNode *n, gint64 min)
{
	gint64 x;

	if (!is_int(n)) {
		bad(v, "expected an integer");
		return min;
	}
	x = json_node_get_int(n);
	if (x < min)
		bad(v, "%" G_GINT64_FORMAT " is out of range (at least %"
		    G_GINT64_FORMAT ")", x, min);
	return x < min ? min : x;
}

static gint64 v_count(struct vd *v, JsonNode *n)
{
	gint64 x = v_int(v, n, 0);

	if (ok(v) && (__builtin_add_overflow(v->grand, (guint64)x, &v->grand) ||
		      v->grand > (guint64)G_MAXINT64))
		bad(v, "%" G_GINT64_FORMAT " makes the file's counts add up "
		    "past 2^63 (a damaged count?)", x);
	return x;
}

/* A number (or null, read as "none", when nullable); finite, >= min. */
static double v_num(struct vd *v, JsonNode *n, double min, gboolean nullable)
{
	double x;

	if (n && nullable && JSON_NODE_HOLDS_NULL(n))
		return NAN;
	if (!n || !JSON_NODE_HOLDS_VALUE(n) ||
	    (json_node_get_value_type(n) != G_TYPE_INT64 &&
	     json_node_get_value_type(n) != G_TYPE_DOUBLE)) {
		bad(v, nullable ? "expected a number or null" : "expected a number");
		return NAN;
	}
	x = json_node_get_double(n);
	if (!isfinite(x) || x < min)
		bad(v, "%g is out of range", x);
	return x;
}

static const char *v_str(struct vd *v, JsonNode *n, gboolean nullable, gsize max)
{
	const char *s;

	if (n && nullable && JSON_NODE_HOLDS_NULL(n))
		return NULL;
	if (!n || !JSON_NODE_HOLDS_VALUE(n) ||
	    json_node_get_value_type(n) != G_TYPE_STRING) {
		bad(v, nullable ? "expected a string or null" : "expected a string");
		return NULL;
	}
	s = json_node_get_string(n);
	if (strlen(s) > max)
		bad(v, "a string of %zu bytes (at most %zu)", strlen(s), max);
	return s;
}

/* Printable ASCII without quotes, backslash, backquote, '$', '&', '<':
 * what every name faultline writes has, and safe in a plot script. */
static gboolean name_ok(const char *s)
{
	const char *c;

	if (!s || !*s || strlen(s) > MAX_NAME)
		return FALSE;
	for (c = s; *c; c++)
		if (*c < 0x20 || *c > 0x7e || strchr("\"'\\`$&<", *c))
			return FALSE;
	return TRUE;
}

static const char *v_name(struct vd *v, JsonNode *n, const char *what)
{
	const char *s = v_str(v, n, FALSE, MAX_NAME);

	if (ok(v) && !name_ok(s))
		bad(v, "'%s' is not a %s name", s, what);
	return ok(v) ? s : NULL;
}

static gboolean in(GPtrArray *names, const char *s)
{
	guint i;

	for (i = 0; s && i < names->len; i++)
		if (strcmp(names->pdata[i], s) == 0)
			return TRUE;
	return FALSE;
}

/* A member, checked when there: results.c reads an absent figure as 0
 * (a file of a newer faultline may lack what it no longer writes, and the
 * smallest file that renders has little more than strategy names). */
static JsonNode *mem(struct vd *v, JsonObject *o, const char *key)
{
	(void)v;
	return o ? json_object_get_member(o, key) : NULL;
}

#define AT(v, key, expr) ({                                      \
	gsize __m = push((v), (key));                            \
	__auto_type __x = (expr);                                \
	pop((v), __m);                                           \
	__x; })

static JsonObject *obj(struct vd *v, JsonNode *n)
{
	if (n && JSON_NODE_HOLDS_OBJECT(n))
		return json_node_get_object(n);
	if (n)
		bad(v, "expected an object");
	return NULL;
}

static JsonArray *arr(struct vd *v, JsonNode *n)
{
	if (n && JSON_NODE_HOLDS_ARRAY(n))
		return json_node_get_array(n);
	if (n)
		bad(v, "expected an array");
	return NULL;
}

static JsonObject *m_obj(struct vd *v, JsonObject *o, const char *key)
{
	JsonNode *n = mem(v, o, key);

	return n ? AT(v, key, obj(v, n)) : NULL;
}

static JsonArray *m_arr(struct vd *v, JsonObject *o, const char *key)
{
	JsonNode *n = mem(v, o, key);

	return n ? AT(v, key, arr(v, n)) : NULL;
}

static gint64 m_count(struct vd *v, JsonObject *o, const char *key)
{
	JsonNode *n = mem(v, o, key);

	return n ? AT(v, key, v_count(v, n)) : 0;
}

static gint64 m_int(struct vd *v, JsonObject *o, const char *key, gint64 min)
{
	JsonNode *n = mem(v, o, key);

	return n ? AT(v, key, v_int(v, n, min)) : min;
}

static JsonNode *opt(JsonObject *o, const char *key)
{
	return o ? json_object_get_member(o, key) : NULL;
}

/* ---- pieces ------------------------------------------------------------------ */

/* [[lo, hi, count], ...]: ascending, disjoint, non-empty; returns the sum
 * of the counts. */
static gint64 buckets(struct vd *v, JsonObject *o, const char *key)
{
	JsonArray *a = m_arr(v, o, key);
	gint64 sum = 0, prev_hi = -1;
	gsize m;
	guint i;

	if (!a || !ok(v))
		return 0;
	m = push(v, key);
	for (i = 0; i < json_array_get_length(a) && ok(v); i++) {
		gsize mi = push_i(v, i);
		JsonArray *t = arr(v, json_array_get_element(a, i));
		gint64 lo, hi, c;

		if (t && json_array_get_length(t) != 3)
			bad(v, "expected [lo_ns, hi_ns, count]");
		if (!t || !ok(v))
			break;
		lo = v_int(v, json_array_get_element(t, 0), 0);
		hi = v_int(v, json_array_get_element(t, 1), 0);
		c = v_count(v, json_array_get_element(t, 2));
		if (ok(v) && (lo > hi || lo <= prev_hi || c == 0))
			bad(v, "a bucket out of order, overlapping or empty");
		prev_hi = hi;
		sum += c;               /* bounded by the grand total */
		pop(v, mi);
	}
	pop(v, m);
	return sum;
}

static void latency(struct vd *v, JsonObject *o)
{
	JsonObject *pc;
	JsonObjectIter it;
	const char *key;
	JsonNode *val;
	gint64 count = m_count(v, o, "count"), sum;
	double prev_p = 0, prev_ns = 0;

	if (opt(o, "skipped"))
		m_count(v, o, "skipped");
	if (opt(o, "throughput_ops_s"))
		AT(v, "throughput_ops_s", v_num(v, opt(o, "throughput_ops_s"), 0, TRUE));
	if ((pc = m_obj(v, o, "percentiles")) && ok(v)) {
		gsize m = push(v, "percentiles");

		json_object_iter_init_ordered(&it, pc);
		while (ok(v) && json_object_iter_next_ordered(&it, &key, &val)) {
			char *end;
			double p = g_ascii_strtod(key, &end), ns;

			ns = AT(v, key, v_num(v, val, 0, FALSE));
			if (ok(v) && (*end || end == key || !(p > prev_p && p < 100) ||
				      ns < prev_ns))
				AT(v, key, (bad(v, "percentiles must rise with p "
						"in (0, 100)"), 0));
			prev_p = p;
			prev_ns = ns;
		}
		pop(v, m);
	}
	if (ok(v) && opt(o, "max_ns") && opt(o, "percentiles") &&
	    prev_ns > AT(v, "max_ns", v_num(v, opt(o, "max_ns"), 0, TRUE)) + 0.5)
		AT(v, "percentiles", (bad(v, "a percentile above max_ns"), 0));
	sum = buckets(v, o, "buckets");
	if (ok(v) && sum != count)
		bad(v, "count %" G_GINT64_FORMAT " but the buckets add up to %"
		    G_GINT64_FORMAT, count, sum);
}

static void lock(struct vd *v, JsonObject *o)
{
	gint64 cont = m_count(v, o, "contentions");
	gint64 acq = m_count(v, o, "acquisitions");
	gint64 rd = m_count(v, o, "acquisitions_read");
	gint64 w = buckets(v, o, "wait_buckets");
	gint64 h = buckets(v, o, "hold_buckets");

	if (ok(v) && (rd > acq || w > cont || h > acq))
		bad(v, "%" G_GINT64_FORMAT " shared of %" G_GINT64_FORMAT
		    " acquisitions, %" G_GINT64_FORMAT " holds, %" G_GINT64_FORMAT
		    " waits of %" G_GINT64_FORMAT " contentions: more than there "
		    "were", rd, acq, h, w, cont);
}

/* Keys of object o (names), each checked by fn when given. */
static GPtrArray *names_of(struct vd *v, JsonObject *o, const char *what,
			   void (*fn)(struct vd *, JsonObject *))
{
	GPtrArray *names = g_ptr_array_new();
	JsonObjectIter it;
	const char *key;
	JsonNode *val;

	if (!o)
		return names;
	json_object_iter_init_ordered(&it, o);
	while (ok(v) && json_object_iter_next_ordered(&it, &key, &val)) {
		gsize m = push(v, key);

		if (!name_ok(key))
			bad(v, "'%s' is not a %s name", key, what);
		if (fn)
			fn(v, obj(v, val));
		g_ptr_array_add(names, (gpointer)key);
		pop(v, m);
	}
	return names;
}

static void strategy(struct vd *v, JsonObject *s, GPtrArray *plan_st,
		     gint64 plan_replicas, GPtrArray **kinds0)
{
	JsonObject *vio = m_obj(v, s, "violations"), *vr;
	GPtrArray *ops = NULL, *locks = NULL, *kinds;
	JsonObjectIter it;
	const char *key;
	JsonNode *val;
	JsonArray *a;
	gint64 replicas, total = 0, sum = 0;
	guint i;

	key = AT(v, "name", v_name(v, mem(v, s, "name"), "strategy"));
	if (ok(v) && !in(plan_st, key))
		AT(v, "name", (bad(v, "strategy '%s' is not in plan.strategies",
				   key), 0));
	replicas = opt(s, "replicas") ? m_count(v, s, "replicas") : G_MAXINT64;
	if (ok(v) && replicas > plan_replicas && replicas != G_MAXINT64)
		AT(v, "replicas", (bad(v, "more than the plan's %" G_GINT64_FORMAT,
				       plan_replicas), 0));
	m_count(v, s, "sim_time_ns");
	m_count(v, s, "events");
	/* violations: total, then one count per kind */
	kinds = g_ptr_array_new();
	if (vio && ok(v)) {
		gsize m = push(v, "violations");

		json_object_iter_init_ordered(&it, vio);
		while (ok(v) && json_object_iter_next_ordered(&it, &key, &val)) {
			gint64 c = AT(v, key, v_count(v, val));

			if (strcmp(key, "total") == 0) {
				total = c;
				continue;
			}
			if (!name_ok(key))
				AT(v, key, (bad(v, "not a violation kind name"), 0));
			g_ptr_array_add(kinds, (gpointer)key);
			sum += c;
		}
		if (ok(v) && total != sum)
			bad(v, "total %" G_GINT64_FORMAT " but the kinds add up to %"
			    G_GINT64_FORMAT, total, sum);
		/* every strategy lists the same kinds (all the model's) */
		if (ok(v) && !*kinds0)
			*kinds0 = g_ptr_array_ref(kinds);
		for (i = 0; ok(v) && i < (*kinds0)->len; i++)
			if (!in(kinds, (*kinds0)->pdata[i]))
				bad(v, "kind '%s' missing", (char *)(*kinds0)->pdata[i]);
		if (ok(v) && kinds->len != (*kinds0)->len)
			bad(v, "kinds other strategies do not have");
		pop(v, m);
	}
	if ((vr = m_obj(v, s, "violations_replicas")) && ok(v)) {
		gsize m = push(v, "violations_replicas");

		json_object_iter_init_ordered(&it, vr);
		while (ok(v) && json_object_iter_next_ordered(&it, &key, &val)) {
			gint64 c = AT(v, key, v_count(v, val));

			if (ok(v) && (!in(kinds, key) || c > replicas))
				AT(v, key, (bad(v, "an unknown kind, or more "
						"replicas than ran"), 0));
		}
		pop(v, m);
	}
	if ((a = m_arr(v, s, "first_violations")) && ok(v)) {
		gsize m = push(v, "first_violations");

		for (i = 0; ok(v) && i < json_array_get_length(a); i++) {
			gsize mi = push_i(v, i);
			JsonObject *f = obj(v, json_array_get_element(a, i));

			key = AT(v, "kind", v_name(v, mem(v, f, "kind"), "kind"));
			if (ok(v) && !in(kinds, key))
				AT(v, "kind", (bad(v, "unknown kind '%s'", key), 0));
			if (ok(v) && m_int(v, f, "replica", 0) >= plan_replicas)
				AT(v, "replica", (bad(v, "past the plan's replicas"), 0));
			m_int(v, f, "job", 0);
			m_int(v, f, "time_ns", -1);
			AT(v, "replay", v_str(v, mem(v, f, "replay"), FALSE, MAX_NAME));
			AT(v, "explanation", v_str(v, mem(v, f, "explanation"),
						   TRUE, MAX_TEXT));
			pop(v, mi);
		}
		pop(v, m);
	}
	if (ok(v))
		ops = AT(v, "ops", names_of(v, m_obj(v, s, "ops"), "op", latency));
	if (ok(v))
		locks = AT(v, "locks", names_of(v, m_obj(v, s, "locks"), "lock class",
						lock));
	if ((a = m_arr(v, s, "replica_results")) && ok(v)) {
		gsize m = push(v, "replica_results");

		if (opt(s, "replicas") && json_array_get_length(a) != (guint)replicas)
			bad(v, "%u entries for %" G_GINT64_FORMAT " replicas",
			    json_array_get_length(a), replicas);
		for (i = 0; ok(v) && i < json_array_get_length(a); i++) {
			gsize mi = push_i(v, i);
			JsonObject *r = obj(v, json_array_get_element(a, i));
			JsonObject *ro;

			if (ok(v) && m_int(v, r, "replica", 0) >= plan_replicas)
				AT(v, "replica", (bad(v, "past the plan's replicas"), 0));
			m_count(v, r, "sim_time_ns");
			m_count(v, r, "events");
			if ((ro = m_obj(v, r, "ops")) && ok(v)) {
				GPtrArray *rops = AT(v, "ops", names_of(v, ro, "op", NULL));
				guint k;

				for (k = 0; ok(v) && k < rops->len; k++)
					if (!in(ops, rops->pdata[k]))
						AT(v, "ops", (bad(v, "op '%s' is not among "
							"the strategy's ops",
							(char *)rops->pdata[k]), 0));
				g_ptr_array_unref(rops);
			}
			pop(v, mi);
		}
		pop(v, m);
	}
	if ((a = m_arr(v, s, "timeline")) && ok(v)) {
		gint64 win = opt(s, "timeline_ns") ? m_count(v, s, "timeline_ns")
						   : G_MAXINT64;
		gsize m = push(v, "timeline");

		for (i = 0; ok(v) && i < json_array_get_length(a); i++) {
			gsize mi = push_i(v, i);
			JsonObject *h = obj(v, json_array_get_element(a, i));
			const char *mode;
			JsonNode *e;
			gint64 b, wb, end = win;

			AT(v, "task", v_name(v, mem(v, h, "task"), "task"));
			key = AT(v, "lock", v_name(v, mem(v, h, "lock"), "lock class"));
			if (ok(v) && !in(locks, key))
				AT(v, "lock", (bad(v, "lock class '%s' is not among "
						   "the strategy's locks", key), 0));
			mode = AT(v, "mode", v_str(v, mem(v, h, "mode"), FALSE, 1));
			if (ok(v) && strcmp(mode, "r") && strcmp(mode, "w"))
				AT(v, "mode", (bad(v, "expected \"r\" or \"w\""), 0));
			b = m_int(v, h, "begin_ns", 0);
			wb = m_int(v, h, "wait_begin_ns", 0);
			if ((e = mem(v, h, "end_ns")) && !JSON_NODE_HOLDS_NULL(e))
				end = AT(v, "end_ns", v_int(v, e, 0));
			if (ok(v) && !(wb <= b && b <= end && end <= win))
				bad(v, "wait_begin_ns <= begin_ns <= end_ns <= "
				    "timeline_ns (%" G_GINT64_FORMAT ") does not hold",
				    win);
			pop(v, mi);
		}
		pop(v, m);
	}
	g_ptr_array_unref(kinds);
	if (ops)
		g_ptr_array_unref(ops);
	if (locks)
		g_ptr_array_unref(locks);
}

static void model_errors(struct vd *v, JsonArray *a, gint64 jobs,
			 GPtrArray *plan_st)
{
	guint i;

	for (i = 0; ok(v) && i < json_array_get_length(a); i++) {
		gsize mi = push_i(v, i);
		JsonObject *e = obj(v, json_array_get_element(a, i));
		const char *st;

		if (ok(v) && m_int(v, e, "job", 0) >= jobs)
			AT(v, "job", (bad(v, "outside the plan"), 0));
		st = AT(v, "strategy", v_name(v, mem(v, e, "strategy"), "strategy"));
		if (ok(v) && !in(plan_st, st))
			AT(v, "strategy", (bad(v, "not in plan.strategies"), 0));
		m_int(v, e, "replica", 0);
		AT(v, "replay", v_str(v, mem(v, e, "replay"), FALSE, MAX_NAME));
		AT(v, "phase", v_name(v, mem(v, e, "phase"), "phase"));
		AT(v, "message", v_str(v, mem(v, e, "message"), FALSE, MAX_TEXT));
		AT(v, "file", v_str(v, mem(v, e, "file"), FALSE, 4096));
		m_int(v, e, "line", 0);
		m_int(v, e, "time_ns", 0);
		AT(v, "task", v_str(v, mem(v, e, "task"), TRUE, MAX_NAME));
		m_count(v, e, "events");
		pop(v, mi);
	}
}

gboolean rep_validate(JsonNode *root, const char *file, GError **err)
{
	struct vd v = { .path = g_string_new("$") };
	JsonObject *o = json_node_get_object(root), *plan, *cfg;
	GPtrArray *plan_st = g_ptr_array_new(), *kinds0 = NULL;
	JsonArray *a;
	JsonNode *n;
	gint64 replicas, jobs;
	guint i;

	plan = m_obj(&v, o, "plan");
	if (plan && ok(&v)) {
		gsize m = push(&v, "plan");

		a = m_arr(&v, plan, "strategies");
		for (i = 0; a && ok(&v) && i < json_array_get_length(a); i++) {
			const char *s = AT(&v, "strategies",
				({ gsize mi = push_i(&v, i);
				   const char *x = v_name(&v, json_array_get_element(a, i),
							  "strategy");
				   pop(&v, mi); x; }));

			if (ok(&v) && in(plan_st, s))
				bad(&v, "strategy '%s' twice", s);
			g_ptr_array_add(plan_st, (gpointer)s);
		}
		pop(&v, m);
	}
	replicas = opt(plan, "replicas") ?
		   AT(&v, "plan", m_int(&v, plan, "replicas", 1)) : G_MAXINT64;
	jobs = opt(plan, "jobs") ? AT(&v, "plan", m_int(&v, plan, "jobs", 0))
				 : G_MAXINT64;
	if ((n = opt(o, "interrupted")) && (!JSON_NODE_HOLDS_VALUE(n) ||
	    json_node_get_value_type(n) != G_TYPE_BOOLEAN))
		AT(&v, "interrupted", (bad(&v, "expected true or false"), 0));
	if ((n = opt(o, "model_errors")) && ok(&v)) {
		gsize m = push(&v, "model_errors");

		if ((a = arr(&v, n)))
			model_errors(&v, a, jobs, plan_st);
		pop(&v, m);
	}
	if ((cfg = opt(o, "config") ? AT(&v, "config", obj(&v, opt(o, "config")))
				    : NULL) && ok(&v)) {
		JsonObjectIter si, ki;
		const char *sec, *key;
		JsonNode *sv, *kv;
		gsize m = push(&v, "config");

		json_object_iter_init_ordered(&si, cfg);
		while (ok(&v) && json_object_iter_next_ordered(&si, &sec, &sv)) {
			gsize ms = push(&v, sec);
			JsonObject *so = obj(&v, sv);

			if (so)
				json_object_iter_init_ordered(&ki, so);
			while (so && ok(&v) && json_object_iter_next_ordered(&ki, &key, &kv))
				AT(&v, key, v_str(&v, kv, TRUE, MAX_TEXT));
			pop(&v, ms);
		}
		pop(&v, m);
	}
	a = m_arr(&v, o, "strategies");
	for (i = 0; a && ok(&v) && i < json_array_get_length(a); i++) {
		gsize m = push(&v, "strategies"), mi = push_i(&v, i);

		strategy(&v, obj(&v, json_array_get_element(a, i)), plan_st,
			 replicas, &kinds0);
		pop(&v, mi);
		pop(&v, m);
	}
	a = ok(&v) && opt(o, "comparison") ? m_arr(&v, o, "comparison") : NULL;
	for (i = 0; a && ok(&v) && i < json_array_get_length(a); i++) {
		gsize m = push(&v, "comparison"), mi = push_i(&v, i);
		JsonObject *c = obj(&v, json_array_get_element(a, i));
		const char *s;

		s = AT(&v, "strategy", v_name(&v, mem(&v, c, "strategy"), "strategy"));
		if (ok(&v) && !in(plan_st, s))
			AT(&v, "strategy", (bad(&v, "not in plan.strategies"), 0));
		s = AT(&v, "baseline", v_name(&v, mem(&v, c, "baseline"), "strategy"));
		if (ok(&v) && !in(plan_st, s))
			AT(&v, "baseline", (bad(&v, "not in plan.strategies"), 0));
		AT(&v, "verdict", v_str(&v, mem(&v, c, "verdict"), FALSE, MAX_TEXT));
		if (ok(&v) && m_count(&v, c, "violation_free_replicas") >
			      m_count(&v, c, "replicas"))
			bad(&v, "more violation-free replicas than replicas");
		pop(&v, mi);
		pop(&v, m);
	}
	if (kinds0)
		g_ptr_array_unref(kinds0);
	g_ptr_array_unref(plan_st);
	g_string_free(v.path, TRUE);
	if (!ok(&v)) {
		g_set_error(err, REPORT_ERROR, REPORT_ERROR_INPUT,
			    "%s: not a valid faultline results file: %s", file,
			    v.why);
		g_free(v.why);
		return FALSE;
	}
	return TRUE;
}

guint rep_json_depth(const char *text, gsize len, guint max, gsize *where)
{
	guint depth = 0, deepest = 0;
	gboolean in_str = FALSE;
	gsize i;

	for (i = 0; i < len; i++) {
		char c = text[i];

		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = FALSE;
			continue;
		}
		if (c == '"') {
			in_str = TRUE;
		} else if (c == '[' || c == '{') {
			if (++depth > deepest && (deepest = depth) > max) {
				*where = i;
				return deepest;
			}
		} else if ((c == ']' || c == '}') && depth) {
			depth--;
		}
	}
	return deepest;
}
