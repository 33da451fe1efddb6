/* sim/engine/trace.c — Chrome Trace Event JSON writer (see trace.h). */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "sim/engine/jsonw.h"
#include "sim/engine/trace.h"

struct open_span {
	unsigned task;
	const char *cat, *name;     /* static or world-lived: compared by text */
	sim_time_t begin;
	char mode;                  /* 'r', 'w', or 0 (not a lock hold) */
	bool ranged;                /* a range lock's: args.range */
	int64_t start, end;
};

struct sim_trace_writer {
	FILE *f;
	char *path, *tmp;
	GArray *open;               /* struct open_span */
	GString *buf;
	bool first;
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
	tw->buf = g_string_sized_new(256);
	tw->first = true;
	fputs("{\"displayTimeUnit\": \"ns\", \"traceEvents\": [\n", tw->f);
	return tw;
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

static void emit(struct sim_trace_writer *tw, const char *ph, unsigned task,
		 const char *cat, const char *name, sim_time_t ts,
		 sim_time_t dur, char mode, bool still_open,
		 const struct open_span *range)
{
	GString *b = tw->buf;

	g_string_truncate(b, 0);
	if (!tw->first)
		g_string_append(b, ",\n");
	tw->first = false;
	g_string_append(b, "{\"name\": ");
	sim_json_escape(b, name);
	g_string_append(b, ", \"cat\": ");
	sim_json_escape(b, cat);
	g_string_append_printf(b, ", \"ph\": \"%s\", \"pid\": 1, \"tid\": %u",
			       ph, task);
	put_ts(b, "ts", ts);
	if (dur >= 0)
		put_ts(b, "dur", dur);
	if (ph[0] == 'i')
		g_string_append(b, ", \"s\": \"t\"");
	if (mode || still_open || range) {
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
		if (still_open)
			g_string_append_printf(b, "%s\"open\": true", sep);
		g_string_append_c(b, '}');
	}
	g_string_append_c(b, '}');
	fwrite(b->str, 1, b->len, tw->f);
}

/* Ends the latest open span of (task, cat, name) at `end`. */
static void close_span(struct sim_trace_writer *tw, unsigned task,
		       const char *cat, const char *name, sim_time_t end,
		       bool still_open)
{
	guint i = tw->open->len;

	while (i-- > 0) {
		struct open_span *s = &g_array_index(tw->open, struct open_span, i);

		if (s->task != task || strcmp(s->cat, cat) != 0 ||
		    strcmp(s->name, name) != 0)
			continue;
		emit(tw, "X", task, cat, name, s->begin, end - s->begin,
		     s->mode, still_open, s->ranged ? s : NULL);
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
		g_array_append_val(tw->open, s);
		break;
	case SIM_TRACE_END:
		close_span(tw, r->task, r->cat, r->name, r->time, false);
		break;
	case SIM_TRACE_INSTANT:
		emit(tw, "i", r->task, r->cat, r->name, r->time, -1, 0, false,
		     NULL);
		break;
	}
}

static void free_writer(struct sim_trace_writer *tw)
{
	g_array_unref(tw->open);
	g_string_free(tw->buf, TRUE);
	g_free(tw->path);
	g_free(tw->tmp);
	g_free(tw);
}

static void meta(struct sim_trace_writer *tw, const char *what, unsigned tid,
		 const char *name)
{
	GString *b = tw->buf;

	g_string_truncate(b, 0);
	if (!tw->first)
		g_string_append(b, ",\n");
	tw->first = false;
	g_string_append_printf(b, "{\"name\": \"%s\", \"ph\": \"M\", "
			       "\"pid\": 1, \"tid\": %u, \"args\": {\"name\": ",
			       what, tid);
	sim_json_escape(b, name);
	g_string_append(b, "}}");
	fwrite(b->str, 1, b->len, tw->f);
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
	meta(tw, "process_name", 0, process);
	for (i = 0; i < n; i++) {
		char *label = sim_task_label(w, i);

		meta(tw, "thread_name", i, label);
		g_free(label);
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
