/* sim/run/merge.c — shard files back into one run (see merge.h).  json-glib
 * parses; every number of a record is read back exactly (histogram sums
 * were written with 17 significant digits).
 *
 * Nothing read is trusted: a shard may be damaged, hand-edited or hostile.
 * Before json-glib sees the text its nesting depth is bounded (the parser
 * recurses once per level).  Then every number is checked against the
 * schema (an integer where one belongs, no negative count, none past
 * INT64_MAX) and against the others (a histogram's buckets add up to its
 * count and hold its min and max, its sum lies between count × min and
 * count × max, a lock's holds never outnumber its acquisitions, a span
 * lies inside the timeline, ...); every name against the model (strategy,
 * op and violation kinds: every kind the model reports must be there) or,
 * where the model has no list (lock classes, task names), against the
 * characters a name may have.  All the counts of all the shards are also
 * added up in one unsigned sum that must stay below 2^63: then no total
 * the output forms from a subset of them can wrap.  The first problem is
 * reported as one line with the file and the JSON path of the value. */
#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "sim/run/merge.h"

#define MERGE_ERROR (merge_error_quark())
static G_DEFINE_QUARK(sim-merge-error-quark, merge_error)

/* Our files nest 7 deep (results.json) and 8 (shards); json-glib's parser
 * recurses once per level, and a file nested 100 000 deep overflows the
 * stack. */
#define MERGE_MAX_DEPTH 32
/* Names (ops, kinds, locks, tasks, strategies) are short identifiers. */
#define MERGE_MAX_NAME 64
/* Texts (explanations, messages, config values). */
#define MERGE_MAX_TEXT (1u << 20)

/* Parsing context: the file, the JSON path being read, the first problem. */
struct rd {
	const char *file;
	const struct sim_model_ops *model;  /* may be NULL */
	GString *path;              /* "$.jobs[3].ops[0]" */
	char *why;                  /* "PATH: what"; NULL: no problem yet */
	uint64_t grand;             /* every count read so far, summed */
};

static bool ok(const struct rd *rd)
{
	return !rd->why;
}

static G_GNUC_PRINTF(2, 3) void bad(struct rd *rd, const char *fmt, ...)
{
	va_list ap;
	char *what;

	if (rd->why)
		return;
	va_start(ap, fmt);
	what = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	rd->why = g_strdup_printf("%s: %s", rd->path->str, what);
	g_free(what);
}

static size_t push_key(struct rd *rd, const char *key)
{
	size_t mark = rd->path->len;

	g_string_append_printf(rd->path, ".%s", key);
	return mark;
}

static size_t push_idx(struct rd *rd, unsigned i)
{
	size_t mark = rd->path->len;

	g_string_append_printf(rd->path, "[%u]", i);
	return mark;
}

static void pop(struct rd *rd, size_t mark)
{
	g_string_truncate(rd->path, mark);
}

/* ---- typed values (at the current path) ------------------------------------- */

static bool is_int(JsonNode *n)
{
	return n && JSON_NODE_HOLDS_VALUE(n) &&
	       json_node_get_value_type(n) == G_TYPE_INT64;
}

/* An integer in [min, INT64_MAX]. */
static int64_t val_int(struct rd *rd, JsonNode *n, int64_t min)
{
	int64_t v;

	if (!is_int(n)) {
		bad(rd, "expected an integer");
		return min;
	}
	v = json_node_get_int(n);
	if (v < min) {
		bad(rd, "%" G_GINT64_FORMAT " is out of range (at least %"
		    G_GINT64_FORMAT ")", v, min);
		return min;
	}
	return v;
}

/* A count: a non-negative integer, added to the grand total. */
static uint64_t val_count(struct rd *rd, JsonNode *n)
{
	uint64_t v = (uint64_t)val_int(rd, n, 0);

	if (ok(rd) && (__builtin_add_overflow(rd->grand, v, &rd->grand) ||
		       rd->grand > (uint64_t)INT64_MAX))
		bad(rd, "%" G_GUINT64_FORMAT " makes the counts of the "
		    "shards add up past 2^63 (a damaged count?)", v);
	return v;
}

static double val_double(struct rd *rd, JsonNode *n)
{
	double v;

	if (!n || !JSON_NODE_HOLDS_VALUE(n) ||
	    (json_node_get_value_type(n) != G_TYPE_DOUBLE &&
	     json_node_get_value_type(n) != G_TYPE_INT64)) {
		bad(rd, "expected a number");
		return 0;
	}
	v = json_node_get_double(n);
	if (!isfinite(v) || v < 0) {
		bad(rd, "%g is out of range (a finite number >= 0)", v);
		return 0;
	}
	return v;
}

static const char *val_str(struct rd *rd, JsonNode *n, bool nullable,
			   size_t max)
{
	const char *s;

	if (n && nullable && JSON_NODE_HOLDS_NULL(n))
		return NULL;
	if (!n || !JSON_NODE_HOLDS_VALUE(n) ||
	    json_node_get_value_type(n) != G_TYPE_STRING) {
		bad(rd, nullable ? "expected a string or null" : "expected a string");
		return NULL;
	}
	s = json_node_get_string(n);
	if (strlen(s) > max) {
		bad(rd, "a string of %zu bytes (at most %zu)", strlen(s), max);
		return NULL;
	}
	return s;
}

/* A name a model gives (op, kind, lock class, task): printable ASCII
 * letters, digits and " _-./:>" only, 1..MERGE_MAX_NAME bytes; one of
 * `known` if that list is given. */
static const char *val_name(struct rd *rd, JsonNode *n,
			    const char *const *known, const char *what)
{
	const char *s = val_str(rd, n, false, MERGE_MAX_NAME);
	const char *c;

	if (!s)
		return NULL;
	if (!*s) {
		bad(rd, "an empty %s name", what);
		return NULL;
	}
	for (c = s; *c; c++)
		if (!g_ascii_isalnum(*c) && !strchr(" _-./:>", *c)) {
			bad(rd, "%s name '%s' has a character (0x%02x) no "
			    "name has", what, s, (unsigned char)*c);
			return NULL;
		}
	if (known) {
		const char *const *k;

		for (k = known; *k; k++)
			if (strcmp(*k, s) == 0)
				return s;
		bad(rd, "unknown %s '%s'", what, s);
		return NULL;
	}
	return s;
}

/* ---- members (each at path.key) --------------------------------------------- */

static JsonNode *member(struct rd *rd, JsonObject *o, const char *key)
{
	JsonNode *n = o ? json_object_get_member(o, key) : NULL;

	if (!n && o && ok(rd)) {
		size_t m = push_key(rd, key);

		bad(rd, "missing");
		pop(rd, m);
	}
	return n;
}

#define AT(rd, key, expr) ({                                     \
	size_t __m = push_key((rd), (key));                      \
	__auto_type __v = (expr);                                \
	pop((rd), __m);                                          \
	__v; })

static JsonObject *get_obj(struct rd *rd, JsonObject *o, const char *key)
{
	JsonNode *n = member(rd, o, key);

	if (!n)
		return NULL;
	if (JSON_NODE_HOLDS_OBJECT(n))
		return json_node_get_object(n);
	AT(rd, key, (bad(rd, "expected an object"), 0));
	return NULL;
}

static JsonArray *get_arr(struct rd *rd, JsonObject *o, const char *key,
			  unsigned max)
{
	JsonNode *n = member(rd, o, key);
	JsonArray *a;

	if (!n)
		return NULL;
	if (!JSON_NODE_HOLDS_ARRAY(n)) {
		AT(rd, key, (bad(rd, "expected an array"), 0));
		return NULL;
	}
	a = json_node_get_array(n);
	if (json_array_get_length(a) > max) {
		AT(rd, key, (bad(rd, "%u elements (at most %u)",
				 json_array_get_length(a), max), 0));
		return NULL;
	}
	return a;
}

static int64_t get_int(struct rd *rd, JsonObject *o, const char *key,
		       int64_t min)
{
	JsonNode *n = member(rd, o, key);

	return n ? AT(rd, key, val_int(rd, n, min)) : min;
}

static uint64_t get_count(struct rd *rd, JsonObject *o, const char *key)
{
	JsonNode *n = member(rd, o, key);

	return n ? AT(rd, key, val_count(rd, n)) : 0;
}

static double get_double(struct rd *rd, JsonObject *o, const char *key)
{
	JsonNode *n = member(rd, o, key);

	return n ? AT(rd, key, val_double(rd, n)) : 0;
}

static const char *get_str(struct rd *rd, JsonObject *o, const char *key,
			   bool nullable, size_t max)
{
	JsonNode *n = member(rd, o, key);

	return n ? AT(rd, key, val_str(rd, n, nullable, max)) : NULL;
}

static const char *get_name(struct rd *rd, JsonObject *o, const char *key,
			    const char *const *known, const char *what)
{
	JsonNode *n = member(rd, o, key);

	return n ? AT(rd, key, val_name(rd, n, known, what)) : NULL;
}

/* Element i of a, an object (the path is at a; element i is pushed). */
static JsonObject *elem_obj(struct rd *rd, JsonArray *a, unsigned i)
{
	JsonNode *n = json_array_get_element(a, i);

	if (n && JSON_NODE_HOLDS_OBJECT(n))
		return json_node_get_object(n);
	bad(rd, "expected an object");
	return NULL;
}

/* ---- the nesting bound ---------------------------------------------------------- */

/* Deepest nesting of [ and { in text (outside strings); stops counting
 * past max. */
static unsigned json_depth(const char *text, size_t len, unsigned max,
			   size_t *where)
{
	unsigned depth = 0, deepest = 0;
	bool in_str = false;
	size_t i;

	for (i = 0; i < len; i++) {
		char c = text[i];

		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = false;
			continue;
		}
		if (c == '"') {
			in_str = true;
		} else if (c == '[' || c == '{') {
			if (++depth > deepest) {
				deepest = depth;
				if (deepest > max) {
					*where = i;
					return deepest;
				}
			}
		} else if ((c == ']' || c == '}') && depth) {
			depth--;
		}
	}
	return deepest;
}

/* ---- records ------------------------------------------------------------------ */

/* The bucket sim_hist_record puts v (>= 0) in. */
static uint32_t bucket_of(int64_t v)
{
	return v > SIM_HIST_VMAX ? SIM_HIST_BUCKETS - 1 :
	       sim_hist_index((uint64_t)v);
}

static void read_hist(struct rd *rd, JsonObject *o, const char *key,
		      struct sim_hist_sparse *h)
{
	size_t m;
	JsonObject *ho = get_obj(rd, o, key);
	JsonArray *b;
	uint64_t total = 0;
	unsigned i, n;

	memset(h, 0, sizeof(*h));
	if (!ho)
		return;
	m = push_key(rd, key);
	h->count = get_count(rd, ho, "count");
	h->overflow = get_count(rd, ho, "overflow");
	h->min = get_int(rd, ho, "min", INT64_MIN);
	h->max = get_int(rd, ho, "max", INT64_MIN);
	h->sum = get_double(rd, ho, "sum");
	h->sumsq = get_double(rd, ho, "sumsq");
	b = get_arr(rd, ho, "buckets", SIM_HIST_BUCKETS);
	n = b && ok(rd) ? json_array_get_length(b) : 0;
	h->idx = g_new0(uint32_t, n + 1);
	h->cnt = g_new0(uint64_t, n + 1);
	h->n = n;
	for (i = 0; i < n && ok(rd); i++) {
		size_t mb = push_key(rd, "buckets"), mi = push_idx(rd, i), m0;
		JsonNode *e = json_array_get_element(b, i);
		JsonArray *pair = JSON_NODE_HOLDS_ARRAY(e) ?
				  json_node_get_array(e) : NULL;
		int64_t idx;

		if (!pair || json_array_get_length(pair) != 2) {
			bad(rd, "expected [index, count]");
			break;
		}
		m0 = push_idx(rd, 0);
		idx = val_int(rd, json_array_get_element(pair, 0), 0);
		pop(rd, m0);
		m0 = push_idx(rd, 1);
		h->cnt[i] = val_count(rd, json_array_get_element(pair, 1));
		pop(rd, m0);
		if (!ok(rd))
			break;
		if (idx >= SIM_HIST_BUCKETS || (i && (uint32_t)idx <= h->idx[i - 1]))
			bad(rd, "bucket index %" G_GINT64_FORMAT " out of order "
			    "or past the last (%u)", idx, SIM_HIST_BUCKETS - 1);
		else if (h->cnt[i] == 0)
			bad(rd, "an empty bucket (only non-empty ones are listed)");
		h->idx[i] = (uint32_t)idx;
		total += h->cnt[i];     /* no wrap: the grand total bounds it */
		pop(rd, mi);
		pop(rd, mb);
	}
	if (!ok(rd))
		return;
	if (total != h->count)
		bad(rd, "count %" G_GUINT64_FORMAT " but the buckets add up to %"
		    G_GUINT64_FORMAT, h->count, total);
	else if (h->overflow > (n ? h->cnt[n - 1] : 0) ||
		 (h->overflow && h->idx[n - 1] != SIM_HIST_BUCKETS - 1))
		bad(rd, "overflow %" G_GUINT64_FORMAT " is more than the last "
		    "bucket holds", h->overflow);
	else if (h->count && (h->min < 0 || h->min > h->max))
		bad(rd, "min %" G_GINT64_FORMAT " and max %" G_GINT64_FORMAT
		    " do not bound non-negative values", h->min, h->max);
	else if (h->count && (bucket_of(h->min) != h->idx[0] ||
			      bucket_of(h->max) != h->idx[n - 1]))
		bad(rd, "min %" G_GINT64_FORMAT " or max %" G_GINT64_FORMAT
		    " is not in the first or last bucket", h->min, h->max);
	else if (h->count &&
		 (h->sum < (double)h->count * (double)h->min * (1 - 1e-6) - 1 ||
		  h->sum > (double)h->count * (double)h->max * (1 + 1e-6) + 1 ||
		  h->sumsq > (double)h->count * (double)h->max *
			     (double)h->max * (1 + 1e-6) + 1))
		bad(rd, "sum %.17g or sumsq %.17g cannot come from %"
		    G_GUINT64_FORMAT " values in [%" G_GINT64_FORMAT ", %"
		    G_GINT64_FORMAT "]", h->sum, h->sumsq, h->count, h->min,
		    h->max);
	else if (!h->count && (h->overflow || h->sum != 0 || h->sumsq != 0))
		bad(rd, "an empty histogram with a sum or overflow");
	pop(rd, m);
}

static bool dup_name(const char *const *names, unsigned n, const char *name)
{
	for (unsigned i = 0; i < n; i++)
		if (names[i] && name && strcmp(names[i], name) == 0)
			return true;
	return false;
}

static void read_ops(struct rd *rd, JsonObject *o, struct sim_job_rec *rec)
{
	JsonArray *a = get_arr(rd, o, "ops", SIM_MAX_OPS);
	const char *names[SIM_MAX_OPS];
	size_t m;
	unsigned i;

	if (!a || !ok(rd))
		return;
	m = push_key(rd, "ops");
	rec->n_ops = json_array_get_length(a);
	rec->ops = g_new0(struct sim_rec_op, rec->n_ops + 1);
	for (i = 0; i < rec->n_ops && ok(rd); i++) {
		size_t mi = push_idx(rd, i);
		JsonObject *e = elem_obj(rd, a, i);
		const char *name = get_name(rd, e, "name",
					    rd->model ? rd->model->ops : NULL, "op");

		if (ok(rd) && dup_name(names, i, name))
			AT(rd, "name", (bad(rd, "op '%s' twice", name), 0));
		names[i] = name;
		rec->ops[i].name = g_strdup(name);
		read_hist(rd, e, "latency", &rec->ops[i].lat);
		/* added to schema 1 later: absent in older shards */
		if (e && json_object_has_member(e, "skipped"))
			rec->ops[i].skipped = get_count(rd, e, "skipped");
		/* ... and "faults" (none in older shards) */
		if (e && json_object_has_member(e, "faults"))
			read_hist(rd, e, "faults", &rec->ops[i].faults);
		pop(rd, mi);
	}
	pop(rd, m);
}

static void read_kinds(struct rd *rd, JsonObject *o, struct sim_job_rec *rec)
{
	JsonArray *a = get_arr(rd, o, "kinds", SIM_MAX_KINDS);
	const char *names[SIM_MAX_KINDS];
	const char *const *known = rd->model ? rd->model->kinds : NULL;
	size_t m;
	unsigned i;

	if (!a || !ok(rd))
		return;
	m = push_key(rd, "kinds");
	rec->n_kinds = json_array_get_length(a);
	rec->kinds = g_new0(struct sim_rec_kind, rec->n_kinds + 1);
	for (i = 0; i < rec->n_kinds && ok(rd); i++) {
		size_t mi = push_idx(rd, i);
		JsonObject *e = elem_obj(rd, a, i);
		struct sim_rec_kind *k = &rec->kinds[i];
		const char *name = get_name(rd, e, "name", known, "violation kind");

		if (ok(rd) && dup_name(names, i, name))
			AT(rd, "name", (bad(rd, "kind '%s' twice", name), 0));
		names[i] = name;
		k->name = g_strdup(name);
		k->count = get_count(rd, e, "count");
		k->first_time = get_int(rd, e, "first_time_ns", -1);
		k->explanation = g_strdup(get_str(rd, e, "explanation", true,
						  MERGE_MAX_TEXT));
		if (ok(rd) && k->first_time > rec->sim_time)
			AT(rd, "first_time_ns", (bad(rd, "%" G_GINT64_FORMAT
			   " is after the job's end (%" G_GINT64_FORMAT ")",
			   k->first_time, rec->sim_time), 0));
		if (ok(rd) && !k->count && (k->first_time >= 0 || k->explanation))
			bad(rd, "no violation, but a first time or explanation");
		pop(rd, mi);
	}
	/* every kind the model reports is listed, at zero too */
	for (i = 0; known && known[i] && ok(rd); i++)
		if (!dup_name(names, rec->n_kinds, known[i]))
			bad(rd, "kind '%s' missing", known[i]);
	pop(rd, m);
}

/* "points": [[site or null, count], ...] — a lock class's contention
 * points. */
static void read_points(struct rd *rd, JsonObject *e, struct sim_rec_lock *l)
{
	JsonArray *a = get_arr(rd, e, "points", 64);
	unsigned i, n = a ? json_array_get_length(a) : 0;

	l->points = g_new0(struct sim_rec_lock_point, n + 1);
	for (i = 0; i < n && ok(rd); i++) {
		JsonNode *en = json_array_get_element(a, i);
		JsonArray *pair = JSON_NODE_HOLDS_ARRAY(en) ?
				  json_node_get_array(en) : NULL;
		JsonNode *s, *c;

		if (!pair || json_array_get_length(pair) != 2) {
			bad(rd, "points: expected [site, count] pairs");
			return;
		}
		s = json_array_get_element(pair, 0);
		c = json_array_get_element(pair, 1);
		if (!(JSON_NODE_HOLDS_NULL(s) ||
		      (JSON_NODE_HOLDS_VALUE(s) &&
		       json_node_get_value_type(s) == G_TYPE_STRING)) ||
		    !JSON_NODE_HOLDS_VALUE(c) ||
		    json_node_get_value_type(c) != G_TYPE_INT64 ||
		    json_node_get_int(c) < 0) {
			bad(rd, "points: expected [site, count] pairs");
			return;
		}
		l->points[l->n_points].site = JSON_NODE_HOLDS_NULL(s) ? NULL :
			g_strdup(json_node_get_string(s));
		l->points[l->n_points++].count = (uint64_t)json_node_get_int(c);
	}
}

static void read_locks(struct rd *rd, JsonObject *o, struct sim_job_rec *rec)
{
	JsonArray *a = get_arr(rd, o, "locks", SIM_MAX_LOCK_CLASSES);
	const char *names[SIM_MAX_LOCK_CLASSES];
	size_t m;
	unsigned i;

	if (!a || !ok(rd))
		return;
	m = push_key(rd, "locks");
	rec->n_locks = json_array_get_length(a);
	rec->locks = g_new0(struct sim_rec_lock, rec->n_locks + 1);
	for (i = 0; i < rec->n_locks && ok(rd); i++) {
		size_t mi = push_idx(rd, i);
		JsonObject *e = elem_obj(rd, a, i);
		struct sim_rec_lock *l = &rec->locks[i];
		const char *name = get_name(rd, e, "name", NULL, "lock class");

		if (ok(rd) && dup_name(names, i, name))
			AT(rd, "name", (bad(rd, "lock class '%s' twice", name), 0));
		names[i] = name;
		l->name = g_strdup(name);
		l->acquisitions = get_count(rd, e, "acquisitions");
		l->acquisitions_read = get_count(rd, e, "acquisitions_read");
		l->contentions = get_count(rd, e, "contentions");
		read_hist(rd, e, "wait", &l->wait);
		read_hist(rd, e, "hold", &l->hold);
		/* added to schema 1 later: absent in older shards */
		if (e && json_object_has_member(e, "hold_read")) {
			l->contentions_read = get_count(rd, e, "contentions_read");
			l->acq_bounces = get_count(rd, e, "acq_bounces");
			l->con_bounces = get_count(rd, e, "con_bounces");
			l->acq_bounces_read = get_count(rd, e, "acq_bounces_read");
			l->con_bounces_read = get_count(rd, e, "con_bounces_read");
			read_hist(rd, e, "wait_read", &l->wait_read);
			read_hist(rd, e, "hold_read", &l->hold_read);
			read_points(rd, e, l);
		}
		if (ok(rd) && l->acquisitions_read > l->acquisitions)
			bad(rd, "%" G_GUINT64_FORMAT " shared acquisitions of %"
			    G_GUINT64_FORMAT, l->acquisitions_read, l->acquisitions);
		else if (ok(rd) && l->hold.count > l->acquisitions)
			bad(rd, "%" G_GUINT64_FORMAT " holds of %" G_GUINT64_FORMAT
			    " acquisitions", l->hold.count, l->acquisitions);
		else if (ok(rd) && l->wait.count > l->contentions)
			bad(rd, "%" G_GUINT64_FORMAT " waits of %" G_GUINT64_FORMAT
			    " contentions", l->wait.count, l->contentions);
		pop(rd, mi);
	}
	pop(rd, m);
}

static void read_timeline(struct rd *rd, JsonObject *o, struct sim_job_rec *rec)
{
	JsonArray *a;
	size_t m;
	unsigned i, j;

	rec->timeline_ns = get_int(rd, o, "timeline_ns", 0);
	/* added to schema 1 later: absent in older shards */
	if (json_object_has_member(o, "timeline_asked_ns"))
		rec->timeline_asked_ns = get_int(rd, o, "timeline_asked_ns", 0);
	a = get_arr(rd, o, "timeline", SIM_MAX_TIMELINE);
	if (!a || !ok(rd))
		return;
	m = push_key(rd, "timeline");
	rec->n_spans = json_array_get_length(a);
	rec->spans = g_new0(struct sim_rec_span, rec->n_spans + 1);
	for (i = 0; i < rec->n_spans && ok(rd); i++) {
		size_t mi = push_idx(rd, i);
		JsonObject *e = elem_obj(rd, a, i);
		struct sim_rec_span *s = &rec->spans[i];
		const char *mode, *lock;

		s->task = g_strdup(get_name(rd, e, "task", NULL, "task"));
		lock = get_name(rd, e, "lock", NULL, "lock class");
		s->lock = g_strdup(lock);
		for (j = 0; lock && j < rec->n_locks; j++)
			if (strcmp(rec->locks[j].name, lock) == 0)
				break;
		if (ok(rd) && j == rec->n_locks)
			AT(rd, "lock", (bad(rd, "lock class '%s' is not among "
					    "the job's locks", lock), 0));
		mode = get_str(rd, e, "mode", false, 1);
		if (ok(rd) && strcmp(mode, "r") != 0 && strcmp(mode, "w") != 0)
			AT(rd, "mode", (bad(rd, "expected \"r\" or \"w\""), 0));
		s->write = mode && strcmp(mode, "w") == 0;
		s->begin = get_int(rd, e, "begin_ns", 0);
		s->end = get_int(rd, e, "end_ns", 0);
		s->wait_begin = get_int(rd, e, "wait_begin_ns", 0);
		if (ok(rd) && !(s->wait_begin <= s->begin && s->begin <= s->end &&
				s->end <= rec->timeline_ns))
			bad(rd, "wait_begin_ns <= begin_ns <= end_ns <= "
			    "timeline_ns (%" G_GINT64_FORMAT ") does not hold",
			    rec->timeline_ns);
		pop(rd, mi);
	}
	pop(rd, m);
}

static struct sim_job_rec *read_job(struct rd *rd, const struct sim_plan *plan,
				    JsonObject *o)
{
	struct sim_job_rec *rec = g_new0(struct sim_job_rec, 1);
	int64_t job = get_int(rd, o, "job", 0);
	JsonObject *host;
	const char *stop;

	if (ok(rd) && job >= plan->n_jobs)
		AT(rd, "job", (bad(rd, "job %" G_GINT64_FORMAT " is outside the "
				   "plan (%u jobs)", job, plan->n_jobs), 0));
	if (!ok(rd)) {
		g_free(rec);
		return NULL;
	}
	rec->id = sim_plan_job(plan, (unsigned)job);
	rec->sim_time = get_int(rd, o, "sim_time_ns", 0);
	rec->events = get_count(rd, o, "events");
	stop = get_str(rd, o, "stop", false, MERGE_MAX_NAME);
	if (ok(rd) && sim_stop_parse(stop) < 0)
		AT(rd, "stop", (bad(rd, "unknown stop reason '%s'", stop), 0));
	rec->stop = ok(rd) ? (enum sim_stop)sim_stop_parse(stop) : SIM_STOP_TIME;
	read_ops(rd, o, rec);
	read_kinds(rd, o, rec);
	read_locks(rd, o, rec);
	read_timeline(rd, o, rec);
	host = get_obj(rd, o, "host");
	if (host) {
		size_t m = push_key(rd, "host");

		rec->wall_s = get_double(rd, host, "wall_s");
		rec->heap_peak = (uint64_t)get_int(rd, host, "heap_peak_bytes", 0);
		rec->stack_bytes = (uint64_t)get_int(rd, host, "stack_bytes", 0);
		pop(rd, m);
	}
	if (!ok(rd)) {
		sim_job_rec_free(rec);
		return NULL;
	}
	return rec;
}

static const char *const phases[] = { "create", "run", "finish", NULL };

static struct sim_model_error *read_model_error(struct rd *rd,
						const struct sim_plan *plan,
						JsonObject *o)
{
	struct sim_model_error *e = g_new0(struct sim_model_error, 1);
	int64_t job = get_int(rd, o, "job", 0);
	const char *strategy;
	char replay[48];
	const char *rp;

	if (ok(rd) && job >= plan->n_jobs)
		AT(rd, "job", (bad(rd, "job %" G_GINT64_FORMAT " is outside the "
				   "plan (%u jobs)", job, plan->n_jobs), 0));
	if (!ok(rd)) {
		g_free(e);
		return NULL;
	}
	e->id = sim_plan_job(plan, (unsigned)job);
	strategy = get_name(rd, o, "strategy",
			    (const char *const *)plan->strategies, "strategy");
	if (ok(rd) && strcmp(strategy, plan->strategies[e->id.strategy]) != 0)
		AT(rd, "strategy", (bad(rd, "job %u is strategy '%s'",
					e->id.index,
					plan->strategies[e->id.strategy]), 0));
	if (ok(rd) && get_int(rd, o, "replica", 0) != e->id.replica)
		AT(rd, "replica", (bad(rd, "job %u is replica %u", e->id.index,
				       e->id.replica), 0));
	if (ok(rd) && (uint64_t)get_int(rd, o, "seed", 0) != e->id.seed)
		AT(rd, "seed", (bad(rd, "not the plan's seed"), 0));
	g_snprintf(replay, sizeof(replay), "%" G_GUINT64_FORMAT ":%u",
		   e->id.seed, e->id.index);
	rp = get_str(rd, o, "replay", false, MERGE_MAX_NAME);
	if (ok(rd) && strcmp(rp, replay) != 0)
		AT(rd, "replay", (bad(rd, "job %u replays as %s", e->id.index,
				      replay), 0));
	e->phase = g_strdup(get_name(rd, o, "phase", phases, "phase"));
	e->message = g_strdup(get_str(rd, o, "message", false, MERGE_MAX_TEXT));
	e->file = g_strdup(get_str(rd, o, "file", false, 4096));
	e->line = (int)get_int(rd, o, "line", 0);
	if (ok(rd) && e->line < 0)
		AT(rd, "line", (bad(rd, "out of range"), 0));
	e->time = get_int(rd, o, "time_ns", 0);
	e->task = g_strdup(get_str(rd, o, "task", true, MERGE_MAX_NAME));
	e->events = get_count(rd, o, "events");
	if (!ok(rd)) {
		sim_model_error_free(e);
		return NULL;
	}
	return e;
}

static char **read_strv(struct rd *rd, JsonArray *a, const char *const *known,
			const char *what)
{
	unsigned i, n = a ? json_array_get_length(a) : 0;
	char **v = g_new0(char *, n + 1);

	for (i = 0; i < n && ok(rd); i++) {
		size_t m = push_idx(rd, i);
		const char *s = known || what ?
			val_name(rd, json_array_get_element(a, i), known, what) :
			val_str(rd, json_array_get_element(a, i), false,
				MERGE_MAX_TEXT);

		if (ok(rd) && dup_name((const char *const *)v, i, s))
			bad(rd, "'%s' twice", s);
		v[i] = g_strdup(s);
		pop(rd, m);
	}
	if (!ok(rd)) {
		for (i = 0; i < n; i++)
			g_free(v[i]);
		v[0] = NULL;
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
	int64_t replicas, jobs;
	JsonNode *tmp;
	char *a, *b;
	size_t m;

	p->config_file = g_strdup(get_str(rd, root, "config_file", false, 4096));
	p->seed = (uint64_t)get_int(rd, root, "seed", 0);
	m = push_key(rd, "plan");
	p->strategies = AT(rd, "strategies", read_strv(rd,
		get_arr(rd, po, "strategies", 4096),
		rd->model ? rd->model->strategies : NULL, "strategy"));
	p->n_strategies = g_strv_length(p->strategies);
	replicas = get_int(rd, po, "replicas", 1);
	jobs = get_int(rd, po, "jobs", 1);
	sweep = member(rd, po, "sweep");
	if (sweep && JSON_NODE_HOLDS_OBJECT(sweep)) {
		JsonObject *so = json_node_get_object(sweep);
		size_t ms = push_key(rd, "sweep");

		p->sweep_key = g_strdup(get_str(rd, so, "key", false, MERGE_MAX_NAME));
		p->sweep_values = AT(rd, "values", read_strv(rd,
			get_arr(rd, so, "values", SIM_PLAN_MAX_JOBS), NULL, NULL));
		p->n_points = g_strv_length(p->sweep_values);
		pop(rd, ms);
	} else {
		if (sweep && !JSON_NODE_HOLDS_NULL(sweep))
			AT(rd, "sweep", (bad(rd, "expected an object or null"), 0));
		p->n_points = 1;
	}
	shard = get_str(rd, po, "shard", false, MERGE_MAX_NAME);
	if (ok(rd) && !sim_plan_parse_shard(shard, &p->shard_k, &p->shard_n, NULL))
		AT(rd, "shard", (bad(rd, "expected K/N with 1 <= K <= N"), 0));
	if (ok(rd) && (p->n_strategies == 0 || p->n_points == 0 ||
		       jobs > SIM_PLAN_MAX_JOBS ||
		       jobs != (int64_t)p->n_points * p->n_strategies * replicas))
		AT(rd, "jobs", (bad(rd, "%" G_GINT64_FORMAT " jobs, but %u "
				    "strategies x %" G_GINT64_FORMAT " replicas x "
				    "%u sweep points (at most %u)", jobs,
				    p->n_strategies, replicas, p->n_points,
				    SIM_PLAN_MAX_JOBS), 0));
	if (ok(rd) && p->shard_n > jobs)
		AT(rd, "shard", (bad(rd, "%u shards of %" G_GINT64_FORMAT " jobs",
				     p->shard_n, jobs), 0));
	pop(rd, m);
	p->replicas = ok(rd) ? (unsigned)replicas : 0;
	p->n_jobs = ok(rd) ? (unsigned)jobs : 0;

	secs = g_ptr_array_new();
	if (co && ok(rd)) {
		JsonObjectIter ki;
		const char *key;
		JsonNode *kv;

		m = push_key(rd, "config");
		json_object_iter_init_ordered(&si, co);
		while (ok(rd) && json_object_iter_next_ordered(&si, &name, &sv)) {
			struct sim_plan_section *s = g_new0(struct sim_plan_section, 1);
			GPtrArray *keys = g_ptr_array_new(), *vals = g_ptr_array_new();
			size_t ms = push_key(rd, name);

			s->name = g_strdup(name);
			g_ptr_array_add(secs, s);
			if (!JSON_NODE_HOLDS_OBJECT(sv)) {
				bad(rd, "expected an object");
				g_ptr_array_free(keys, TRUE);
				g_ptr_array_free(vals, TRUE);
				break;
			}
			json_object_iter_init_ordered(&ki, json_node_get_object(sv));
			while (ok(rd) && json_object_iter_next_ordered(&ki, &key, &kv)) {
				const char *v = AT(rd, key, val_str(rd, kv, true,
								    MERGE_MAX_TEXT));

				if (strcmp(key, "type") == 0) {
					s->type = g_strdup(v);
					continue;
				}
				g_ptr_array_add(keys, g_strdup(key));
				g_ptr_array_add(vals, g_strdup(v));
			}
			s->n = keys->len;
			g_ptr_array_add(keys, NULL);
			g_ptr_array_add(vals, NULL);
			s->keys = (char **)g_ptr_array_free(keys, FALSE);
			s->values = (char **)g_ptr_array_free(vals, FALSE);
			if (!s->type)
				s->type = g_strdup("");
			pop(rd, ms);
		}
		pop(rd, m);
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
		    "file: %s", rd->file, rd->why ? rd->why : "?");
	return false;
}
/* json-glib's parse errors quote the bad text, newlines and all (an
 * invalid string constant runs to the next quote): our errors are one
 * line, so control bytes become '?'. */
static const char *merge_sim_one_line(char *s)
{
	for (char *c = s; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
	return s;
}


/* Reads and parses path, the nesting bounded first. */
static JsonParser *load(const char *path, GError **err)
{
	JsonParser *parser;
	GError *perr = NULL;
	char *text = NULL;
	size_t len = 0, where = 0;

	if (!g_file_get_contents(path, &text, &len, &perr)) {
		g_set_error(err, MERGE_ERROR, 0, "%s", perr->message);
		g_error_free(perr);
		return NULL;
	}
	if (json_depth(text, len, MERGE_MAX_DEPTH, &where) > MERGE_MAX_DEPTH) {
		g_set_error(err, MERGE_ERROR, 0, "%s: not a faultline shard "
			    "file (nested deeper than %u at byte %zu)", path,
			    MERGE_MAX_DEPTH, where);
		g_free(text);
		return NULL;
	}
	parser = json_parser_new_immutable();
	if (!json_parser_load_from_data(parser, text, (gssize)len, &perr)) {
		const char *m = merge_sim_one_line(perr->message);

		/* json-glib names the data "<data>" or the file: once is
		 * enough */
		if (g_str_has_prefix(m, "<data>:"))
			m += strlen("<data>:");
		g_set_error(err, MERGE_ERROR, 0, "%s: not a faultline "
			    "shard file (not JSON:%s%s)", path,
			    *m == ' ' ? "" : " ", m);
		g_error_free(perr);
		g_object_unref(parser);
		parser = NULL;
	}
	g_free(text);
	return parser;
}

struct sim_run *sim_merge_load(char *const *paths, unsigned n,
			       const struct sim_model_ops *model,
			       struct sim_plan **plan_out, GError **err)
{
	struct sim_plan *plan = NULL;
	struct sim_run *run = NULL;
	char *ident0 = NULL;
	bool *seen = NULL, *job_seen = NULL, *shard_cut = NULL;
	uint64_t grand = 0;
	unsigned f, i;

	if (n == 0) {
		g_set_error(err, MERGE_ERROR, 0, "merge: no shard file given "
			    "(sim merge OUT.json SHARD...)");
		return NULL;
	}
	for (f = 0; f < n; f++) {
		JsonParser *parser = load(paths[f], err);
		struct rd rd = { .file = paths[f], .model = model,
				 .grand = grand };
		JsonNode *root;
		JsonObject *ro;
		struct sim_plan *p;
		char *ident = NULL;
		const char *schema;
		JsonArray *jobs;
		JsonNode *in;
		bool interrupted = false;

		if (!parser)
			goto fail;
		rd.path = g_string_new("$");
		root = json_parser_get_root(parser);
		ro = root && JSON_NODE_HOLDS_OBJECT(root) ?
		     json_node_get_object(root) : NULL;
		schema = ro ? get_str(&rd, ro, "schema", false, 64) : NULL;
		if (!schema || strcmp(schema, "faultline-shard") != 0 ||
		    get_int(&rd, ro, "schema_version", 0) != 1) {
			g_set_error(err, MERGE_ERROR, 0, "%s: not a faultline "
				    "shard file (schema faultline-shard, "
				    "version 1; write one with --shard K/N -o)",
				    paths[f]);
			goto fail_file;
		}
		g_clear_pointer(&rd.why, g_free);
		g_string_assign(rd.path, "$");
		p = read_plan(&rd, ro, &ident);
		in = member(&rd, ro, "interrupted");
		if (in && ok(&rd)) {
			if (JSON_NODE_HOLDS_VALUE(in) &&
			    json_node_get_value_type(in) == G_TYPE_BOOLEAN)
				interrupted = json_node_get_boolean(in);
			else
				AT(&rd, "interrupted",
				   (bad(&rd, "expected true or false"), 0));
		}
		if (!ok(&rd)) {
			rd_error(&rd, err);
			g_free(ident);
			sim_plan_free(p);
			goto fail_file;
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
				goto fail_file;
			}
			plan->shard_k = k;
		}
		if (seen[plan->shard_k]) {
			g_set_error(err, MERGE_ERROR, 0, "%s: shard %u/%u given "
				    "twice", paths[f], plan->shard_k,
				    plan->shard_n);
			goto fail_file;
		}
		seen[plan->shard_k] = true;
		shard_cut[plan->shard_k] = interrupted;
		jobs = get_arr(&rd, ro, "jobs", SIM_PLAN_MAX_JOBS);
		for (i = 0; jobs && ok(&rd) && i < json_array_get_length(jobs); i++) {
			size_t m = push_key(&rd, "jobs"), mi = push_idx(&rd, i);
			JsonObject *e = elem_obj(&rd, jobs, i);
			struct sim_job_rec *rec = e ? read_job(&rd, plan, e) : NULL;

			if (rec && (!sim_plan_in_shard(plan, rec->id.index) ||
				    job_seen[rec->id.index])) {
				AT(&rd, "job", (bad(&rd, "job %u is not shard "
					"%u/%u's, or listed twice", rec->id.index,
					plan->shard_k, plan->shard_n), 0));
				sim_job_rec_free(rec);
				rec = NULL;
			}
			if (rec) {
				job_seen[rec->id.index] = true;
				run->recs[rec->id.index] = rec;
			}
			pop(&rd, mi);
			pop(&rd, m);
		}
		if (ok(&rd) && json_object_has_member(ro, "model_errors")) {
			JsonArray *me = get_arr(&rd, ro, "model_errors",
						SIM_PLAN_MAX_JOBS);

			for (i = 0; me && ok(&rd) && i < json_array_get_length(me); i++) {
				size_t m = push_key(&rd, "model_errors"),
				       mi = push_idx(&rd, i);
				JsonObject *e = elem_obj(&rd, me, i);
				struct sim_model_error *er =
					e ? read_model_error(&rd, plan, e) : NULL;

				if (er && (!sim_plan_in_shard(plan, er->id.index) ||
					   job_seen[er->id.index])) {
					AT(&rd, "job", (bad(&rd, "job %u is not "
						"shard %u/%u's, or listed twice",
						er->id.index, plan->shard_k,
						plan->shard_n), 0));
					sim_model_error_free(er);
					er = NULL;
				}
				if (er) {
					job_seen[er->id.index] = true;
					sim_run_add_error(run, er);
				}
				pop(&rd, mi);
				pop(&rd, m);
			}
		}
		if (ok(&rd)) {
			JsonObject *host = get_obj(&rd, ro, "host");

			if (host) {
				size_t m = push_key(&rd, "host");

				run->wall_s += get_double(&rd, host, "wall_s");
				run->threads = MAX(run->threads, (unsigned)
						   get_int(&rd, host, "threads", 0));
				run->peak_rss = MAX(run->peak_rss, (uint64_t)
						    get_int(&rd, host, "peak_rss_bytes", 0));
				pop(&rd, m);
			}
		}
		if (!ok(&rd)) {
			rd_error(&rd, err);
			goto fail_file;
		}
		grand = rd.grand;
		g_string_free(rd.path, TRUE);
		g_object_unref(parser);
		run->interrupted |= interrupted;
		continue;
fail_file:
		g_free(rd.why);
		g_string_free(rd.path, TRUE);
		g_object_unref(parser);
		goto fail;
	}
	for (i = 1; i <= plan->shard_n; i++)
		if (!seen[i]) {
			g_set_error(err, MERGE_ERROR, 0, "merge: shard %u/%u "
				    "missing", i, plan->shard_n);
			goto fail;
		}
	for (i = 0; i < plan->n_jobs; i++) {
		struct sim_job_rec *rec = run->recs[i];

		if (!job_seen[i] && !shard_cut[i % plan->shard_n + 1]) {
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

struct sim_job_rec *sim_merge_read_job(const struct sim_plan *plan,
				       const char *what, const char *json,
				       gsize len, GError **err)
{
	JsonParser *parser;
	struct rd rd = { .file = what };
	struct sim_job_rec *rec = NULL;
	GError *perr = NULL;
	JsonNode *root;
	size_t where = 0;

	if (json_depth(json, len, MERGE_MAX_DEPTH, &where) > MERGE_MAX_DEPTH) {
		g_set_error(err, MERGE_ERROR, 0, "%s: not a job record (nested "
			    "deeper than %u at byte %zu)", what, MERGE_MAX_DEPTH,
			    where);
		return NULL;
	}
	parser = json_parser_new_immutable();
	if (!json_parser_load_from_data(parser, json, (gssize)len, &perr)) {
		g_set_error(err, MERGE_ERROR, 0, "%s: not a job record (not "
			    "JSON: %s)", what, merge_sim_one_line(perr->message));
		g_error_free(perr);
		g_object_unref(parser);
		return NULL;
	}
	rd.path = g_string_new("$");
	root = json_parser_get_root(parser);
	if (root && JSON_NODE_HOLDS_OBJECT(root))
		rec = read_job(&rd, plan, json_node_get_object(root));
	else
		bad(&rd, "not an object");
	if (!rec) {
		g_set_error(err, MERGE_ERROR, 0, "%s: not a valid job record "
			    "(%s)", what, rd.why ? rd.why : "?");
		g_free(rd.why);
	}
	g_string_free(rd.path, TRUE);
	g_object_unref(parser);
	return rec;
}
