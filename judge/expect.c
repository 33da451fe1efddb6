/* judge/expect.c — reading NAME.expect (see expect.h; judge/imgsrc.c
 * writes it). */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "judge/expect.h"

static void file_free(gpointer p)
{
	struct judge_expect_file *f = p;

	g_free(f->name);
	g_array_free(f->runs, TRUE);
	g_free(f);
}

void judge_expect_free(struct judge_expect *e)
{
	if (!e)
		return;
	g_ptr_array_free(e->files, TRUE);
	g_free(e);
}

static bool num(const char *s, uint64_t *v)
{
	char *end;

	errno = 0;
	*v = g_ascii_strtoull(s, &end, 0);
	return g_ascii_isdigit(*s) && !*end && !errno;
}

struct judge_expect *judge_expect_load(const char *path, GError **err)
{
	struct judge_expect *e;
	struct judge_expect_file *cur = NULL;
	char *text = NULL;
	char **lines;
	unsigned ln = 0;

	if (!g_file_get_contents(path, &text, NULL, err))
		return NULL;
	e = g_new0(struct judge_expect, 1);
	e->files = g_ptr_array_new_with_free_func(file_free);
	lines = g_strsplit(text, "\n", -1);
	g_free(text);
	for (char **l = lines; *l; l++) {
		char **f;
		unsigned n;
		bool ok = true;

		ln++;
		if (!**l || **l == '#')
			continue;
		f = g_strsplit_set(*l, " \t", -1);
		n = g_strv_length(f);
		if (n == 6 && strcmp(f[0], "file") == 0 &&
		    strcmp(f[2], "ino") == 0 && strcmp(f[4], "size") == 0) {
			uint64_t ino, size;

			ok = num(f[3], &ino) && num(f[5], &size) && ino <= UINT32_MAX;
			if (ok) {
				cur = g_new0(struct judge_expect_file, 1);
				cur->name = g_strdup(f[1]);
				cur->ino = (uint32_t)ino;
				cur->size = size;
				cur->runs = g_array_new(FALSE, FALSE,
							sizeof(struct judge_expect_run));
				g_ptr_array_add(e->files, cur);
			}
		} else if (cur && (n == 3 || n == 4)) {
			struct judge_expect_run r = { .known = n == 4 };

			ok = num(f[0], &r.off) && num(f[1], &r.len) &&
			     (n == 3 ? strcmp(f[2], "?") == 0 :
			      num(f[2], &r.stamp) && num(f[3], &r.origin));
			if (ok)
				g_array_append_val(cur->runs, r);
		} else {
			ok = false;
		}
		g_strfreev(f);
		if (!ok) {
			g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_INVAL,
				    "%s:%u: not an expect line", path, ln);
			g_strfreev(lines);
			judge_expect_free(e);
			return NULL;
		}
	}
	g_strfreev(lines);
	return e;
}
