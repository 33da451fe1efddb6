/* sim/engine/trace.h — Chrome Trace Event JSON of one job, from the engine's
 * tracer (sim_world_set_tracer), for Perfetto (ui.perfetto.dev) or
 * chrome://tracing.
 *
 * Tracks nest, so Perfetto drops nothing: complete ("X") events on one
 * track never partly overlap.  Each task has its own track (tid = task
 * id × 256, named by sim_task_label) for the model's "op" spans and its
 * instants (violations: cat "violation", name = the kind); every lock
 * class the task waits on or holds gets a track of its own under it
 * ("mapper/0: i_data_sem", tid = task id × 256 + k), where the task's
 * waits ("lock-wait") and holds ("lock-hold", args.mode "r"/"w") on that
 * class follow each other.  A task that holds two instances of a class
 * at once (two page locks) gets a second track for the class ("... #2"),
 * and so on: a track carries one span at a time.  thread_sort_index keeps
 * a task's tracks together.  Instants outside any task (IO completion,
 * end-of-job checks) are process-scoped ("s": "p").
 *
 * Timestamps are µs with ns precision ("ts": 12.345).  Spans still open
 * when the job ends are closed at its end with args.open = true.  With a
 * window (sim_trace_writer_set_window) only what happens in [from, to] is
 * written: spans that cross an edge are cut there (args.clipped = true).
 *
 * Streamed to a temporary file beside the target and renamed at the end,
 * so a trace file is complete or absent.
 */
#ifndef SIM_TRACE_H
#define SIM_TRACE_H

#include <glib.h>

#include "sim/engine/sim.h"

struct sim_trace_writer;

struct sim_trace_writer *sim_trace_writer_new(const char *path, GError **err);
/* Write only [from, to] (simulated ns; to < 0: to the end). */
void sim_trace_writer_set_window(struct sim_trace_writer *tw, sim_time_t from,
				 sim_time_t to);
/* The tracer callback: ctx is the writer.  w names the world (for lock
 * modes: the task's latest note says "acquire" or "acquire-read"). */
void sim_trace_writer_rec(struct sim_trace_writer *tw, struct sim_world *w,
			  const struct sim_trace_rec *r);
/* Closes open spans at the world's clock, names the threads and the
 * process, and renames the file into place.  Frees tw. */
bool sim_trace_writer_finish(struct sim_trace_writer *tw,
			     const struct sim_world *w, const char *process,
			     GError **err);
/* Drops the temporary file.  Frees tw. */
void sim_trace_writer_abort(struct sim_trace_writer *tw);

/* A task's label in traces and timelines: its name when no other task of
 * the world has that name, else "name/id".  g_free() the result. */
char *sim_task_label(const struct sim_world *w, unsigned id);

/* Whether the lock hold that task `task` of w has just begun is shared
 * (from its latest note; lock.h documents the notes). */
bool sim_trace_hold_is_shared(struct sim_world *w, unsigned task);

#endif /* SIM_TRACE_H */
