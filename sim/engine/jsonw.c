/* sim/engine/jsonw.c — deterministic JSON writer and atomic writes (jsonw.h). */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "sim/engine/jsonw.h"

void sim_jw_init(struct sim_jw *j, GString *s)
{
	memset(j, 0, sizeof(*j));
	j->s = s;
}

static void indent(struct sim_jw *j)
{
	unsigned i;

	g_string_append_c(j->s, '\n');
	for (i = 0; i < j->depth; i++)
		g_string_append(j->s, "  ");
}

/* Separator and layout before a value or key at the current level. */
static void before(struct sim_jw *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (j->depth == 0)
		return;
	if (!j->first[j->depth])
		g_string_append_c(j->s, ',');
	j->first[j->depth] = false;
	if (j->inl[j->depth]) {
		if (j->s->str[j->s->len - 1] == ',')
			g_string_append_c(j->s, ' ');
	} else {
		indent(j);
	}
}

static void jw_open(struct sim_jw *j, char c, bool inl)
{
	before(j);
	g_string_append_c(j->s, c);
	SIM_BUG_ON(j->depth + 1 >= SIM_JW_MAX_DEPTH);
	j->depth++;
	j->first[j->depth] = true;
	/* inside an inline container everything stays inline */
	j->inl[j->depth] = inl || j->inl[j->depth - 1];
}

static void jw_close(struct sim_jw *j, char c)
{
	bool empty = j->first[j->depth], inl = j->inl[j->depth];

	SIM_BUG_ON(j->depth == 0 || j->after_key);
	j->depth--;
	if (!empty && !inl)
		indent(j);
	g_string_append_c(j->s, c);
	if (j->depth == 0)
		g_string_append_c(j->s, '\n');
}

void sim_jw_begin_object(struct sim_jw *j)
{
	jw_open(j, '{', false);
}

void sim_jw_end_object(struct sim_jw *j)
{
	jw_close(j, '}');
}

void sim_jw_begin_array(struct sim_jw *j)
{
	jw_open(j, '[', false);
}

void sim_jw_begin_array_inline(struct sim_jw *j)
{
	jw_open(j, '[', true);
}

void sim_jw_end_array(struct sim_jw *j)
{
	jw_close(j, ']');
}

void sim_json_escape(GString *out, const char *s)
{
	const unsigned char *p;

	g_string_append_c(out, '"');
	for (p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': g_string_append(out, "\\\""); break;
		case '\\': g_string_append(out, "\\\\"); break;
		case '\n': g_string_append(out, "\\n"); break;
		case '\t': g_string_append(out, "\\t"); break;
		case '\r': g_string_append(out, "\\r"); break;
		default:
			if (*p < 0x20)
				g_string_append_printf(out, "\\u%04x", *p);
			else
				g_string_append_c(out, (char)*p);
		}
	}
	g_string_append_c(out, '"');
}

void sim_jw_key(struct sim_jw *j, const char *key)
{
	before(j);
	sim_json_escape(j->s, key);
	g_string_append(j->s, ": ");
	j->after_key = true;
}

void sim_jw_string(struct sim_jw *j, const char *v)
{
	before(j);
	if (v)
		sim_json_escape(j->s, v);
	else
		g_string_append(j->s, "null");
}

void sim_jw_int(struct sim_jw *j, int64_t v)
{
	before(j);
	g_string_append_printf(j->s, "%" PRId64, v);
}

void sim_jw_uint(struct sim_jw *j, uint64_t v)
{
	before(j);
	g_string_append_printf(j->s, "%" PRIu64, v);
}

void sim_jw_bool(struct sim_jw *j, bool v)
{
	before(j);
	g_string_append(j->s, v ? "true" : "false");
}

void sim_jw_null(struct sim_jw *j)
{
	before(j);
	g_string_append(j->s, "null");
}

static void put_double(struct sim_jw *j, double v, const char *fmt)
{
	char buf[G_ASCII_DTOSTR_BUF_SIZE];

	before(j);
	if (!isfinite(v)) {
		g_string_append(j->s, "null");
		return;
	}
	/* g_ascii_formatd: '.' whatever the locale. */
	g_ascii_formatd(buf, sizeof(buf), fmt, v);
	g_string_append(j->s, buf);
}

void sim_jw_double(struct sim_jw *j, double v)
{
	put_double(j, v, "%.10g");
}

void sim_jw_double_exact(struct sim_jw *j, double v)
{
	put_double(j, v, "%.17g");
}

void sim_jw_kstring(struct sim_jw *j, const char *key, const char *v)
{
	sim_jw_key(j, key);
	sim_jw_string(j, v);
}

void sim_jw_kint(struct sim_jw *j, const char *key, int64_t v)
{
	sim_jw_key(j, key);
	sim_jw_int(j, v);
}

void sim_jw_kuint(struct sim_jw *j, const char *key, uint64_t v)
{
	sim_jw_key(j, key);
	sim_jw_uint(j, v);
}

void sim_jw_kdouble(struct sim_jw *j, const char *key, double v)
{
	sim_jw_key(j, key);
	sim_jw_double(j, v);
}

void sim_jw_kbool(struct sim_jw *j, const char *key, bool v)
{
	sim_jw_key(j, key);
	sim_jw_bool(j, v);
}

/* ---- atomic files ------------------------------------------------------------ */

FILE *sim_atomic_open(const char *path, char **tmp_path, GError **err)
{
	struct stat st;
	char *tmp, *real = NULL;
	int fd;
	FILE *f;

	/* Only a regular file is replaced by rename: a device, FIFO or
	 * terminal (-o /dev/null, -o /dev/stdout) is written in place — a
	 * rename would put a plain file where the device was.  A symlink is
	 * followed, so the link stays and its target is replaced. */
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		f = fopen(path, "w");
		if (!f) {
			int e = errno;

			g_set_error(err, G_FILE_ERROR, g_file_error_from_errno(e),
				    "cannot write %s: %s", path, g_strerror(e));
			return NULL;
		}
		*tmp_path = NULL;
		return f;
	}
	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
		real = realpath(path, NULL);
	tmp = g_strdup_printf("%s.tmp-XXXXXX", real ? real : path);
	free(real);
	fd = g_mkstemp(tmp);

	if (fd < 0) {
		int e = errno;

		g_set_error(err, G_FILE_ERROR, g_file_error_from_errno(e),
			    "cannot write %s: %s", path, g_strerror(e));
		g_free(tmp);
		return NULL;
	}
	f = fdopen(fd, "w");
	if (!f) {
		int e = errno;

		close(fd);
		g_unlink(tmp);
		g_set_error(err, G_FILE_ERROR, g_file_error_from_errno(e),
			    "cannot write %s: %s", path, g_strerror(e));
		g_free(tmp);
		return NULL;
	}
	/* mkstemp makes the file 0600; results are ordinary files
	 * (best effort: a failure only leaves it private). */
	(void)fchmod(fd, 0644);
	*tmp_path = tmp;
	return f;
}

/* rename(2) onto path, or onto its target if path is a symlink. */
static int rename_over(const char *tmp_path, const char *path)
{
	struct stat st;
	char *real = NULL;
	int rc;

	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
		real = realpath(path, NULL);
	rc = g_rename(tmp_path, real ? real : path);
	free(real);
	return rc;
}

bool sim_atomic_commit(FILE *f, const char *tmp_path, const char *path,
		       GError **err)
{
	int e = 0;

	/* flush first: a write error (ENOSPC on /dev/full or a full disk)
	 * is reported with its own errno, not as a generic EIO */
	if (fflush(f) != 0)
		e = errno;
	if (!e && ferror(f))
		e = EIO;
	if (fclose(f) != 0 && !e)
		e = errno;
	if (!e && tmp_path && rename_over(tmp_path, path) != 0)
		e = errno;
	if (e) {
		if (tmp_path)
			g_unlink(tmp_path);
		g_set_error(err, G_FILE_ERROR, g_file_error_from_errno(e),
			    "cannot write %s: %s", path, g_strerror(e));
		return false;
	}
	return true;
}

void sim_atomic_abort(FILE *f, const char *tmp_path)
{
	if (f)
		fclose(f);
	if (tmp_path)
		g_unlink(tmp_path);
}

bool sim_write_file_atomic(const char *path, const char *data, size_t len,
			   GError **err)
{
	char *tmp = NULL;
	FILE *f = sim_atomic_open(path, &tmp, err);
	bool ok;

	if (!f)
		return false;
	if (fwrite(data, 1, len, f) != len) {
		int e = errno ? errno : EIO;

		sim_atomic_abort(f, tmp);
		g_set_error(err, G_FILE_ERROR, g_file_error_from_errno(e),
			    "cannot write %s: %s", path, g_strerror(e));
		g_free(tmp);
		return false;
	}
	ok = sim_atomic_commit(f, tmp, path, err);
	g_free(tmp);
	return ok;
}
