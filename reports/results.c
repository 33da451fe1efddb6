/* reports/results.c — loads results.json into struct rep_run.
 *
 * Strict where a wrong file would otherwise render nonsense (schema name
 * and version, plan, strategies[].name; and every value validate.c checks
 * first); lenient elsewhere: an optional figure that is absent reads as 0
 * (NaN for optional derived figures), so a results file from a newer
 * faultline that only adds fields still renders.
 * Object members are read in file order (json_object_iter_next_ordered),
 * never hash order.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "reports/report.h"
#include "reports/results.h"
#include "reports/validate.h"

#define SCHEMA_NAME "faultline-results"
#define SCHEMA_VERSION 1

G_DEFINE_QUARK(report-error-quark, report_error)

/* ---- tolerant accessors ---------------------------------------------------- */

static JsonNode *member(JsonObject *o, const char *key)
{
	return o && json_object_has_member(o, key) ?
		json_object_get_member(o, key) : NULL;
}

static gboolean node_is_number(JsonNode *n)
{
	GType t;

	if (!n || JSON_NODE_TYPE(n) != JSON_NODE_VALUE)
		return FALSE;
	t = json_node_get_value_type(n);
	return t == G_TYPE_INT64 || t == G_TYPE_DOUBLE;
}

static double node_num(JsonNode *n, double def)
{
	if (!node_is_number(n))
		return def;
	if (json_node_get_value_type(n) == G_TYPE_INT64)
		return (double)json_node_get_int(n);
	return json_node_get_double(n);
}

static double get_num(JsonObject *o, const char *key, double def)
{
	return node_num(member(o, key), def);
}

static gint64 get_int(JsonObject *o, const char *key)
{
	JsonNode *n = member(o, key);

	if (!node_is_number(n))
		return 0;
	if (json_node_get_value_type(n) == G_TYPE_INT64)
		return json_node_get_int(n);
	return (gint64)json_node_get_double(n);
}

static const char *get_str(JsonObject *o, const char *key)
{
	JsonNode *n = member(o, key);

	if (!n || JSON_NODE_TYPE(n) != JSON_NODE_VALUE ||
	    json_node_get_value_type(n) != G_TYPE_STRING)
		return NULL;
	return json_node_get_string(n);
}

static JsonObject *get_obj(JsonObject *o, const char *key)
{
	JsonNode *n = member(o, key);

	return n && JSON_NODE_HOLDS_OBJECT(n) ? json_node_get_object(n) : NULL;
}

static JsonArray *get_arr(JsonObject *o, const char *key)
{
	JsonNode *n = member(o, key);

	return n && JSON_NODE_HOLDS_ARRAY(n) ? json_node_get_array(n) : NULL;
}

static JsonObject *arr_obj(JsonArray *a, guint i)
{
	JsonNode *n = json_array_get_element(a, i);

	return JSON_NODE_HOLDS_OBJECT(n) ? json_node_get_object(n) : NULL;
}

/* ---- pieces ------------------------------------------------------------------ */

static GArray *read_buckets(JsonArray *a)
{
	GArray *out = g_array_new(FALSE, FALSE, sizeof(struct rep_bucket));
	guint i, n = a ? json_array_get_length(a) : 0;

	for (i = 0; i < n; i++) {
		JsonNode *e = json_array_get_element(a, i);
		JsonArray *t;
		struct rep_bucket b;

		if (!JSON_NODE_HOLDS_ARRAY(e))
			continue;
		t = json_node_get_array(e);
		if (json_array_get_length(t) < 3)
			continue;
		b.lo_ns = (gint64)node_num(json_array_get_element(t, 0), 0);
		b.hi_ns = (gint64)node_num(json_array_get_element(t, 1), 0);
		b.count = (gint64)node_num(json_array_get_element(t, 2), 0);
		if (b.count > 0 && b.hi_ns >= b.lo_ns)
			g_array_append_val(out, b);
	}
	return out;
}

static int pct_cmp(gconstpointer a, gconstpointer b)
{
	double x = ((const struct rep_pct *)a)->p, y = ((const struct rep_pct *)b)->p;

	return (x > y) - (x < y);
}

static void latency_free(gpointer p)
{
	struct rep_latency *l = p;

	g_array_unref(l->pcts);
	g_array_unref(l->buckets);
	g_free(l);
}

static struct rep_latency *read_latency(const char *op, JsonObject *o)
{
	struct rep_latency *l = g_new0(struct rep_latency, 1);
	JsonObject *pc = get_obj(o, "percentiles");
	JsonObjectIter it;
	const char *key;
	JsonNode *val;

	l->op = op;
	l->count = get_int(o, "count");
	l->skipped = get_int(o, "skipped");
	l->throughput_ops_s = get_num(o, "throughput_ops_s", NAN);
	l->min_ns = get_num(o, "min_ns", NAN);
	l->mean_ns = get_num(o, "mean_ns", NAN);
	l->max_ns = get_num(o, "max_ns", NAN);
	l->stddev_ns = get_num(o, "stddev_ns", NAN);
	l->fault_p50_ns = l->fault_p99_ns = NAN;
	{
		JsonObject *fo = get_obj(o, "faults");
		JsonObject *fp = fo ? get_obj(fo, "percentiles") : NULL;

		l->faults = fo ? get_int(fo, "count") : 0;
		if (fp && l->faults > 0) {
			l->fault_p50_ns = get_num(fp, "50", NAN);
			l->fault_p99_ns = get_num(fp, "99", NAN);
		}
	}
	l->pcts = g_array_new(FALSE, FALSE, sizeof(struct rep_pct));
	if (pc) {
		json_object_iter_init_ordered(&it, pc);
		while (json_object_iter_next_ordered(&it, &key, &val)) {
			struct rep_pct p;
			char *end;

			p.p = g_ascii_strtod(key, &end);
			p.ns = node_num(val, NAN);
			if (*end || end == key || !(p.p > 0 && p.p < 100) || isnan(p.ns))
				continue;
			g_array_append_val(l->pcts, p);
		}
		g_array_sort(l->pcts, pct_cmp);
	}
	l->buckets = read_buckets(get_arr(o, "buckets"));
	return l;
}

static void read_times(JsonObject *o, struct rep_times *t)
{
	t->min_ns = get_num(o, "min_ns", NAN);
	t->avg_ns = get_num(o, "avg_ns", NAN);
	t->max_ns = get_num(o, "max_ns", NAN);
	t->total_ns = get_num(o, "total_ns", NAN);
}

static void lock_free(gpointer p)
{
	struct rep_lock *l = p;

	g_array_unref(l->wait_buckets);
	g_array_unref(l->hold_buckets);
	g_free(l);
}

static struct rep_lock *read_lock(const char *name, JsonObject *o)
{
	struct rep_lock *l = g_new0(struct rep_lock, 1);

	l->name = name;
	l->contentions = get_int(o, "contentions");
	l->acquisitions = get_int(o, "acquisitions");
	l->acquisitions_read = get_int(o, "acquisitions_read");
	read_times(get_obj(o, "waittime"), &l->wait);
	read_times(get_obj(o, "holdtime"), &l->hold);
	l->wait_buckets = read_buckets(get_arr(o, "wait_buckets"));
	l->hold_buckets = read_buckets(get_arr(o, "hold_buckets"));
	return l;
}

static void note_name(GPtrArray *names, const char *name)
{
	guint i;

	for (i = 0; i < names->len; i++)
		if (strcmp(names->pdata[i], name) == 0)
			return;
	g_ptr_array_add(names, (gpointer)name);
}

static gint64 sum_violations(JsonObject *v)
{
	JsonObjectIter it;
	const char *key;
	JsonNode *val;
	gint64 sum = 0;

	if (!v)
		return 0;
	if (member(v, "total"))
		return get_int(v, "total");
	json_object_iter_init_ordered(&it, v);
	while (json_object_iter_next_ordered(&it, &key, &val))
		sum += (gint64)node_num(val, 0);
	return sum;
}

static void read_replicas(struct rep_strategy *s, JsonArray *a)
{
	guint i, n = a ? json_array_get_length(a) : 0;
	double tp_sum = 0;
	guint tp_n = 0;

	s->violating_replicas = n ? 0 : -1;
	for (i = 0; i < n; i++) {
		JsonObject *o = arr_obj(a, i);
		struct rep_replica r;

		if (!o)
			continue;
		r.replica = get_int(o, "replica");
		r.job = get_int(o, "job");
		r.seed = get_int(o, "seed");
		r.sim_time_ns = get_int(o, "sim_time_ns");
		r.events = get_int(o, "events");
		r.stop = get_str(o, "stop");
		r.violations = sum_violations(get_obj(o, "violations"));
		r.throughput_ops_s = get_num(o, "throughput_ops_s", NAN);
		g_array_append_val(s->replica_results, r);
		if (r.violations > 0)
			s->violating_replicas++;
		if (!isnan(r.throughput_ops_s)) {
			tp_sum += r.throughput_ops_s;
			tp_n++;
		}
	}
	s->throughput_ops_s = tp_n ? tp_sum / tp_n : NAN;
}

static void read_timeline(struct rep_strategy *s, JsonObject *o)
{
	JsonArray *a = get_arr(o, "timeline");
	guint i, n = a ? json_array_get_length(a) : 0;

	s->timeline_ns = get_int(o, "timeline_ns");
	s->timeline_asked_ns = get_int(o, "timeline_asked_ns");
	for (i = 0; i < n; i++) {
		JsonObject *e = arr_obj(a, i);
		struct rep_hold h;
		const char *mode;

		if (!e || !get_str(e, "task") || !get_str(e, "lock"))
			continue;
		h.task = get_str(e, "task");
		h.lock = get_str(e, "lock");
		mode = get_str(e, "mode");
		h.write = !mode || strcmp(mode, "r") != 0;
		h.begin_ns = get_int(e, "begin_ns");
		/* A hold still open when the window closed may carry no end (or
		 * null): draw it to the end of the window. */
		h.end_ns = node_is_number(member(e, "end_ns")) ?
			get_int(e, "end_ns") : s->timeline_ns;
		if (h.end_ns < h.begin_ns)
			h.end_ns = MAX(s->timeline_ns, h.begin_ns);
		h.wait_begin_ns = node_is_number(member(e, "wait_begin_ns")) ?
			MIN(get_int(e, "wait_begin_ns"), h.begin_ns) : h.begin_ns;
		g_array_append_val(s->timeline, h);
		if (h.end_ns > s->timeline_ns)
			s->timeline_ns = h.end_ns;
	}
}

static void strategy_free(gpointer p)
{
	struct rep_strategy *s = p;

	g_array_unref(s->violations);
	g_array_unref(s->first);
	g_ptr_array_unref(s->ops);
	g_ptr_array_unref(s->locks);
	g_array_unref(s->replica_results);
	g_array_unref(s->timeline);
	g_free(s);
}

static struct rep_strategy *read_strategy(struct rep_run *run, JsonObject *o)
{
	struct rep_strategy *s = g_new0(struct rep_strategy, 1);
	JsonObject *v = get_obj(o, "violations");
	JsonObject *vr = get_obj(o, "violations_replicas");
	JsonArray *fv = get_arr(o, "first_violations");
	JsonObjectIter it;
	const char *key;
	JsonNode *val;
	guint i, n;

	s->name = get_str(o, "name");
	s->sweep_value = get_str(get_obj(o, "sweep"), "value");
	s->replicas = get_int(o, "replicas");
	s->sim_time_ns = get_int(o, "sim_time_ns");
	s->events = get_int(o, "events");
	s->violations = g_array_new(FALSE, FALSE, sizeof(struct rep_count));
	s->first = g_array_new(FALSE, FALSE, sizeof(struct rep_violation));
	s->ops = g_ptr_array_new_with_free_func(latency_free);
	s->locks = g_ptr_array_new_with_free_func(lock_free);
	s->replica_results = g_array_new(FALSE, FALSE, sizeof(struct rep_replica));
	s->timeline = g_array_new(FALSE, FALSE, sizeof(struct rep_hold));

	{
		JsonObject *im = get_obj(o, "images");

		s->images = im ? get_int(im, "images") : -1;
		s->images_e2fsck_clean = im ? get_int(im, "e2fsck_clean") : 0;
		s->images_read_back = im ? get_int(im, "read_back") : 0;
		s->images_as_oracle = im ? get_int(im, "read_back_as_oracle") : 0;
	}
	s->violations_total = sum_violations(v);
	if (v) {
		json_object_iter_init_ordered(&it, v);
		while (json_object_iter_next_ordered(&it, &key, &val)) {
			struct rep_count c = { key, (gint64)node_num(val, 0),
					       get_int(vr, key) };

			if (strcmp(key, "total") == 0)
				continue;
			g_array_append_val(s->violations, c);
			note_name(run->kind_names, key);
		}
	}
	n = fv ? json_array_get_length(fv) : 0;
	for (i = 0; i < n; i++) {
		JsonObject *e = arr_obj(fv, i);
		struct rep_violation f;

		if (!e)
			continue;
		f.kind = get_str(e, "kind");
		f.replay = get_str(e, "replay");
		f.explanation = get_str(e, "explanation");
		f.replica = get_int(e, "replica");
		f.job = get_int(e, "job");
		f.seed = get_int(e, "seed");
		/* -1 (or absent): no detection time */
		f.time_ns = node_is_number(member(e, "time_ns")) ?
			    get_int(e, "time_ns") : -1;
		g_array_append_val(s->first, f);
	}
	if ((v = get_obj(o, "ops"))) {
		json_object_iter_init_ordered(&it, v);
		while (json_object_iter_next_ordered(&it, &key, &val)) {
			if (!JSON_NODE_HOLDS_OBJECT(val))
				continue;
			struct rep_latency *l = read_latency(key, json_node_get_object(val));

			g_ptr_array_add(s->ops, l);
			/* tables and plots show ops that have samples */
			if (l->count > 0)
				note_name(run->op_names, key);
		}
	}
	if ((v = get_obj(o, "locks"))) {
		json_object_iter_init_ordered(&it, v);
		while (json_object_iter_next_ordered(&it, &key, &val)) {
			if (!JSON_NODE_HOLDS_OBJECT(val))
				continue;
			struct rep_lock *l = read_lock(key, json_node_get_object(val));

			g_ptr_array_add(s->locks, l);
			/* ... and lock classes that were acquired */
			if (l->acquisitions > 0)
				note_name(run->lock_names, key);
		}
	}
	read_replicas(s, get_arr(o, "replica_results"));
	if (isnan(s->throughput_ops_s) && s->ops->len) {
		/* No per-replica figures: the ops' merged rates add up. */
		s->throughput_ops_s = 0;
		for (i = 0; i < s->ops->len; i++) {
			const struct rep_latency *l = s->ops->pdata[i];

			if (!isnan(l->throughput_ops_s))
				s->throughput_ops_s += l->throughput_ops_s;
		}
	}
	read_timeline(s, o);
	for (i = 0; i < s->timeline->len; i++)
		note_name(run->lock_names,
			  g_array_index(s->timeline, struct rep_hold, i).lock);
	return s;
}

static void read_diff(JsonObject *o, struct rep_diff *d)
{
	d->present = o != NULL;
	if (!o)
		return;
	d->value = get_num(o, "value_ns", get_num(o, "value", NAN));
	d->baseline = get_num(o, "baseline_ns", get_num(o, "baseline", NAN));
	d->diff = get_num(o, "diff", NAN);
	d->diff_half = get_num(o, "diff_half", NAN);
	d->rel_pct = get_num(o, "rel_pct", NAN);
	d->rel_half_pct = get_num(o, "rel_half_pct", NAN);
}

static void comparison_free(gpointer p)
{
	struct rep_comparison *c = p;

	g_array_unref(c->ops);
	g_free(c);
}

static struct rep_comparison *read_comparison(JsonObject *o)
{
	struct rep_comparison *c = g_new0(struct rep_comparison, 1);
	JsonObject *ops = get_obj(o, "ops");
	JsonObjectIter it;
	const char *key;
	JsonNode *val;

	c->strategy = get_str(o, "strategy");
	c->baseline = get_str(o, "baseline");
	c->sweep_value = get_str(get_obj(o, "sweep"), "value");
	c->verdict = get_str(o, "verdict");
	c->violation_free_replicas = get_int(o, "violation_free_replicas");
	c->replicas = get_int(o, "replicas");
	c->ops = g_array_new(FALSE, FALSE, sizeof(struct rep_op_diff));
	if (ops) {
		json_object_iter_init_ordered(&it, ops);
		while (json_object_iter_next_ordered(&it, &key, &val)) {
			JsonObject *d = JSON_NODE_HOLDS_OBJECT(val) ?
				json_node_get_object(val) : NULL;
			struct rep_op_diff od = { .op = key };

			read_diff(get_obj(d, "p50"), &od.p50);
			read_diff(get_obj(d, "p99"), &od.p99);
			read_diff(get_obj(d, "p99.9"), &od.p999);
			g_array_append_val(c->ops, od);
		}
	}
	read_diff(get_obj(o, "throughput"), &c->throughput);
	return c;
}

static void read_config(struct rep_run *run, JsonObject *cfg)
{
	JsonObjectIter si, ki;
	const char *sec, *key;
	JsonNode *sv, *kv;

	if (!cfg)
		return;
	json_object_iter_init_ordered(&si, cfg);
	while (json_object_iter_next_ordered(&si, &sec, &sv)) {
		if (!JSON_NODE_HOLDS_OBJECT(sv))
			continue;
		if (run->config->len)
			g_ptr_array_add(run->config, g_strdup(""));
		g_ptr_array_add(run->config, g_strdup_printf("[%s]", sec));
		json_object_iter_init_ordered(&ki, json_node_get_object(sv));
		while (json_object_iter_next_ordered(&ki, &key, &kv)) {
			const char *s = JSON_NODE_HOLDS_VALUE(kv) &&
				json_node_get_value_type(kv) == G_TYPE_STRING ?
				json_node_get_string(kv) : NULL;
			char *text = s ? NULL : json_to_string(kv, FALSE);

			g_ptr_array_add(run->config,
					g_strdup_printf("%s = %s", key, s ? s : text));
			g_free(text);
		}
	}
}

static void point_free(gpointer p)
{
	struct rep_point *pt = p;

	g_ptr_array_unref(pt->strategies);
	g_free(pt);
}

static guint point_of(struct rep_run *run, const char *value)
{
	struct rep_point *pt;
	guint i;

	for (i = 0; i < run->points->len; i++) {
		pt = run->points->pdata[i];
		if (g_strcmp0(pt->value, value) == 0)
			return i;
	}
	pt = g_new0(struct rep_point, 1);
	pt->value = value;
	pt->strategies = g_ptr_array_new();
	g_ptr_array_add(run->points, pt);
	return run->points->len - 1;
}

/* ---- the document ----------------------------------------------------------- */

static gboolean fail(GError **err, const char *path, const char *fmt, ...)
	G_GNUC_PRINTF(3, 4);

static gboolean fail(GError **err, const char *path, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_set_error(err, REPORT_ERROR, REPORT_ERROR_INPUT, "%s: %s", path, msg);
	g_free(msg);
	return FALSE;
}

/* The identity checks: a file that fails them is not drawn at all. */
static gboolean check_schema(JsonNode *root, const char *path, GError **err)
{
	JsonObject *o;
	JsonNode *v;
	const char *schema;
	JsonObject *plan;
	JsonArray *st;
	guint i;

	if (!root)
		return fail(err, path, "empty file, not a faultline results file");
	if (!JSON_NODE_HOLDS_OBJECT(root))
		return fail(err, path, "not a faultline results file (the top level is not an object)");
	o = json_node_get_object(root);
	schema = get_str(o, "schema");
	if (!schema || strcmp(schema, SCHEMA_NAME) != 0)
		return fail(err, path, "not a faultline results file (\"schema\" is %s%s%s, expected \"%s\")",
			    schema ? "\"" : "", schema ? schema : "missing",
			    schema ? "\"" : "", SCHEMA_NAME);
	v = member(o, "schema_version");
	if (!v || !JSON_NODE_HOLDS_VALUE(v) || json_node_get_value_type(v) != G_TYPE_INT64)
		return fail(err, path, "\"schema_version\" is missing or not an integer");
	if (json_node_get_int(v) != SCHEMA_VERSION)
		return fail(err, path, "schema version %" G_GINT64_FORMAT
			    " is not supported (this report writer reads version %d)",
			    json_node_get_int(v), SCHEMA_VERSION);
	plan = get_obj(o, "plan");
	if (!plan)
		return fail(err, path, "\"plan\" is missing or not an object");
	if (!get_arr(plan, "strategies"))
		return fail(err, path, "\"plan.strategies\" is missing or not an array");
	st = get_arr(o, "strategies");
	if (!st)
		return fail(err, path, "\"strategies\" is missing or not an array");
	for (i = 0; i < json_array_get_length(st); i++) {
		JsonObject *s = arr_obj(st, i);

		if (!s)
			return fail(err, path, "strategies[%u] is not an object", i);
		if (!get_str(s, "name"))
			return fail(err, path, "strategies[%u].name is missing or not a string", i);
	}
	return TRUE;
}

static void read_run(struct rep_run *run, JsonObject *o)
{
	JsonObject *plan = get_obj(o, "plan");
	JsonObject *sweep = get_obj(plan, "sweep");
	JsonObject *host = get_obj(o, "host");
	JsonNode *v;
	JsonArray *a;
	guint i, j;

	run->version = get_str(o, "version");
	run->config_file = get_str(o, "config_file");
	run->seed = get_int(o, "seed");
	v = member(o, "interrupted");
	run->interrupted = v && JSON_NODE_HOLDS_VALUE(v) &&
		json_node_get_value_type(v) == G_TYPE_BOOLEAN &&
		json_node_get_boolean(v);
	run->model_errors = g_array_new(FALSE, FALSE, sizeof(struct rep_model_error));
	if ((a = get_arr(o, "model_errors")))
		for (i = 0; i < json_array_get_length(a); i++) {
			JsonObject *e = arr_obj(a, i);
			struct rep_model_error me;

			me.job = get_int(e, "job");
			me.replica = get_int(e, "replica");
			me.line = get_int(e, "line");
			me.time_ns = get_int(e, "time_ns");
			me.strategy = get_str(e, "strategy");
			me.replay = get_str(e, "replay");
			me.phase = get_str(e, "phase");
			me.message = get_str(e, "message");
			me.file = get_str(e, "file");
			me.task = get_str(e, "task");
			g_array_append_val(run->model_errors, me);
		}
	run->replicas = get_int(plan, "replicas");
	run->jobs = get_int(plan, "jobs");
	run->shard = get_str(plan, "shard");
	a = get_arr(plan, "strategies");
	for (i = 0; i < json_array_get_length(a); i++) {
		JsonNode *n = json_array_get_element(a, i);

		if (JSON_NODE_HOLDS_VALUE(n) && json_node_get_value_type(n) == G_TYPE_STRING)
			g_ptr_array_add(run->plan_strategies, (gpointer)json_node_get_string(n));
	}
	run->sweep_key = get_str(sweep, "key");
	if ((a = get_arr(sweep, "values")))
		for (i = 0; i < json_array_get_length(a); i++) {
			JsonNode *n = json_array_get_element(a, i);

			if (JSON_NODE_HOLDS_VALUE(n) &&
			    json_node_get_value_type(n) == G_TYPE_STRING)
				point_of(run, json_node_get_string(n));
		}

	a = get_arr(o, "strategies");
	for (i = 0; i < json_array_get_length(a); i++) {
		struct rep_strategy *s = read_strategy(run, arr_obj(a, i));

		if (!run->sweep_key)
			s->sweep_value = NULL;
		s->point = point_of(run, s->sweep_value);
		g_ptr_array_add(((struct rep_point *)run->points->pdata[s->point])->strategies, s);
		for (j = 0; j < run->plan_strategies->len; j++)
			if (strcmp(run->plan_strategies->pdata[j], s->name) == 0)
				break;
		if (j == run->plan_strategies->len)
			g_ptr_array_add(run->plan_strategies, (gpointer)s->name);
		s->color = j;
		g_ptr_array_add(run->strategies, s);
	}
	/* Sweep values nobody ran (an interrupted or sharded run) are dropped. */
	for (i = run->points->len; i-- > 0;)
		if (!((struct rep_point *)run->points->pdata[i])->strategies->len)
			g_ptr_array_remove_index(run->points, i);
	for (i = 0; i < run->strategies->len; i++) {
		struct rep_strategy *s = run->strategies->pdata[i];

		s->point = point_of(run, s->sweep_value);
	}

	if ((a = get_arr(o, "comparison")))
		for (i = 0; i < json_array_get_length(a); i++)
			if (arr_obj(a, i) && get_str(arr_obj(a, i), "strategy"))
				g_ptr_array_add(run->comparisons,
						read_comparison(arr_obj(a, i)));

	run->host.present = host != NULL;
	run->host.wall_s = get_num(host, "wall_s", NAN);
	run->host.events_per_s = get_num(host, "events_per_s", NAN);
	run->host.threads = get_int(host, "threads");
	run->host.peak_rss_bytes = get_int(host, "peak_rss_bytes");
	run->host.jobs_run = get_int(host, "jobs_run");
	read_config(run, get_obj(o, "config"));
}

struct rep_run *rep_run_load(const char *path, GError **err)
{
	struct rep_run *run;
	JsonParser *parser;
	GError *e = NULL;
	char *text;
	gsize len;
	FILE *f;

	/* fopen first for a plain "PATH: strerror" (GLib's message is
	 * phrased differently and quotes the name). */
	if (!(f = fopen(path, "rb"))) {
		fail(err, path, "%s", g_strerror(errno));
		return NULL;
	}
	fclose(f);
	if (!g_file_get_contents(path, &text, &len, &e)) {
		g_set_error_literal(err, REPORT_ERROR, REPORT_ERROR_INPUT, e->message);
		g_error_free(e);
		return NULL;
	}
	{
		gsize where = 0;

		if (rep_json_depth(text, len, REP_MAX_DEPTH, &where) > REP_MAX_DEPTH) {
			fail(err, path, "not a faultline results file (nested "
			     "deeper than %u at byte %" G_GSIZE_FORMAT ")",
			     REP_MAX_DEPTH, where);
			g_free(text);
			return NULL;
		}
	}
	parser = json_parser_new_immutable();
	if (!json_parser_load_from_data(parser, text, (gssize)len, &e)) {
		/* json-glib says "<data>:LINE:COL: Parse error: ...", quoting
		 * the bad text newlines and all: one line, control bytes
		 * become '?' */
		const char *msg = g_str_has_prefix(e->message, "<data>:") ?
			e->message + strlen("<data>:") : e->message;

		for (char *c = e->message; *c; c++)
			if ((unsigned char)*c < 0x20 || *c == 0x7f)
				*c = '?';

		g_set_error(err, REPORT_ERROR, REPORT_ERROR_INPUT, "%s:%s%s", path,
			    g_ascii_isdigit(*msg) ? "" : " ", msg);
		g_error_free(e);
		g_free(text);
		g_object_unref(parser);
		return NULL;
	}
	g_free(text);
	if (!check_schema(json_parser_get_root(parser), path, err) ||
	    !rep_validate(json_parser_get_root(parser), path, err)) {
		g_object_unref(parser);
		return NULL;
	}

	run = g_new0(struct rep_run, 1);
	run->path = g_strdup(path);
	run->doc = parser;
	run->plan_strategies = g_ptr_array_new();
	run->points = g_ptr_array_new_with_free_func(point_free);
	run->strategies = g_ptr_array_new_with_free_func(strategy_free);
	run->comparisons = g_ptr_array_new_with_free_func(comparison_free);
	run->config = g_ptr_array_new_with_free_func(g_free);
	run->op_names = g_ptr_array_new();
	run->lock_names = g_ptr_array_new();
	run->kind_names = g_ptr_array_new();
	read_run(run, json_node_get_object(json_parser_get_root(parser)));
	return run;
}

void rep_run_free(struct rep_run *run)
{
	if (!run)
		return;
	g_ptr_array_unref(run->strategies);
	g_ptr_array_unref(run->points);
	g_ptr_array_unref(run->comparisons);
	g_ptr_array_unref(run->plan_strategies);
	g_ptr_array_unref(run->config);
	g_ptr_array_unref(run->op_names);
	g_ptr_array_unref(run->lock_names);
	g_ptr_array_unref(run->kind_names);
	if (run->model_errors)
		g_array_unref(run->model_errors);
	g_object_unref(run->doc);
	g_free(run->path);
	g_free(run);
}

/* ---- lookups ------------------------------------------------------------------- */

const struct rep_latency *rep_strategy_op(const struct rep_strategy *s,
					  const char *op)
{
	guint i;

	for (i = 0; i < s->ops->len; i++)
		if (strcmp(((struct rep_latency *)s->ops->pdata[i])->op, op) == 0)
			return s->ops->pdata[i];
	return NULL;
}

const struct rep_lock *rep_strategy_lock(const struct rep_strategy *s,
					 const char *name)
{
	guint i;

	for (i = 0; i < s->locks->len; i++)
		if (strcmp(((struct rep_lock *)s->locks->pdata[i])->name, name) == 0)
			return s->locks->pdata[i];
	return NULL;
}

double rep_latency_pct(const struct rep_latency *l, double p)
{
	guint i;

	for (i = 0; l && i < l->pcts->len; i++)
		if (fabs(g_array_index(l->pcts, struct rep_pct, i).p - p) < 1e-9)
			return g_array_index(l->pcts, struct rep_pct, i).ns;
	return NAN;
}

const struct rep_comparison *rep_run_comparison(const struct rep_run *run,
						const struct rep_strategy *s)
{
	guint i;

	for (i = 0; i < run->comparisons->len; i++) {
		const struct rep_comparison *c = run->comparisons->pdata[i];

		if (strcmp(c->strategy, s->name) == 0 &&
		    g_strcmp0(c->sweep_value, s->sweep_value) == 0)
			return c;
	}
	return NULL;
}

const struct rep_op_diff *rep_comparison_op(const struct rep_comparison *c,
					    const char *op)
{
	guint i;

	for (i = 0; c && i < c->ops->len; i++)
		if (strcmp(g_array_index(c->ops, struct rep_op_diff, i).op, op) == 0)
			return &g_array_index(c->ops, struct rep_op_diff, i);
	return NULL;
}
