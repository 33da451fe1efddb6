/* fs/oracle_explain.c — the text of a violation's explanation (model-only).
 *
 * Shape (deterministic: no pointers, only simulated times and static
 * strings from the tasks' step notes):
 *
 *   stale_mapping: ino 12 lblk 7 pblk 1234 reusable while ...   (headline)
 *   seed 1 job 3: replay with sim/sim --replay 1:3 FILE.cfg
 *   detected at 1234.567us in task 2 (kjournald2)
 *     ...detail lines from the detector...
 *   time           | task 2 kjournald2          | task 5 mapper.0
 *   1200.000us     |                            | filemap_fault acquire-read ...
 *   ...                                         (merged by time, oldest first)
 *   held           | jbd2_handle(w)             | mmap_sem(r)
 *   state          | running                    | blocked on page lock ...
 *
 * Each task contributes its last ORACLE_EXPLAIN_NOTES steps, so a task
 * whose part of the race lies further back is still shown; rows merge the
 * columns in (time, column) order and the last row is at or before the
 * detection.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "fs/oracle_internal.h"

#define ORACLE_EXPLAIN_NOTES 16
#define ORACLE_COL 46

void oracle_fmt_time(char *buf, size_t len, sim_time_t t)
{
	if (t == SIM_TIME_MAX) {
		snprintf(buf, len, "never");
		return;
	}
	snprintf(buf, len, "%" PRId64 ".%03" PRId64 "us", t / 1000,
		 (t < 0 ? -t : t) % 1000);
}

/* Appends s padded to w columns (w 0: as is, the last column). */
static void put_col(GString *out, const char *s, size_t n, unsigned w)
{
	g_string_append_len(out, s, (gssize)n);
	for (size_t i = n; i < w; i++)
		g_string_append_c(out, ' ');
}

/* How much of s fits on one line of a w-wide cell: up to the last blank
 * before w, or w characters when there is none.  *skip: blanks after it. */
static size_t cell_take(const char *s, unsigned w, size_t *skip)
{
	size_t n = strlen(s), cut;

	*skip = 0;
	if (n <= w)
		return n;
	for (cut = w; cut > 0 && s[cut] != ' '; cut--)
		;
	if (cut == 0)
		cut = w;
	while (s[cut + *skip] == ' ')
		(*skip)++;
	return cut;
}

/* One table row: `first` in the time column, cells[c] in column c; long
 * cells wrap onto continuation lines (time column blank). */
static void put_row(GString *out, const char *first, const char *const *cells,
		    unsigned ncols)
{
	const char *rest[ORACLE_EXPLAIN_TASKS + 1];
	bool more = true;

	for (unsigned c = 0; c < ncols; c++)
		rest[c] = cells[c] ? cells[c] : "";
	for (bool line0 = true; more; line0 = false) {
		more = false;
		g_string_append(out, "  ");
		put_col(out, line0 ? first : "", line0 ? strlen(first) : 0, 13);
		for (unsigned c = 0; c < ncols; c++) {
			size_t skip, n = cell_take(rest[c], ORACLE_COL, &skip);

			g_string_append(out, "| ");
			put_col(out, rest[c], n, c + 1 < ncols ? ORACLE_COL : 0);
			if (c + 1 < ncols)
				g_string_append_c(out, ' ');
			rest[c] += n + skip;
			more |= *rest[c] != '\0';
		}
		while (out->len && out->str[out->len - 1] == ' ')
			g_string_truncate(out, out->len - 1);
		g_string_append_c(out, '\n');
	}
}

static void fmt_note(char *buf, size_t len, const struct sim_note *n)
{
	int k = snprintf(buf, len, "%s %s", n->func ? n->func : "?",
			 n->what ? n->what : "");

	if (n->obj && k >= 0 && (size_t)k < len)
		k += snprintf(buf + k, len - (size_t)k, " %s", n->obj);
	if (!n->arg || k < 0 || (size_t)k >= len)
		return;
	/* lock acquisitions note how long they waited (sim/lockdep.h) */
	if (n->what && strncmp(n->what, "acquire", 7) == 0) {
		char t[32];

		oracle_fmt_time(t, sizeof(t), n->arg);
		snprintf(buf + k, len - (size_t)k, " (waited %s)", t);
	} else {
		snprintf(buf + k, len - (size_t)k, " %" PRId64, n->arg);
	}
}

struct col {
	struct sim_task *t;
	struct sim_note notes[ORACLE_EXPLAIN_NOTES];
	unsigned n, next;
	char text[256];
};

static void put_tasks(GString *s, struct fs_oracle *o, const uint32_t *tasks,
		      unsigned ntasks)
{
	struct col cols[ORACLE_EXPLAIN_TASKS + 1];
	unsigned ncols = 0;
	uint32_t ids[ORACLE_EXPLAIN_TASKS + 1];
	unsigned nids = 0;
	uint32_t cur = oracle_task_now();
	char buf[256], tbuf[32];

	if (!o->w)
		return;
	if (cur)
		ids[nids++] = cur;
	for (unsigned i = 0; i < ntasks && nids < ORACLE_EXPLAIN_TASKS + 1; i++) {
		bool dup = !tasks[i] ||
			   tasks[i] - 1 >= sim_world_task_count(o->w);

		for (unsigned j = 0; j < nids && !dup; j++)
			dup = ids[j] == tasks[i];
		if (!dup)
			ids[nids++] = tasks[i];
	}
	for (unsigned i = 0; i < nids; i++) {
		struct col *c = &cols[ncols++];

		c->t = sim_world_task(o->w, ids[i] - 1);
		c->n = sim_task_notes(c->t, c->notes, ORACLE_EXPLAIN_NOTES);
		c->next = 0;
	}
	if (!ncols)
		return;
	/* header */
	const char *cells[ORACLE_EXPLAIN_TASKS + 1];

	for (unsigned c = 0; c < ncols; c++) {
		snprintf(cols[c].text, sizeof(cols[c].text), "task %u %s%s",
			 sim_task_id(cols[c].t), sim_task_name(cols[c].t),
			 ids[c] == cur ? " (detecting)" : "");
		cells[c] = cols[c].text;
	}
	put_row(s, "time", cells, ncols);
	/* rows, merged by time (ties: column order) */
	for (;;) {
		int best = -1;

		for (unsigned c = 0; c < ncols; c++) {
			if (cols[c].next >= cols[c].n)
				continue;
			if (best < 0 || cols[c].notes[cols[c].next].time <
					cols[best].notes[cols[best].next].time)
				best = (int)c;
		}
		if (best < 0)
			break;
		const struct sim_note *n = &cols[best].notes[cols[best].next++];

		oracle_fmt_time(tbuf, sizeof(tbuf), n->time);
		fmt_note(buf, sizeof(buf), n);
		for (unsigned c = 0; c < ncols; c++)
			cells[c] = (int)c == best ? buf : "";
		put_row(s, tbuf, cells, ncols);
	}
	/* locks held and state at detection */
	for (unsigned c = 0; c < ncols; c++) {
		sim_lockdep_held_str(cols[c].t, cols[c].text,
				     sizeof(cols[c].text));
		if (!cols[c].text[0])
			snprintf(cols[c].text, sizeof(cols[c].text), "-");
		cells[c] = cols[c].text;
	}
	put_row(s, "held", cells, ncols);
	for (unsigned c = 0; c < ncols; c++) {
		const struct sim_waitobj *wo;
		char *b = cols[c].text;
		size_t bl = sizeof(cols[c].text);

		if (sim_task_exited(cols[c].t)) {
			snprintf(b, bl, "exited");
		} else if ((wo = sim_task_waiting_on(cols[c].t))) {
			char d[160];

			if (wo->ops && wo->ops->describe)
				wo->ops->describe(wo, d, sizeof(d));
			else
				snprintf(d, sizeof(d), "%s",
					 wo->name ? wo->name : "?");
			snprintf(b, bl, "blocked on %s", d);
		} else {
			snprintf(b, bl, "%s", ids[c] == cur ? "running"
				 : "not blocked (runnable or sleeping)");
		}
		cells[c] = b;
	}
	put_row(s, "state", cells, ncols);
}

void oracle_explain(struct fs_oracle *o, enum fs_oracle_kind k,
		    const char *headline, const char *detail,
		    const uint32_t *tasks, unsigned ntasks)
{
	GString *s = g_string_new(NULL);
	uint64_t seed = o->w ? sim_world_seed(o->w) : 0;
	uint64_t job = o->w ? sim_world_job(o->w) : 0;
	struct sim_task *cur = sim_current_task();
	char tbuf[32];

	oracle_fmt_time(tbuf, sizeof(tbuf), o->w ? sim_world_now(o->w) : 0);
	g_string_append_printf(s, "%s\n", headline);
	g_string_append_printf(s, "seed %" PRIu64 " job %" PRIu64
			       ": replay with sim/sim --replay %" PRIu64
			       ":%" PRIu64 " %s\n", seed, job, seed, job,
			       o->cfg);
	if (cur)
		g_string_append_printf(s, "detected at %s in task %u (%s)\n",
				       tbuf, sim_task_id(cur),
				       sim_task_name(cur));
	else
		g_string_append_printf(s, "detected at %s outside any task\n",
				       tbuf);
	if (detail)
		g_string_append(s, detail);
	put_tasks(s, o, tasks, ntasks);
	g_ptr_array_add(o->explain[k], g_string_free(s, FALSE));
}
