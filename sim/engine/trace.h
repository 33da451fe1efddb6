/* sim/engine/trace.h — Chrome Trace Event JSON of one job, from the engine's
 * tracer (sim_world_set_tracer), for Perfetto or chrome://tracing.
 *
 * Tasks are threads (tid = task id, named by sim_task_label); lock waits and holds
 * and the model's "op" spans are complete ("X") events; violations and
 * other instants are "i" events on their task.  Timestamps are µs with ns
 * precision ("ts": 12.345).  Spans still open when the job ends are closed
 * at its end with args.open = true.
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
