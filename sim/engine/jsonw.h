/* sim/engine/jsonw.h — a small streaming JSON writer with deterministic number
 * formatting, and atomic file writes.
 *
 * Why not json-glib's generator: it prints doubles with "%.17g", so 0.1
 * becomes 0.10000000000000001 — exact but unreadable.  Here integers are
 * integers, doubles that readers look at use one fixed format (%.10g;
 * NaN and infinities are null), and doubles that must round-trip (the raw
 * sums of a shard's histograms) use %.17g.  json-glib parses (merge.c).
 *
 * Layout: two-space indentation, one member per line; an "inline" array
 * (histogram buckets, small tuples) stays on one line.
 */
#ifndef SIM_JSONW_H
#define SIM_JSONW_H

#include <stdio.h>

#include <glib.h>

#include "sim/engine/types.h"

#define SIM_JW_MAX_DEPTH 32

struct sim_jw {
	GString *s;
	unsigned depth;
	bool first[SIM_JW_MAX_DEPTH];
	bool inl[SIM_JW_MAX_DEPTH];
	bool after_key;
};

void sim_jw_init(struct sim_jw *j, GString *s);
void sim_jw_begin_object(struct sim_jw *j);
void sim_jw_end_object(struct sim_jw *j);
void sim_jw_begin_array(struct sim_jw *j);
void sim_jw_begin_array_inline(struct sim_jw *j);
void sim_jw_end_array(struct sim_jw *j);
void sim_jw_key(struct sim_jw *j, const char *key);
void sim_jw_string(struct sim_jw *j, const char *v);   /* NULL: null */
void sim_jw_int(struct sim_jw *j, int64_t v);
void sim_jw_uint(struct sim_jw *j, uint64_t v);
void sim_jw_bool(struct sim_jw *j, bool v);
void sim_jw_null(struct sim_jw *j);
void sim_jw_double(struct sim_jw *j, double v);        /* %.10g */
void sim_jw_double_exact(struct sim_jw *j, double v);  /* %.17g */

/* key + value shorthands */
void sim_jw_kstring(struct sim_jw *j, const char *key, const char *v);
void sim_jw_kint(struct sim_jw *j, const char *key, int64_t v);
void sim_jw_kuint(struct sim_jw *j, const char *key, uint64_t v);
void sim_jw_kdouble(struct sim_jw *j, const char *key, double v);
void sim_jw_kbool(struct sim_jw *j, const char *key, bool v);

/* Appends s as a JSON string literal (quotes included). */
void sim_json_escape(GString *out, const char *s);

/* Writes data to a temporary file beside path and renames it over path,
 * so path is either the old file or the complete new one.  A path that
 * exists and is not a regular file (/dev/null, /dev/stdout, a FIFO) is
 * written in place instead; a symlink's target is replaced, not the link. */
bool sim_write_file_atomic(const char *path, const char *data, size_t len,
			   GError **err);

/* For streamed output: a temporary file beside path (g_mkstemp) opened
 * for writing; *tmp_path is g_malloc'd (NULL when path is written in
 * place, as above).  sim_atomic_commit closes f and renames;
 * sim_atomic_abort closes and unlinks. */
FILE *sim_atomic_open(const char *path, char **tmp_path, GError **err);
bool sim_atomic_commit(FILE *f, const char *tmp_path, const char *path,
		       GError **err);
void sim_atomic_abort(FILE *f, const char *tmp_path);

#endif /* SIM_JSONW_H */
