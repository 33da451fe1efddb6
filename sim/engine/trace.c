/* sim/engine/trace.c — Chrome Trace Event JSON writer (see trace.h). */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "sim/engine/jsonw.h"
#include "sim/engine/trace.h"

/* A track: one task's spans of one kind ("op", or one lock class's waits
 * and holds), at most one open at a time, so its spans never overlap. */
struct track {
	unsigned task;
	const char *group;          /* "op", "lock", or the span's cat */
	const char *name;           /* lock class; NULL for "op" */
	unsigned lane;              /* 1: first track of (task, group, name) */
	unsigned tid;
	bool busy;
	int next;                   /* the next lane's track, -1: none */
};

/* (task, group, name) → its first track (tw->kinds). */
struct track_key {
	unsigned task;
	const char *group, *name;   /* name NULL for "op" */
};

static guint key_hash(gconstpointer p)
{
	const struct track_key *k = p;

	return k->task * 2654435761u ^ g_str_hash(k->group) ^
	       (k->name ? g_str_hash(k->name) * 31u : 0);
}

static gboolean key_equal(gconstpointer a, gconstpointer b)
{
	const struct track_key *x = a, *y = b;

	return x->task == y->task && strcmp(x->group, y->group) == 0 &&
	       g_strcmp0(x->name, y->name) == 0;
}

struct open_span {
	unsigned task;
	const char *cat, *name;     /* static or world-lived: compared by text */
	sim_time_t begin;
	char mode;                  /* 'r', 'w', or 0 (not a lock hold) */
	unsigned track;             /* index in tracks */
	bool ranged;                /* a range lock's: args.range */
	int64_t start, end;
};

#define TRACE_TASK_TIDS 256         /* tids per task: its track and lanes */

struct sim_trace_writer {
	FILE *f;
	char *path, *tmp;
	GArray *open;               /* struct open_span */
	GArray *tracks;             /* struct track, in creation order */
	GHashTable *kinds;          /* struct track_key * → first track + 1 */
	GArray *lanes;              /* per task: tracks created (unsigned) */
	unsigned overflow;          /* tracks past TRACE_TASK_TIDS per task */
	GString *buf;
	bool first;
	sim_time_t from, to;        /* window; to < 0: none */
};

struct sim_trace_writer *sim_trace_writer_new(const char *path, GError **err)
{
	struct sim_trace_writer *tw = g_new0(struct sim_trace_writer, 1);

	tw->f = sim_atomic_open(path, &tw->tmp, err);
	if (!tw->f) {
		g_free(tw);
		return NULL;
	}
	tw->path = g_strdup(path);
	tw->open = g_array_new(FALSE, FALSE, sizeof(struct open_span));
	tw->tracks = g_array_new(FALSE, FALSE, sizeof(struct track));
	tw->kinds = g_hash_table_new_full(key_hash, key_equal, g_free, NULL);
	tw->lanes = g_array_new(FALSE, TRUE, sizeof(unsigned));
	tw->buf = g_string_sized_new(256);
	tw->first = true;
	tw->to = -1;
	fputs("{\"displayTimeUnit\": \"ns\", \"traceEvents\": [\n", tw->f);
	return tw;
}

void sim_trace_writer_set_window(struct sim_trace_writer *tw, sim_time_t from,
				 sim_time_t to)
{
	tw->from = from > 0 ? from : 0;
	tw->to = to;
}

char *sim_task_label(const struct sim_world *w, unsigned id)
{
	const struct sim_task *t = sim_world_task(w, id);
	unsigned i, n = sim_world_task_count(w);

	if (!t)
		return g_strdup_printf("?/%u", id);
	for (i = 0; i < n; i++)
		if (i != id && strcmp(sim_task_name(sim_world_task(w, i)),
				      sim_task_name(t)) == 0)
			return g_strdup_printf("%s/%u", sim_task_name(t), id);
	return g_strdup(sim_task_name(t));
}

bool sim_trace_hold_is_shared(struct sim_world *w, unsigned task)
{
	struct sim_task *t = sim_world_task(w, task);
	struct sim_note n;

	return t && sim_task_notes(t, &n, 1) == 1 &&
	       strcmp(n.what, "acquire-read") == 0;
}

static void put_ts(GString *b, const char *key, sim_time_t ns)
{
	g_string_append_printf(b, ", \"%s\": %" PRId64 ".%03d", key,
			       ns / 1000, (int)(ns % 1000));
}

static void emit(struct sim_trace_writer *tw, const char *ph, unsigned tid,
		 bool process, const char *cat, const char *name, sim_time_t ts,
		 sim_time_t dur, char mode, bool still_open, bool clipped,
		 const struct open_span *range)
{
	GString *b = tw->buf;
	bool args = mode || still_open || clipped || range;

	g_string_truncate(b, 0);
	if (!tw->first)
		g_string_append(b, ",\n");
	tw->first = false;
	g_string_append(b, "{\"name\": ");
	sim_json_escape(b, name);
	g_string_append(b, ", \"cat\": ");
	sim_json_escape(b, cat);
	g_string_append_printf(b, ", \"ph\": \"%s\", \"pid\": 1, \"tid\": %u",
			       ph, tid);
	put_ts(b, "ts", ts);
	if (dur >= 0)
		put_ts(b, "dur", dur);
	if (ph[0] == 'i')
		g_string_append_printf(b, ", \"s\": \"%s\"", process ? "p" : "t");
	if (args) {
		const char *sep = "";

		g_string_append(b, ", \"args\": {");
		if (mode) {
			g_string_append_printf(b, "\"mode\": \"%c\"", mode);
			sep = ", ";
		}
		if (range) {
			/* bytes, inclusive end, as the kernel's lend */
			g_string_append_printf(b, "%s\"range\": \"[%" PRId64
					       ", ", sep, range->start);
			if (range->end == INT64_MAX)
				g_string_append(b, "EOF]\"");
			else
				g_string_append_printf(b, "%" PRId64 "]\"",
						       range->end);
			sep = ", ";
		}
		if (still_open) {
			g_string_append_printf(b, "%s\"open\": true", sep);
			sep = ", ";
		}
		if (clipped)
			g_string_append_printf(b, "%s\"clipped\": true", sep);
		g_string_append_c(b, '}');
	}
	g_string_append_c(b, '}');
	fwrite(b->str, 1, b->len, tw->f);
}

/* Writes span [begin, end] on tid, cut to the window (nothing when it
 * lies outside). */
static void emit_span(struct sim_trace_writer *tw, unsigned tid,
		      const char *cat, const char *name, sim_time_t begin,
		      sim_time_t end, char mode, bool still_open,
		      const struct open_span *range)
{
	bool clipped = false;

	if (end < tw->from || (tw->to >= 0 && begin > tw->to))
		return;
	if (begin < tw->from) {
		begin = tw->from;
		clipped = true;
	}
	if (tw->to >= 0 && end > tw->to) {
		end = tw->to;
		clipped = true;
	}
	emit(tw, "X", tid, false, cat, name, begin, end - begin, mode,
	     still_open, clipped, range);
}

static const char *track_group(const char *cat)
{
	if (strcmp(cat, "lock-wait") == 0 || strcmp(cat, "lock-hold") == 0)
		return "lock";
	return cat;
}

/* The task's own track (its ops and instants). */
static unsigned task_tid(unsigned task)
{
	return task * TRACE_TASK_TIDS;
}

/* A free track for a span of (task, cat, name): the first of that kind
 * with nothing open on it, or a new one. */
static unsigned track_for(struct sim_trace_writer *tw, unsigned task,
			  const char *cat, const char *name)
{
	const char *group = track_group(cat);
	bool op = strcmp(group, "op") == 0;
	struct track_key key = { task, group, op ? NULL : name };
	gpointer first = g_hash_table_lookup(tw->kinds, &key);
	int i = first ? GPOINTER_TO_INT(first) - 1 : -1, last = -1;
	unsigned *used;
	struct track t;

	for (; i >= 0; i = g_array_index(tw->tracks, struct track, i).next) {
		if (!g_array_index(tw->tracks, struct track, i).busy)
			return (unsigned)i;
		last = i;
	}
	if (tw->lanes->len <= task)
		g_array_set_size(tw->lanes, task + 1);
	used = &g_array_index(tw->lanes, unsigned, task);
	t = (struct track){ .task = task, .group = group, .name = key.name,
			    .lane = last < 0 ? 1 : g_array_index(tw->tracks,
						struct track, last).lane + 1,
			    .next = -1 };
	if (op && last < 0)
		t.tid = task_tid(task);          /* the task's own track */
	else if (*used + 1 < TRACE_TASK_TIDS)
		t.tid = task_tid(task) + ++*used;
	else                                    /* a task with 255 tracks */
		t.tid = (unsigned)(UINT32_MAX / 2) + tw->overflow++;
	g_array_append_val(tw->tracks, t);
	if (last < 0)
		g_hash_table_insert(tw->kinds, g_memdup2(&key, sizeof(key)),
				    GINT_TO_POINTER((int)tw->tracks->len));
	else
		g_array_index(tw->tracks, struct track, last).next =
			(int)tw->tracks->len - 1;
	return tw->tracks->len - 1;
}

/* Ends the latest open span of (task, cat, name) at `end`. */
static void close_span(struct sim_trace_writer *tw, unsigned task,
		       const char *cat, const char *name, sim_time_t end,
		       bool still_open)
{
	guint i = tw->open->len;

	while (i-- > 0) {
		struct open_span *s = &g_array_index(tw->open, struct open_span, i);
		struct track *k;

		if (s->task != task || strcmp(s->cat, cat) != 0 ||
		    strcmp(s->name, name) != 0)
			continue;
		k = &g_array_index(tw->tracks, struct track, s->track);
		emit_span(tw, k->tid, cat, name, s->begin, end, s->mode,
			  still_open, s->ranged ? s : NULL);
		k->busy = false;
		g_array_remove_index(tw->open, i);
		return;
	}
	/* An end without a begin (the span began before tracing started):
	 * nothing to draw. */
}

void sim_trace_writer_rec(struct sim_trace_writer *tw, struct sim_world *w,
			  const struct sim_trace_rec *r)
{
	struct open_span s;

	switch (r->kind) {
	case SIM_TRACE_BEGIN:
		s.task = r->task;
		s.cat = r->cat;
		s.name = r->name;
		s.begin = r->time;
		s.mode = 0;
		s.ranged = r->ranged;
		s.start = r->start;
		s.end = r->end;
		if (strcmp(r->cat, "lock-hold") == 0)
			s.mode = sim_trace_hold_is_shared(w, r->task) ? 'r' : 'w';
		s.track = track_for(tw, r->task, r->cat, r->name);
		g_array_index(tw->tracks, struct track, s.track).busy = true;
		g_array_append_val(tw->open, s);
		break;
	case SIM_TRACE_END:
		close_span(tw, r->task, r->cat, r->name, r->time, false);
		break;
	case SIM_TRACE_INSTANT:
		if (r->time < tw->from || (tw->to >= 0 && r->time > tw->to))
			break;
		if (r->task == SIM_TRACE_NO_TASK)
			emit(tw, "i", 0, true, r->cat, r->name, r->time, -1, 0,
			     false, false, NULL);
		else
			emit(tw, "i", task_tid(r->task), false, r->cat, r->name,
			     r->time, -1, 0, false, false, NULL);
		break;
	}
}

static void free_writer(struct sim_trace_writer *tw)
{
	g_array_unref(tw->open);
	g_array_unref(tw->tracks);
	g_hash_table_destroy(tw->kinds);
	g_array_unref(tw->lanes);
	g_string_free(tw->buf, TRUE);
	g_free(tw->path);
	g_free(tw->tmp);
	g_free(tw);
}

static void meta(struct sim_trace_writer *tw, const char *what, unsigned tid,
		 const char *key, const char *name, unsigned number)
{
	GString *b = tw->buf;

	g_string_truncate(b, 0);
	if (!tw->first)
		g_string_append(b, ",\n");
	tw->first = false;
	g_string_append_printf(b, "{\"name\": \"%s\", \"ph\": \"M\", "
			       "\"pid\": 1, \"tid\": %u, \"args\": {\"%s\": ",
			       what, tid, key);
	if (name)
		sim_json_escape(b, name);
	else
		g_string_append_printf(b, "%u", number);
	g_string_append(b, "}}");
	fwrite(b->str, 1, b->len, tw->f);
}

/* A track's name and place: "mapper/0" for the task's own, "mapper/0:
 * i_data_sem" (and "#2" for a second track of the class) for the others. */
static void name_track(struct sim_trace_writer *tw, const struct sim_world *w,
		       const struct track *k)
{
	char *label = sim_task_label(w, k->task), *name;

	if (k->tid == task_tid(k->task))
		name = g_strdup(label);
	else if (k->lane > 1)
		name = g_strdup_printf("%s: %s #%u", label,
				       k->name ? k->name : k->group, k->lane);
	else
		name = g_strdup_printf("%s: %s", label,
				       k->name ? k->name : k->group);
	meta(tw, "thread_name", k->tid, "name", name, 0);
	meta(tw, "thread_sort_index", k->tid, "sort_index", NULL, k->tid);
	g_free(name);
	g_free(label);
}

bool sim_trace_writer_finish(struct sim_trace_writer *tw,
			     const struct sim_world *w, const char *process,
			     GError **err)
{
	sim_time_t now = sim_world_now(w);
	unsigned i, n = sim_world_task_count(w);
	bool ok;

	while (tw->open->len) {
		struct open_span s = g_array_index(tw->open, struct open_span,
						   tw->open->len - 1);

		close_span(tw, s.task, s.cat, s.name, now, true);
	}
	meta(tw, "process_name", 0, "name", process, 0);
	/* every task's own track, then the others */
	for (i = 0; i < n; i++) {
		struct track k = { .task = i, .group = "op", .lane = 1,
				   .tid = task_tid(i) };

		name_track(tw, w, &k);
	}
	for (i = 0; i < tw->tracks->len; i++) {
		const struct track *k = &g_array_index(tw->tracks, struct track, i);

		if (k->tid != task_tid(k->task))
			name_track(tw, w, k);
	}
	fputs("\n]}\n", tw->f);
	ok = sim_atomic_commit(tw->f, tw->tmp, tw->path, err);
	free_writer(tw);
	return ok;
}

void sim_trace_writer_abort(struct sim_trace_writer *tw)
{
	if (!tw)
		return;
	sim_atomic_abort(tw->f, tw->tmp);
	free_writer(tw);
}
