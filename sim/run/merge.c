/* sim/run/merge.c — shard files back into one run (see merge.h).  json-glib
 * parses; every number of a record is read back exactly (histogram sums
 * were written with 17 significant digits). */
#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "sim/run/merge.h"

#define MERGE_ERROR (merge_error_quark())
static G_DEFINE_QUARK(sim-merge-error-quark, merge_error)

/* Parsing context: the file, and the first problem found. */
struct rd {
	const char *path;
	bool bad;
	char *why;
};

static void fail(struct rd *rd, const char *why)
{
	if (!rd->bad) {
		rd->bad = true;
		rd->why = g_strdup(why);
	}
}

static JsonNode *member(struct rd *rd, JsonObject *o, const char *key)
{
	JsonNode *n = o ? json_object_get_member(o, key) : NULL;

	if (!n) {
		char *why = g_strdup_printf("missing \"%s\"", key);

		fail(rd, why);
		g_free(why);
	}
	return n;
}

static JsonObject *get_obj(struct rd *rd, JsonObject *o, const char *key)
{
	JsonNode *n = member(rd, o, key);

	if (n && JSON_NODE_HOLDS_OBJECT(n))
		return json_node_get_object(n);
	if (n)
		fail(rd, key);
	return NULL;
}

static JsonArray *get_arr(struct rd *rd, JsonObject *o, const char *key)
{
	JsonNode *n = member(rd, o, key);

	if (n && JSON_NODE_HOLDS_ARRAY(n))
		return json_node_get_array(n);
	if (n)
		fail(rd, key);
	return NULL;
}

static bool is_int(JsonNode *n)
{
	return n && JSON_NODE_HOLDS_VALUE(n) &&
	       json_node_get_value_type(n) == G_TYPE_INT64;
}

static gint64 get_int(struct rd *rd, JsonObject *o, const char *key)
{
	JsonNode *n = member(rd, o, key);

	if (is_int(n))
		return json_node_get_int(n);
	if (n)
		fail(rd, key);
	return 0;
}

static double get_double(struct rd *rd, JsonObject *o, const char *key)
{
	JsonNode *n = member(rd, o, key);

	if (n && JSON_NODE_HOLDS_VALUE(n) &&
	    (json_node_get_value_type(n) == G_TYPE_DOUBLE ||
	     json_node_get_value_type(n) == G_TYPE_INT64))
		return json_node_get_double(n);
	if (n)
		fail(rd, key);
	return 0;
}

/* A string member, or NULL for null. */
static const char *get_str(struct rd *rd, JsonObject *o, const char *key,
			   bool nullable)
{
	JsonNode *n = member(rd, o, key);

	if (n && JSON_NODE_HOLDS_VALUE(n) &&
	    json_node_get_value_type(n) == G_TYPE_STRING)
		return json_node_get_string(n);
	if (n && nullable && JSON_NODE_HOLDS_NULL(n))
		return NULL;
	if (n)
		fail(rd, key);
	return NULL;
}

static JsonObject *arr_obj(struct rd *rd, JsonArray *a, unsigned i)
{
	JsonNode *n = json_array_get_element(a, i);

	if (n && JSON_NODE_HOLDS_OBJECT(n))
		return json_node_get_object(n);
	fail(rd, "an array element that is not an object");
	return NULL;
}

static void read_hist(struct rd *rd, JsonObject *o, const char *key,
		      struct sim_hist_sparse *h)
{
	JsonObject *ho = get_obj(rd, o, key);
	JsonArray *b;
	unsigned i, n;

	memset(h, 0, sizeof(*h));
	if (!ho)
		return;
	h->count = (uint64_t)get_int(rd, ho, "count");
	h->overflow = (uint64_t)get_int(rd, ho, "overflow");
	h->min = get_int(rd, ho, "min");
	h->max = get_int(rd, ho, "max");
	h->sum = get_double(rd, ho, "sum");
	h->sumsq = get_double(rd, ho, "sumsq");
	b = get_arr(rd, ho, "buckets");
	n = b ? json_array_get_length(b) : 0;
	h->idx = g_new0(uint32_t, n + 1);
	h->cnt = g_new0(uint64_t, n + 1);
	h->n = n;
	for (i = 0; i < n; i++) {
		JsonNode *e = json_array_get_element(b, i);
		JsonArray *pair = JSON_NODE_HOLDS_ARRAY(e) ?
				  json_node_get_array(e) : NULL;
		gint64 idx;

		if (!pair || json_array_get_length(pair) != 2 ||
		    !is_int(json_array_get_element(pair, 0)) ||
		    !is_int(json_array_get_element(pair, 1))) {
			fail(rd, "a histogram bucket");
			return;
		}
		idx = json_array_get_int_element(pair, 0);
		if (idx < 0 || idx >= SIM_HIST_BUCKETS ||
		    (i && (uint32_t)idx <= h->idx[i - 1])) {
			fail(rd, "a histogram bucket index");
			return;
		}
		h->idx[i] = (uint32_t)idx;
		h->cnt[i] = (uint64_t)json_array_get_int_element(pair, 1);
	}
}

static struct sim_job_rec *read_job(struct rd *rd, const struct sim_plan *plan,
				    JsonObject *o)
{
	struct sim_job_rec *rec = g_new0(struct sim_job_rec, 1);
	gint64 job = get_int(rd, o, "job");
	JsonArray *a;
	JsonObject *host;
	const char *stop;
	unsigned i;

	if (rd->bad || job < 0 || job >= plan->n_jobs) {
		fail(rd, "a job index outside the plan");
		g_free(rec);
		return NULL;
	}
	rec->id = sim_plan_job(plan, (unsigned)job);
	rec->sim_time = get_int(rd, o, "sim_time_ns");
	rec->events = (uint64_t)get_int(rd, o, "events");
	stop = get_str(rd, o, "stop", false);
	rec->stop = stop && sim_stop_parse(stop) >= 0 ?
		    (enum sim_stop)sim_stop_parse(stop) : SIM_STOP_TIME;
	rec->timeline_ns = get_int(rd, o, "timeline_ns");

	a = get_arr(rd, o, "ops");
	rec->n_ops = a ? json_array_get_length(a) : 0;
	rec->ops = g_new0(struct sim_rec_op, rec->n_ops + 1);
	for (i = 0; i < rec->n_ops; i++) {
		JsonObject *e = arr_obj(rd, a, i);

		rec->ops[i].name = g_strdup(get_str(rd, e, "name", false));
		read_hist(rd, e, "latency", &rec->ops[i].lat);
		/* added to schema 1 later: absent in older shards */
		if (e && json_object_has_member(e, "skipped"))
			rec->ops[i].skipped = (uint64_t)get_int(rd, e, "skipped");
	}
	a = get_arr(rd, o, "kinds");
	rec->n_kinds = a ? json_array_get_length(a) : 0;
	rec->kinds = g_new0(struct sim_rec_kind, rec->n_kinds + 1);
	for (i = 0; i < rec->n_kinds; i++) {
		JsonObject *e = arr_obj(rd, a, i);

		rec->kinds[i].name = g_strdup(get_str(rd, e, "name", false));
		rec->kinds[i].count = (uint64_t)get_int(rd, e, "count");
		rec->kinds[i].first_time = get_int(rd, e, "first_time_ns");
		rec->kinds[i].explanation =
			g_strdup(get_str(rd, e, "explanation", true));
	}
	a = get_arr(rd, o, "locks");
	rec->n_locks = a ? json_array_get_length(a) : 0;
	rec->locks = g_new0(struct sim_rec_lock, rec->n_locks + 1);
	for (i = 0; i < rec->n_locks; i++) {
		JsonObject *e = arr_obj(rd, a, i);
		struct sim_rec_lock *l = &rec->locks[i];

		l->name = g_strdup(get_str(rd, e, "name", false));
		l->acquisitions = (uint64_t)get_int(rd, e, "acquisitions");
		l->acquisitions_read = (uint64_t)get_int(rd, e, "acquisitions_read");
		l->contentions = (uint64_t)get_int(rd, e, "contentions");
		read_hist(rd, e, "wait", &l->wait);
		read_hist(rd, e, "hold", &l->hold);
	}
	a = get_arr(rd, o, "timeline");
	rec->n_spans = a ? json_array_get_length(a) : 0;
	rec->spans = g_new0(struct sim_rec_span, rec->n_spans + 1);
	for (i = 0; i < rec->n_spans; i++) {
		JsonObject *e = arr_obj(rd, a, i);
		struct sim_rec_span *s = &rec->spans[i];
		const char *mode;

		s->task = g_strdup(get_str(rd, e, "task", false));
		s->lock = g_strdup(get_str(rd, e, "lock", false));
		mode = get_str(rd, e, "mode", false);
		s->write = mode && strcmp(mode, "w") == 0;
		s->begin = get_int(rd, e, "begin_ns");
		s->end = get_int(rd, e, "end_ns");
		s->wait_begin = get_int(rd, e, "wait_begin_ns");
	}
	host = get_obj(rd, o, "host");
	if (host) {
		rec->wall_s = get_double(rd, host, "wall_s");
		rec->heap_peak = (uint64_t)get_int(rd, host, "heap_peak_bytes");
		rec->stack_bytes = (uint64_t)get_int(rd, host, "stack_bytes");
	}
	/* null elements above are caught as missing members */
	if (rd->bad) {
		sim_job_rec_free(rec);
		return NULL;
	}
	return rec;
}

static char **read_strv(struct rd *rd, JsonArray *a)
{
	unsigned i, n = a ? json_array_get_length(a) : 0;
	char **v = g_new0(char *, n + 1);

	for (i = 0; i < n; i++) {
		JsonNode *e = json_array_get_element(a, i);

		if (!JSON_NODE_HOLDS_VALUE(e) ||
		    json_node_get_value_type(e) != G_TYPE_STRING) {
			fail(rd, "a list of names");
			break;
		}
		v[i] = g_strdup(json_node_get_string(e));
	}
	return v;
}

/* The plan a shard file describes; its identity text (for comparing shards)
 * in *ident. */
static struct sim_plan *read_plan(struct rd *rd, JsonObject *root, char **ident)
{
	struct sim_plan *p = g_new0(struct sim_plan, 1);
	JsonObject *po = get_obj(rd, root, "plan"), *co = get_obj(rd, root, "config");
	JsonNode *sweep;
	JsonObjectIter si;
	const char *name, *shard;
	JsonNode *sv;
	GPtrArray *secs;
	gint64 replicas, jobs;
	JsonNode *tmp;
	char *a, *b;

	p->config_file = g_strdup(get_str(rd, root, "config_file", false));
	p->seed = (uint64_t)get_int(rd, root, "seed");
	p->strategies = read_strv(rd, get_arr(rd, po, "strategies"));
	p->n_strategies = g_strv_length(p->strategies);
	replicas = get_int(rd, po, "replicas");
	jobs = get_int(rd, po, "jobs");
	sweep = member(rd, po, "sweep");
	if (sweep && JSON_NODE_HOLDS_OBJECT(sweep)) {
		JsonObject *so = json_node_get_object(sweep);

		p->sweep_key = g_strdup(get_str(rd, so, "key", false));
		p->sweep_values = read_strv(rd, get_arr(rd, so, "values"));
		p->n_points = g_strv_length(p->sweep_values);
	} else {
		p->n_points = 1;
	}
	shard = get_str(rd, po, "shard", false);
	if (!rd->bad && (!shard || !sim_plan_parse_shard(shard, &p->shard_k,
							 &p->shard_n, NULL)))
		fail(rd, "plan.shard");
	if (!rd->bad && (p->n_strategies == 0 || replicas < 1 || p->n_points == 0 ||
			 jobs != (gint64)p->n_points * p->n_strategies * replicas))
		fail(rd, "an inconsistent plan");
	p->replicas = (unsigned)replicas;
	p->n_jobs = (unsigned)jobs;

	secs = g_ptr_array_new();
	if (co) {
		JsonObjectIter ki;
		const char *key;
		JsonNode *kv;

		json_object_iter_init_ordered(&si, co);
		while (json_object_iter_next_ordered(&si, &name, &sv)) {
			struct sim_plan_section *s = g_new0(struct sim_plan_section, 1);
			GPtrArray *keys = g_ptr_array_new(), *vals = g_ptr_array_new();

			s->name = g_strdup(name);
			if (!JSON_NODE_HOLDS_OBJECT(sv)) {
				fail(rd, "config");
				break;
			}
			json_object_iter_init_ordered(&ki, json_node_get_object(sv));
			while (json_object_iter_next_ordered(&ki, &key, &kv)) {
				const char *v = JSON_NODE_HOLDS_VALUE(kv) &&
					json_node_get_value_type(kv) == G_TYPE_STRING ?
					json_node_get_string(kv) : NULL;

				if (strcmp(key, "type") == 0) {
					s->type = g_strdup(v);
					continue;
				}
				g_ptr_array_add(keys, g_strdup(key));
				g_ptr_array_add(vals, g_strdup(v));
			}
			s->n = keys->len;
			s->keys = (char **)g_ptr_array_free(keys, FALSE);
			s->values = (char **)g_ptr_array_free(vals, FALSE);
			if (!s->type)
				s->type = g_strdup("");
			g_ptr_array_add(secs, s);
		}
	}
	p->n_sections = secs->len;
	p->sections = g_new0(struct sim_plan_section, secs->len + 1);
	for (guint i = 0; i < secs->len; i++) {
		p->sections[i] = *(struct sim_plan_section *)g_ptr_array_index(secs, i);
		g_free(g_ptr_array_index(secs, i));
	}
	g_ptr_array_unref(secs);

	/* identity: everything but the shard's K */
	tmp = json_object_get_member(root, "config");
	a = tmp ? json_to_string(tmp, FALSE) : g_strdup("");
	tmp = po ? json_object_get_member(po, "sweep") : NULL;
	b = tmp ? json_to_string(tmp, FALSE) : g_strdup("");
	{
		char *strat = g_strjoinv(",", p->strategies);

		*ident = g_strdup_printf("%s|%" G_GUINT64_FORMAT "|%s|%u|%s|%u|%s",
					 p->config_file ? p->config_file : "",
					 p->seed, strat, p->replicas, b,
					 p->shard_n, a);
		g_free(strat);
	}
	g_free(a);
	g_free(b);
	return p;
}

static bool rd_error(struct rd *rd, GError **err)
{
	g_set_error(err, MERGE_ERROR, 0, "%s: not a valid faultline shard "
		    "file (%s)", rd->path, rd->why ? rd->why : "?");
	g_free(rd->why);
	return false;
}

struct sim_run *sim_merge_load(char *const *paths, unsigned n,
			       struct sim_plan **plan_out, GError **err)
{
	struct sim_plan *plan = NULL;
	struct sim_run *run = NULL;
	char *ident0 = NULL;
	bool *seen = NULL, *job_seen = NULL, *shard_cut = NULL;
	unsigned f, i;

	if (n == 0) {
		g_set_error(err, MERGE_ERROR, 0, "merge: no shard file given "
			    "(sim merge OUT.json SHARD...)");
		return NULL;
	}
	for (f = 0; f < n; f++) {
		JsonParser *parser = json_parser_new_immutable();
		struct rd rd = { .path = paths[f] };
		GError *perr = NULL;
		JsonNode *root;
		JsonObject *ro;
		struct sim_plan *p;
		char *ident = NULL;
		const char *schema;
		JsonArray *jobs;
		bool interrupted;

		if (!json_parser_load_from_file(parser, paths[f], &perr)) {
			const char *m = perr->message;

			/* json-glib names the file itself: once is enough */
			if (g_str_has_prefix(m, paths[f]) &&
			    m[strlen(paths[f])] == ':')
				m += strlen(paths[f]) + 1;
			g_set_error(err, MERGE_ERROR, 0, "%s: not a faultline "
				    "shard file (not JSON:%s%s)", paths[f],
				    *m == ' ' ? "" : " ", m);
			g_error_free(perr);
			g_object_unref(parser);
			goto fail;
		}
		root = json_parser_get_root(parser);
		ro = root && JSON_NODE_HOLDS_OBJECT(root) ?
		     json_node_get_object(root) : NULL;
		schema = ro ? get_str(&rd, ro, "schema", false) : NULL;
		if (!schema || strcmp(schema, "faultline-shard") != 0 ||
		    get_int(&rd, ro, "schema_version") != 1) {
			g_set_error(err, MERGE_ERROR, 0, "%s: not a faultline "
				    "shard file (schema faultline-shard, "
				    "version 1; write one with --shard K/N -o)",
				    paths[f]);
			g_free(rd.why);
			g_object_unref(parser);
			goto fail;
		}
		p = read_plan(&rd, ro, &ident);
		interrupted = json_object_get_boolean_member_with_default(
			ro, "interrupted", FALSE);
		if (rd.bad) {
			rd_error(&rd, err);
			g_free(ident);
			sim_plan_free(p);
			g_object_unref(parser);
			goto fail;
		}
		if (!plan) {
			plan = p;
			ident0 = ident;
			run = sim_run_new(plan);
			seen = g_new0(bool, plan->shard_n + 1);
			shard_cut = g_new0(bool, plan->shard_n + 1);
			job_seen = g_new0(bool, plan->n_jobs + 1);
		} else {
			bool same = strcmp(ident, ident0) == 0;
			unsigned k = p->shard_k;

			g_free(ident);
			sim_plan_free(p);
			if (!same) {
				g_set_error(err, MERGE_ERROR, 0, "%s: a shard of "
					    "another plan than %s (config, seed, "
					    "strategies, replicas, sweep and N "
					    "must match)", paths[f], paths[0]);
				g_object_unref(parser);
				goto fail;
			}
			plan->shard_k = k;
		}
		if (seen[plan->shard_k]) {
			g_set_error(err, MERGE_ERROR, 0, "%s: shard %u/%u given "
				    "twice", paths[f], plan->shard_k,
				    plan->shard_n);
			g_object_unref(parser);
			goto fail;
		}
		seen[plan->shard_k] = true;
		shard_cut[plan->shard_k] = interrupted;
		jobs = get_arr(&rd, ro, "jobs");
		for (i = 0; jobs && i < json_array_get_length(jobs); i++) {
			JsonNode *e = json_array_get_element(jobs, i);
			struct sim_job_rec *rec = JSON_NODE_HOLDS_OBJECT(e) ?
				read_job(&rd, plan, json_node_get_object(e)) : NULL;

			if (!rec) {
				fail(&rd, "a job");
				break;
			}
			if (!sim_plan_in_shard(plan, rec->id.index) ||
			    job_seen[rec->id.index]) {
				sim_job_rec_free(rec);
				fail(&rd, "a job that is not this shard's, or twice");
				break;
			}
			job_seen[rec->id.index] = true;
			run->recs[rec->id.index] = rec;
		}
		if (!rd.bad) {
			JsonObject *host = get_obj(&rd, ro, "host");

			if (host) {
				run->wall_s += get_double(&rd, host, "wall_s");
				run->threads = MAX(run->threads,
						   (unsigned)get_int(&rd, host, "threads"));
				run->peak_rss = MAX(run->peak_rss, (uint64_t)
						    get_int(&rd, host, "peak_rss_bytes"));
			}
		}
		g_object_unref(parser);
		if (rd.bad) {
			rd_error(&rd, err);
			goto fail;
		}
		run->interrupted |= interrupted;
	}
	for (i = 1; i <= plan->shard_n; i++)
		if (!seen[i]) {
			g_set_error(err, MERGE_ERROR, 0, "merge: shard %u/%u "
				    "missing", i, plan->shard_n);
			goto fail;
		}
	for (i = 0; i < plan->n_jobs; i++) {
		struct sim_job_rec *rec = run->recs[i];

		if (!rec && !shard_cut[i % plan->shard_n + 1]) {
			g_set_error(err, MERGE_ERROR, 0, "merge: job %u missing "
				    "from shard %u/%u", i, i % plan->shard_n + 1,
				    plan->shard_n);
			goto fail;
		}
		if (rec)
			sim_run_count(run, rec);
	}
	run->shards = n;
	/* the merged run is the whole plan */
	plan->shard_k = plan->shard_n = 1;
	g_free(ident0);
	g_free(seen);
	g_free(shard_cut);
	g_free(job_seen);
	*plan_out = plan;
	return run;
fail:
	g_free(ident0);
	g_free(seen);
	g_free(shard_cut);
	g_free(job_seen);
	sim_run_free(run);
	sim_plan_free(plan);
	return NULL;
}
