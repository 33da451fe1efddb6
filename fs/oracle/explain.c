/* fs/oracle/explain.c — the text of a violation's explanation, and the
 * snapshots of tasks' notes it draws on (model-only).
 *
 * Shape (deterministic: no pointers, only simulated times and static
 * strings from the tasks' step notes):
 *
 *   stale_mapping: ino 12 lblk 7 pblk 1234 reusable while ...   (headline)
 *   race: task 5 mapped lblk 7 to pblk 1234 at ..., after punch_hole ...
 *   seed 1 job 3: replay with sim/sim --replay 1:3 FILE.cfg
 *   detected at 1234.567us in task 2 (kjournald2)
 *     ...detail lines from the detector...
 *   time           | task 2 kjournald2          | task 5 mapper.0
 *   1200.000us     |                            | filemap_fault page lock (held 40 ns)
 *   1200.100us     |                            | ** maps lblk 7 to pblk 1234
 *                  | ... 6 rows                 |
 *   ...                                         (merged by time, oldest first)
 *   held           | jbd2_handle(w)             | mmap_sem(r)
 *   state          | running                    | blocked on page lock ...
 *
 * Each column is one task's notes: the snapshots the detector kept for it
 * (taken at the decisive events, see struct oracle_snap) followed by its
 * live notes, then
 *   - compressed: an acquire immediately followed by the release of the
 *     same lock becomes one row "func lock (held T)", and runs of identical
 *     rows one row "... ×N"; step notes (ext4_sim_step, sim_task_note) and
 *     locks the task still holds are never merged away;
 *   - the detector's moments inserted as "** ..." rows;
 *   - windowed: from two rows before the earliest moment of the whole
 *     explanation on, up to ORACLE_COL_ROWS rows per column chosen by
 *     closeness to an anchor (moments, locks still held, a wait the task
 *     is blocked in, the detecting task's last step), steps before lock
 *     chatter; what is left out shows as "... N rows".
 * The last row is at or before the detection.
 */
#include "config.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs/oracle/internal.h"

#define ORACLE_COL 50
#define ORACLE_COL_ROWS 22        /* rows per column, anchors may exceed it */
#define ORACLE_CONTEXT_BEFORE 2   /* rows before the earliest moment */
#define ORACLE_CONTEXT_AFTER 6    /* rows after a column's last anchor */
#define ORACLE_ROW_TEXT 200
#define ORACLE_RACE_WIDTH 100
/* a column's notes: each snapshot with its op's steps and a gap, live */
#define COL_NOTES_CAP ((ORACLE_STORY_SNAPS + 1) * \
		       (SIM_NOTES + ORACLE_OP_STEPS + 2))

void oracle_fmt_time(char *buf, size_t len, sim_time_t t)
{
	if (t == SIM_TIME_MAX) {
		snprintf(buf, len, "never");
		return;
	}
	snprintf(buf, len, "%" PRId64 ".%03" PRId64 "us", t / 1000,
		 (t < 0 ? -t : t) % 1000);
}

/* A duration: "40 ns" below a microsecond, else "35.048us". */
static void fmt_dur(char *buf, size_t len, int64_t d)
{
	if (d < 1000)
		snprintf(buf, len, "%" PRId64 " ns", d);
	else
		oracle_fmt_time(buf, len, d);
}

void oracle_fmt_op(char *buf, size_t len, const struct oracle_opref *op)
{
	if (op->kind < 0)
		snprintf(buf, len, "?");
	else if (op->kind == FS_ORACLE_TRUNCATE)
		snprintf(buf, len, "truncate to %" PRIu64, op->off);
	else
		snprintf(buf, len, "%s [%" PRIu64 ", +%" PRIu64 ")",
			 oracle_remove_name(op->kind), op->off, op->len);
}

/* ---- snapshots ------------------------------------------------------------------- */

bool oracle_note_eq(const struct sim_note *a, const struct sim_note *b)
{
	return a->time == b->time && a->func == b->func && a->what == b->what &&
	       a->obj == b->obj && a->arg == b->arg;
}

static struct sim_task *task_of(const struct fs_oracle *o, uint32_t task)
{
	if (!o->w || !task || task - 1 >= sim_world_task_count(o->w))
		return NULL;
	return sim_world_task(o->w, task - 1);
}

void oracle_task_label(const struct fs_oracle *o, uint32_t task, char *buf,
		       size_t len)
{
	struct sim_task *t = task_of(o, task);

	if (t)
		snprintf(buf, len, "task %u (%s)", task - 1, sim_task_name(t));
	else if (task)
		snprintf(buf, len, "task %u", task - 1);
	else
		snprintf(buf, len, "event context");
}

void oracle_story_culprit(const struct fs_oracle *o, struct oracle_story *st,
			  const char *what, const struct oracle_opref *op,
			  sim_time_t at)
{
	char name[96], who[64], t0[32], t1[32], ta[32];

	oracle_task_label(o, op->task, who, sizeof(who));
	oracle_fmt_time(ta, sizeof(ta), at);
	if (op->kind < 0) {
		if (op->task && at >= 0)
			snprintf(st->culprit, sizeof(st->culprit),
				 "%s: %s at %s (no operation recorded)", what,
				 who, ta);
		else
			snprintf(st->culprit, sizeof(st->culprit),
				 "%s: not recorded", what);
		return;
	}
	if (op->kind == ORACLE_OP_WRITE)
		snprintf(name, sizeof(name), "write");
	else
		oracle_fmt_op(name, sizeof(name), op);
	oracle_fmt_time(t0, sizeof(t0), op->t_begin);
	oracle_fmt_time(t1, sizeof(t1), op->t_end);
	if (at >= 0)
		snprintf(st->culprit, sizeof(st->culprit),
			 "%s: %s in %s at %s (it ran %s to %s)", what, name,
			 who, ta, t0,
			 op->t_end == SIM_TIME_MAX ? "the detection" : t1);
	else if (op->t_end == SIM_TIME_MAX)
		snprintf(st->culprit, sizeof(st->culprit),
			 "%s: %s in %s, from %s, still running", what, name,
			 who, t0);
	else
		snprintf(st->culprit, sizeof(st->culprit),
			 "%s: %s in %s, %s to %s", what, name, who, t0, t1);
}

uint32_t oracle_snap_take(struct fs_oracle *o, uint32_t task)
{
	struct sim_task *t = task_of(o, task);
	struct oracle_snap *free_slot = NULL;
	const struct oracle_op *x;
	struct sim_note last;

	if (!t)
		return 0;
	if (!o->snaps)
		o->snaps = g_new0(struct oracle_snap, ORACLE_SNAPS);
	/* nothing new since a snapshot of the same task: share it (a punch
	 * freeing many mapped blocks at once) */
	if (sim_task_notes(t, &last, 1) == 1)
		for (unsigned i = 0; i < ORACLE_SNAPS; i++) {
			struct oracle_snap *s = &o->snaps[i];

			if (s->seq && s->task == task && s->n &&
			    oracle_note_eq(&s->notes[s->n - 1], &last)) {
				s->refs++;
				return s->seq;
			}
		}
	/* a free slot, else the oldest snapshot goes (its holder falls back
	 * to live notes) */
	for (unsigned i = 0; i < ORACLE_SNAPS; i++)
		if (!free_slot || !o->snaps[i].seq ||
		    (free_slot->seq && o->snaps[i].seq < free_slot->seq))
			free_slot = &o->snaps[i];
	free_slot->seq = ++o->snap_seq;
	free_slot->refs = 1;
	free_slot->task = task;
	free_slot->time = sim_world_now(o->w);
	x = oracle_task_op(o, task);
	free_slot->op = x ? oracle_opref_of(x)
			  : (struct oracle_opref){ .kind = -1 };
	free_slot->nsteps = x ? x->nsteps : 0;
	if (x)
		memcpy(free_slot->steps, x->steps, x->nsteps * sizeof(x->steps[0]));
	free_slot->n = sim_task_notes(t, free_slot->notes, SIM_NOTES);
	return free_slot->seq;
}

const struct oracle_snap *oracle_snap_get(const struct fs_oracle *o,
					  uint32_t seq)
{
	for (unsigned i = 0; seq && o->snaps && i < ORACLE_SNAPS; i++)
		if (o->snaps[i].seq == seq)
			return &o->snaps[i];
	return NULL;
}

void oracle_snap_put(struct fs_oracle *o, uint32_t seq)
{
	struct oracle_snap *s = (struct oracle_snap *)oracle_snap_get(o, seq);

	if (s && !--s->refs)
		s->seq = 0;
}

/* ---- a task's notes: snapshots, then live -------------------------------------- */

/* A gap in a column's notes (notes between a snapshot and the live ones
 * were not kept). */
static bool note_is_gap(const struct sim_note *n)
{
	return !n->func && !n->what;
}

/* Appends add[0, na) to out[0, *n) without repeating what out ends with:
 * add continues after its copy of out's last notes, or (no overlap) after
 * a gap with the notes later than out's last. */
static void notes_append(struct sim_note *out, unsigned *n,
			 const struct sim_note *add, unsigned na)
{
	unsigned from = 0;

	if (*n && na && note_is_gap(&out[*n - 1])) {
		while (from < na && add[from].time < out[*n - 1].time)
			from++;
	} else if (*n && na) {
		const struct sim_note *last = &out[*n - 1];
		bool found = false;

		for (unsigned j = na; j-- > 0 && !found;) {
			unsigned k = 0, need = MIN(4u, MIN(j + 1, *n));

			/* out's tail (up to 4 notes) must match add's */
			while (k < need && oracle_note_eq(&add[j - k], &out[*n - 1 - k]))
				k++;
			if (k == need) {
				found = true;
				from = j + 1;
			}
		}
		if (!found) {
			from = 0;
			while (from < na && add[from].time <= last->time)
				from++;
			if (from < na)
				out[(*n)++] = (struct sim_note){ .time =
								 add[from].time };
		}
	}
	for (unsigned j = from; j < na; j++)
		out[(*n)++] = add[j];
}

/* Collects task's notes into out (capacity (ORACLE_STORY_SNAPS + 1) *
 * (SIM_NOTES + 1)): its snapshots in the story oldest first, then live. */
static unsigned col_notes(const struct fs_oracle *o,
			  const struct oracle_story *st, uint32_t task,
			  struct sim_note *out)
{
	const struct oracle_snap *s[ORACLE_STORY_SNAPS];
	unsigned ns = 0, n = 0;
	struct sim_task *t = task_of(o, task);
	struct sim_note live[SIM_NOTES];

	for (unsigned i = 0; st && i < st->nsnaps; i++) {
		const struct oracle_snap *x = oracle_snap_get(o, st->snaps[i]);
		unsigned j;

		if (!x || x->task != task)
			continue;
		for (j = ns; j > 0 && s[j - 1]->time > x->time; j--)
			s[j] = s[j - 1];
		s[j] = x;
		ns++;
	}
	for (unsigned i = 0; i < ns; i++) {
		/* the operation's steps older than the snapshot's notes,
		 * then a gap */
		struct sim_note pre[ORACLE_OP_STEPS + 1];
		unsigned np = 0;

		for (unsigned j = 0; j < s[i]->nsteps; j++)
			if (!s[i]->n || s[i]->steps[j].time < s[i]->notes[0].time)
				pre[np++] = s[i]->steps[j];
		if (np) {
			pre[np] = (struct sim_note){ .time = pre[np - 1].time };
			np++;
			notes_append(out, &n, pre, np);
		}
		notes_append(out, &n, s[i]->notes, s[i]->n);
	}
	if (t)
		notes_append(out, &n, live, sim_task_notes(t, live, SIM_NOTES));
	return n;
}

sim_time_t oracle_step_time(const struct fs_oracle *o, uint32_t snap,
			    uint32_t task, const char *const *what,
			    sim_time_t lo, sim_time_t hi, bool last)
{
	struct oracle_story st = { .nsnaps = snap ? 1 : 0, .snaps = { snap } };
	struct sim_note *v = g_new(struct sim_note,
				   COL_NOTES_CAP);
	unsigned n = col_notes(o, &st, task, v);
	sim_time_t r = -1;

	for (unsigned i = 0; i < n; i++) {
		bool hit = false;

		if (v[i].time < lo || v[i].time > hi || !v[i].what)
			continue;
		for (unsigned j = 0; what[j] && !hit; j++)
			hit = strcmp(v[i].what, what[j]) == 0;
		if (hit) {
			r = v[i].time;
			if (!last)
				break;
		}
	}
	g_free(v);
	return r;
}

/* ---- stories ------------------------------------------------------------------------ */

void oracle_story_task(struct oracle_story *st, uint32_t task)
{
	if (!task)
		return;
	for (unsigned i = 0; i < st->ntasks; i++)
		if (st->tasks[i] == task)
			return;
	if (st->ntasks < ORACLE_EXPLAIN_TASKS)
		st->tasks[st->ntasks++] = task;
}

void oracle_story_moment(struct oracle_story *st, uint32_t task, sim_time_t t,
			 bool before, const char *fmt, ...)
{
	struct oracle_moment *m;
	va_list ap;

	if (st->nm == ORACLE_MOMENTS)
		return;
	m = &st->m[st->nm++];
	m->task = task;
	m->time = t;
	m->before = before;
	va_start(ap, fmt);
	vsnprintf(m->text, sizeof(m->text), fmt, ap);
	va_end(ap);
	oracle_story_task(st, task);
}

void oracle_story_snap(struct fs_oracle *o, struct oracle_story *st,
		       uint32_t seq)
{
	const struct oracle_snap *s = oracle_snap_get(o, seq);

	if (!s || st->nsnaps == ORACLE_STORY_SNAPS)
		return;
	for (unsigned i = 0; i < st->nsnaps; i++)
		if (st->snaps[i] == seq)
			return;
	st->snaps[st->nsnaps++] = seq;
	oracle_story_task(st, s->task);
}

/* ---- table cells -------------------------------------------------------------------- */

/* Display width of s[0, n): UTF-8 continuation bytes take no column. */
static size_t disp_width(const char *s, size_t n)
{
	size_t w = 0;

	for (size_t i = 0; i < n; i++)
		w += ((unsigned char)s[i] & 0xc0) != 0x80;
	return w;
}

/* Appends s padded to w columns (w 0: as is, the last column). */
static void put_col(GString *out, const char *s, size_t n, unsigned w)
{
	g_string_append_len(out, s, (gssize)n);
	for (size_t i = disp_width(s, n); i < w; i++)
		g_string_append_c(out, ' ');
}

/* How many bytes of s fit on one line of a w-wide cell: up to the last
 * blank before w columns, or w columns when there is none.  *skip: blanks
 * after it. */
static size_t cell_take(const char *s, unsigned w, size_t *skip)
{
	size_t n = strlen(s), cut, end = 0, cols = 0;

	*skip = 0;
	if (disp_width(s, n) <= w)
		return n;
	/* byte offset of column w (not inside a UTF-8 sequence) */
	while (end < n && cols < w) {
		end++;
		while (end < n && ((unsigned char)s[end] & 0xc0) == 0x80)
			end++;
		cols++;
	}
	for (cut = end; cut > 0 && s[cut] != ' '; cut--)
		;
	if (cut == 0)
		cut = end;
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

static bool what_is(const struct sim_note *n, const char *w)
{
	return n->what && strcmp(n->what, w) == 0;
}

static bool is_acquire(const struct sim_note *n)
{
	return what_is(n, "acquire") || what_is(n, "acquire-read") ||
	       what_is(n, "acquired");
}

static bool is_release(const struct sim_note *n)
{
	return what_is(n, "release") || what_is(n, "release-read");
}

bool oracle_note_is_lock(const struct sim_note *n)
{
	return is_acquire(n) || is_release(n) || what_is(n, "wait") ||
	       what_is(n, "wait-read") || what_is(n, "trylock-fail") ||
	       what_is(n, "downgrade");
}

static bool same_obj(const struct sim_note *a, const struct sim_note *b)
{
	return a->obj && b->obj && strcmp(a->obj, b->obj) == 0;
}

static void fmt_note(char *buf, size_t len, const struct sim_note *n)
{
	int k;

	/* "up_read release mmap_sem(r) (held 290 ns)" */
	if (is_release(n) && n->obj) {
		char t[32];

		fmt_dur(t, sizeof(t), n->arg);
		snprintf(buf, len, "%s release %s%s (held %s)",
			 n->func ? n->func : "?", n->obj,
			 what_is(n, "release-read") ? "(r)" : "", t);
		return;
	}
	k = snprintf(buf, len, "%s %s", n->func ? n->func : "?",
		     n->what ? n->what : "");

	if (n->obj && k >= 0 && (size_t)k < len)
		k += snprintf(buf + k, len - (size_t)k, " %s", n->obj);
	if (!n->arg || k < 0 || (size_t)k >= len)
		return;
	/* lock acquisitions note how long they waited (sim/engine/lock.h) */
	if (what_is(n, "delayed")) {
		char t[32];

		/* an injected delay (sim/engine/engine.h, explore) */
		fmt_dur(t, sizeof(t), n->arg);
		snprintf(buf + k, len - (size_t)k, " %s", t);
	} else if (n->what && strncmp(n->what, "acquire", 7) == 0) {
		char t[32];

		fmt_dur(t, sizeof(t), n->arg);
		snprintf(buf + k, len - (size_t)k, " (waited %s)", t);
	} else {
		snprintf(buf + k, len - (size_t)k, " %" PRId64, n->arg);
	}
}

/* "filemap_map_pages page lock (held 40 ns)": acquire a, release r. */
static void fmt_pair(char *buf, size_t len, const struct sim_note *a,
		     const struct sim_note *r)
{
	char held[32], waited[48] = "";

	fmt_dur(held, sizeof(held), r->arg);
	if (what_is(a, "acquire") || what_is(a, "acquire-read")) {
		if (a->arg) {
			char t[32];

			fmt_dur(t, sizeof(t), a->arg);
			snprintf(waited, sizeof(waited), ", waited %s", t);
		}
	}
	snprintf(buf, len, "%s %s%s (held %s%s)", a->func ? a->func : "?",
		 a->obj, what_is(a, "acquire-read") ? "(r)" : "", held, waited);
}

/* ---- one column's rows ----------------------------------------------------------------- */

enum row_kind { ROW_STEP, ROW_LOCK, ROW_MOMENT, ROW_GAP };

struct row {
	sim_time_t time;
	enum row_kind kind;
	unsigned count;           /* identical rows merged (×N) */
	bool pinned;              /* a lock still held, a wait still waited */
	bool keep;
	char text[ORACLE_ROW_TEXT];
};

struct col {
	uint32_t task;            /* +1 */
	struct sim_task *t;
	struct row *rows;
	unsigned n, next;
	char text[256];
};

static struct row *row_add(struct col *c, sim_time_t time, enum row_kind k)
{
	struct row *r = &c->rows[c->n++];

	*r = (struct row){ .time = time, .kind = k, .count = 1 };
	return r;
}

/* Notes -> rows: acquire+release pairs folded, locks left held pinned. */
static void col_rows_from_notes(struct col *c, const struct sim_note *v,
				unsigned n)
{
	/* acquisitions not yet matched by a release: row index, note */
	unsigned open[SIM_MAX_HELD * 2], nopen = 0;
	const struct sim_note *open_note[SIM_MAX_HELD * 2];

	for (unsigned i = 0; i < n; i++) {
		struct row *r;

		if (note_is_gap(&v[i])) {
			r = row_add(c, v[i].time, ROW_GAP);
			snprintf(r->text, sizeof(r->text),
				 "... (steps not kept)");
			continue;
		}
		if (is_acquire(&v[i]) && i + 1 < n && is_release(&v[i + 1]) &&
		    same_obj(&v[i], &v[i + 1])) {
			r = row_add(c, v[i].time, ROW_LOCK);
			fmt_pair(r->text, sizeof(r->text), &v[i], &v[i + 1]);
			i++;
			continue;
		}
		r = row_add(c, v[i].time,
			    oracle_note_is_lock(&v[i]) ? ROW_LOCK : ROW_STEP);
		fmt_note(r->text, sizeof(r->text), &v[i]);
		if (is_acquire(&v[i]) && v[i].obj) {
			if (nopen == G_N_ELEMENTS(open)) {
				memmove(open, open + 1, (nopen - 1) * sizeof(open[0]));
				memmove(open_note, open_note + 1,
					(nopen - 1) * sizeof(open_note[0]));
				nopen--;
			}
			open[nopen] = c->n - 1;
			open_note[nopen++] = &v[i];
		} else if (is_release(&v[i])) {
			for (unsigned j = nopen; j-- > 0;)
				if (same_obj(open_note[j], &v[i])) {
					memmove(&open[j], &open[j + 1],
						(nopen - j - 1) * sizeof(open[0]));
					memmove(&open_note[j], &open_note[j + 1],
						(nopen - j - 1) *
						sizeof(open_note[0]));
					nopen--;
					break;
				}
		}
	}
	for (unsigned j = 0; j < nopen; j++)
		c->rows[open[j]].pinned = true;
	/* the wait the task is blocked in now */
	if (c->n && c->t && sim_task_waiting_on(c->t) && n &&
	    (what_is(&v[n - 1], "wait") || what_is(&v[n - 1], "wait-read")))
		c->rows[c->n - 1].pinned = true;
}

/* Inserts the story's moments of this column by time. */
static void col_insert_moments(struct col *c, const struct oracle_story *st)
{
	for (unsigned i = 0; i < st->nm; i++) {
		const struct oracle_moment *m = &st->m[i];
		unsigned at = 0;

		if (m->task != c->task)
			continue;
		while (at < c->n && (m->before ? c->rows[at].time < m->time
					       : c->rows[at].time <= m->time))
			at++;
		memmove(&c->rows[at + 1], &c->rows[at],
			(c->n - at) * sizeof(c->rows[0]));
		c->n++;
		c->rows[at] = (struct row){ .time = m->time, .kind = ROW_MOMENT,
					    .count = 1, .pinned = true };
		snprintf(c->rows[at].text, sizeof(c->rows[at].text), "** %s",
			 m->text);
	}
}

/* Runs of identical rows -> one row ×N (moments, gaps, pinned kept). */
static void col_merge_runs(struct col *c)
{
	unsigned w = 0;

	for (unsigned i = 0; i < c->n; i++) {
		struct row *p = w ? &c->rows[w - 1] : NULL;
		struct row *r = &c->rows[i];

		if (p && p->kind == r->kind && r->kind <= ROW_LOCK &&
		    !p->pinned && !r->pinned && strcmp(p->text, r->text) == 0) {
			p->count++;
			continue;
		}
		if (w != i)
			c->rows[w] = *r;
		w++;
	}
	c->n = w;
	for (unsigned i = 0; i < c->n; i++) {
		struct row *r = &c->rows[i];
		size_t l = strlen(r->text);

		if (r->count > 1)
			snprintf(r->text + l, sizeof(r->text) - l, " ×%u",
				 r->count);
	}
}

struct cand {
	unsigned idx, cost;
};

static int cand_cmp(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;

	if (x->cost != y->cost)
		return x->cost < y->cost ? -1 : 1;
	return x->idx > y->idx ? -1 : x->idx < y->idx;   /* later first */
}

/* Chooses the rows to show (see the file comment); ts: the earliest
 * moment's time (INT64_MIN: none); last_anchor: the column's last row
 * is an anchor (the detecting task, or a column without moments). */
static void col_select(struct col *c, sim_time_t ts, bool detecting)
{
	unsigned lo = 0, hi, nanch = 0, kept = 0, first_anchor = c->n,
		 last_anchor = 0;
	unsigned *dist;
	struct cand *cand;
	unsigned ncand = 0;
	bool has_moment = false;

	if (!c->n)
		return;
	while (lo < c->n && c->rows[lo].time < ts)
		lo++;
	lo = lo > ORACLE_CONTEXT_BEFORE ? lo - ORACLE_CONTEXT_BEFORE : 0;
	for (unsigned i = 0; i < c->n; i++)
		has_moment |= c->rows[i].kind == ROW_MOMENT;
	if (detecting || !has_moment)
		c->rows[c->n - 1].pinned = true;
	for (unsigned i = 0; i < c->n; i++)
		if (c->rows[i].pinned) {
			if (i < first_anchor)
				first_anchor = i;
			last_anchor = i;
		}
	if (first_anchor == c->n)
		return;
	if (lo >= c->n)
		lo = c->n - 1;
	hi = last_anchor + ORACLE_CONTEXT_AFTER;
	if (hi >= c->n)
		hi = c->n - 1;
	/* notes past a gap after the last anchor are another story */
	for (unsigned i = last_anchor + 1; i <= hi; i++)
		if (c->rows[i].kind == ROW_GAP) {
			hi = i - 1;
			break;
		}
	/* distance (rows) to the nearest anchor, both directions */
	dist = g_new(unsigned, c->n);
	for (unsigned i = 0, d = UINT32_MAX / 4; i < c->n; i++) {
		d = c->rows[i].pinned ? 0 : d + 1;
		dist[i] = d;
	}
	for (unsigned i = c->n, d = UINT32_MAX / 4; i-- > 0;) {
		d = c->rows[i].pinned ? 0 : d + 1;
		if (d < dist[i])
			dist[i] = d;
	}
	cand = g_new(struct cand, c->n);
	for (unsigned i = 0; i < c->n; i++) {
		struct row *r = &c->rows[i];

		r->keep = r->pinned;
		if (r->pinned) {
			nanch++;
			continue;
		}
		if (i < lo || i > hi)
			continue;
		/* steps before lock chatter */
		cand[ncand++] = (struct cand){
			.idx = i, .cost = dist[i] * (r->kind == ROW_LOCK ? 2 : 1),
		};
	}
	qsort(cand, ncand, sizeof(cand[0]), cand_cmp);
	kept = nanch;
	for (unsigned i = 0; i < ncand && kept < ORACLE_COL_ROWS; i++, kept++)
		c->rows[cand[i].idx].keep = true;
	g_free(cand);
	g_free(dist);
	/* left-out runs between kept rows -> "... N rows" */
	{
		unsigned w = 0, first_kept = c->n;

		for (unsigned i = 0; i < c->n; i++)
			if (c->rows[i].keep) {
				first_kept = i;
				break;
			}
		for (unsigned i = first_kept; i < c->n;) {
			if (c->rows[i].keep) {
				c->rows[w++] = c->rows[i++];
				continue;
			}
			unsigned j = i, nr = 0;

			while (j < c->n && !c->rows[j].keep)
				nr += c->rows[j++].count;
			if (j == c->n)
				break;   /* nothing shown after: no marker */
			c->rows[w] = (struct row){ .time = c->rows[i].time,
						   .kind = ROW_GAP, .count = 1 };
			snprintf(c->rows[w].text, sizeof(c->rows[w].text),
				 "... %u row%s", nr, nr == 1 ? "" : "s");
			w++;
			i = j;
		}
		c->n = w;
	}
}

static void put_tasks(GString *s, struct fs_oracle *o,
		      const struct oracle_story *st)
{
	struct col cols[ORACLE_EXPLAIN_TASKS + 1];
	unsigned ncols = 0;
	uint32_t cur = oracle_task_now();
	char tbuf[32];
	const char *cells[ORACLE_EXPLAIN_TASKS + 1];
	struct sim_note *v;
	sim_time_t ts = INT64_MIN;
	unsigned cap_notes = COL_NOTES_CAP;

	if (!o->w)
		return;
	if (cur)
		cols[ncols++] = (struct col){ .task = cur };
	for (unsigned i = 0; i < st->ntasks && ncols < ORACLE_EXPLAIN_TASKS + 1;
	     i++) {
		bool dup = !task_of(o, st->tasks[i]);

		for (unsigned j = 0; j < ncols && !dup; j++)
			dup = cols[j].task == st->tasks[i];
		if (!dup)
			cols[ncols++] = (struct col){ .task = st->tasks[i] };
	}
	if (!ncols)
		return;
	for (unsigned i = 0; i < st->nm; i++)
		if (st->m[i].task && (ts == INT64_MIN || st->m[i].time < ts))
			ts = st->m[i].time;
	v = g_new(struct sim_note, cap_notes);
	for (unsigned c = 0; c < ncols; c++) {
		unsigned n;

		cols[c].t = task_of(o, cols[c].task);
		n = col_notes(o, st, cols[c].task, v);
		cols[c].rows = g_new(struct row, n + ORACLE_MOMENTS + 1);
		cols[c].n = 0;
		cols[c].next = 0;
		col_rows_from_notes(&cols[c], v, n);
		col_insert_moments(&cols[c], st);
		col_merge_runs(&cols[c]);
		col_select(&cols[c], ts, cols[c].task == cur);
	}
	g_free(v);
	/* header */
	for (unsigned c = 0; c < ncols; c++) {
		snprintf(cols[c].text, sizeof(cols[c].text), "task %u %s%s",
			 sim_task_id(cols[c].t), sim_task_name(cols[c].t),
			 cols[c].task == cur ? " (detecting)" : "");
		cells[c] = cols[c].text;
	}
	put_row(s, "time", cells, ncols);
	/* rows, merged by time (ties: column order) */
	for (;;) {
		int best = -1;
		const struct row *r;

		for (unsigned c = 0; c < ncols; c++) {
			if (cols[c].next >= cols[c].n)
				continue;
			if (best < 0 || cols[c].rows[cols[c].next].time <
					cols[best].rows[cols[best].next].time)
				best = (int)c;
		}
		if (best < 0)
			break;
		r = &cols[best].rows[cols[best].next++];
		if (r->kind == ROW_GAP)
			tbuf[0] = '\0';
		else
			oracle_fmt_time(tbuf, sizeof(tbuf), r->time);
		for (unsigned c = 0; c < ncols; c++)
			cells[c] = (int)c == best ? r->text : "";
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
			snprintf(b, bl, "%s", cols[c].task == cur ? "running"
				 : "not blocked (runnable or sleeping)");
		}
		cells[c] = b;
	}
	put_row(s, "state", cells, ncols);
	for (unsigned c = 0; c < ncols; c++)
		g_free(cols[c].rows);
}

/* "race: ..." wrapped at ORACLE_RACE_WIDTH, continuation lines indented. */
static void put_race(GString *s, const char *race)
{
	const char *p = race;
	bool first = true;

	while (*p) {
		size_t skip, n = cell_take(p, ORACLE_RACE_WIDTH - 6, &skip);

		g_string_append(s, first ? "race: " : "      ");
		g_string_append_len(s, p, (gssize)n);
		g_string_append_c(s, '\n');
		p += n + skip;
		first = false;
	}
}

void oracle_explain_story(struct fs_oracle *o, enum fs_oracle_kind k,
			  const char *headline, const char *race,
			  const char *detail, const struct oracle_story *st)
{
	GString *s = g_string_new(NULL);
	struct sim_task *cur = sim_current_task();
	char tbuf[32];

	oracle_fmt_time(tbuf, sizeof(tbuf), o->w ? sim_world_now(o->w) : 0);
	g_string_append_printf(s, "%s\n", headline);
	if (st->culprit[0])
		g_string_append_printf(s, "%s\n", st->culprit);
	if (race && *race)
		put_race(s, race);
	g_string_append_printf(s, "%s: replay with sim/sim --replay %s %s\n",
			       o->w ? sim_world_label(o->w) : "seed 0 job 0",
			       o->w ? sim_world_replay_key(o->w) : "0:0", o->cfg);
	if (cur)
		g_string_append_printf(s, "detected at %s in task %u (%s)\n",
				       tbuf, sim_task_id(cur),
				       sim_task_name(cur));
	else
		g_string_append_printf(s, "detected at %s outside any task\n",
				       tbuf);
	if (detail)
		g_string_append(s, detail);
	put_tasks(s, o, st);
	oracle_rec_headline(o, k, s->str);
	g_ptr_array_add(o->explain[k], g_string_free(s, FALSE));
}

void oracle_explain(struct fs_oracle *o, enum fs_oracle_kind k,
		    const char *headline, const char *detail,
		    const uint32_t *tasks, unsigned ntasks)
{
	struct oracle_story st = { 0 };

	for (unsigned i = 0; i < ntasks; i++)
		oracle_story_task(&st, tasks[i]);
	oracle_explain_story(o, k, headline, NULL, detail, &st);
}
