/* sim/run/expect.c — expectations on violations: parse, check, scenario
 * headers (see expect.h for the grammar). */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "sim/config/cfg.h"
#include "sim/run/expect.h"

static bool known_kind(const char *const *kinds, const char *name)
{
	if (!kinds)
		return true;
	for (; *kinds; kinds++)
		if (strcmp(*kinds, name) == 0)
			return true;
	return false;
}

G_GNUC_PRINTF(3, 4)
static bool bad(GError **err, const char *where, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_set_error(err, SIM_CFG_ERROR, SIM_CFG_ERROR_VALUE, "%s: %s", where,
		    msg);
	g_free(msg);
	return false;
}

static bool parse_term(struct sim_expect_term *tm, const char *t,
		       const char *const *kinds, const char *where,
		       GError **err)
{
	GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
	const char *p = t;
	char *end;

	for (;;) {
		size_t n = strcspn(p, "|>=~");
		char *name = g_strndup(p, n);

		if (!n || !known_kind(kinds, name)) {
			char *list = kinds ? g_strjoinv(", ", (char **)kinds)
					   : NULL;

			bad(err, where, "term '%s': unknown violation kind '%s'%s%s%s",
			    t, name, list ? " (one of " : "", list ? list : "",
			    list ? ")" : "");
			g_free(list);
			g_free(name);
			g_ptr_array_unref(names);
			return false;
		}
		g_ptr_array_add(names, name);
		p += n;
		if (*p != '|')
			break;
		p++;
	}
	if (*p == '~') {
		if (names->len != 1) {
			g_ptr_array_unref(names);
			return bad(err, where, "term '%s': ~TEXT takes one kind", t);
		}
		p++;
		if (*p == '"') {
			const char *q = strchr(++p, '"');

			if (!q) {
				g_ptr_array_unref(names);
				return bad(err, where, "term '%s': unterminated quote", t);
			}
			tm->match = g_strndup(p, (gsize)(q - p));
			p = q + 1;
		} else {
			size_t n = strcspn(p, ">=");

			tm->match = g_strndup(p, n);
			p += n;
		}
		if (!*tm->match) {
			g_ptr_array_unref(names);
			return bad(err, where, "term '%s': empty ~TEXT", t);
		}
	}
	g_ptr_array_add(names, NULL);
	tm->kinds = (char **)g_ptr_array_free(names, FALSE);
	if (*p != '>' && *p != '=')
		return bad(err, where, "term '%s': expected KIND>N, KIND=N, "
			   "none or any", t);
	tm->op = *p++;
	errno = 0;
	tm->n = g_ascii_strtoull(p, &end, 10);
	if (!g_ascii_isdigit(*p) || *end || errno)
		return bad(err, where, "term '%s': expected a count after '%c'",
			   t, tm->op);
	return true;
}

/* Blank-separated terms; blanks inside "..." belong to the term. */
static char **split_terms(const char *p)
{
	GPtrArray *a = g_ptr_array_new();

	for (;;) {
		const char *b;
		bool quoted = false;

		p += strspn(p, " \t\r");
		if (!*p)
			break;
		for (b = p; *p && (quoted || !strchr(" \t\r", *p)); p++)
			if (*p == '"')
				quoted = !quoted;
		g_ptr_array_add(a, g_strndup(b, (gsize)(p - b)));
	}
	g_ptr_array_add(a, NULL);
	return (char **)g_ptr_array_free(a, FALSE);
}

struct sim_expect *sim_expect_parse(const char *text,
				    const char *const *kinds,
				    const char *where, GError **err)
{
	struct sim_expect *e = g_new0(struct sim_expect, 1);
	size_t n = strcspn(text, ":");
	char **words;
	unsigned i, nw;

	e->text = g_strstrip(g_strdup(text));
	e->strategy = g_strstrip(g_strndup(text, n));
	if (text[n] != ':' || !*e->strategy) {
		bad(err, where, "'%s': expected STRATEGY: TERM...", e->text);
		goto fail;
	}
	words = split_terms(text + n + 1);
	nw = g_strv_length(words);
	e->terms = g_new0(struct sim_expect_term, nw + 1);
	for (i = 0; words[i]; i++) {
		if (strcmp(words[i], "none") == 0) {
			e->none = true;
		} else if (strcmp(words[i], "any") == 0) {
			e->any = true;
		} else if (g_str_has_prefix(words[i], "e2fsck>") ||
			   g_str_has_prefix(words[i], "e2fsck=")) {
			/* the exported images' verdict: judged where images
			 * are made (tests/judge/regress-images.sh) */
		} else if (!parse_term(&e->terms[e->nterms++], words[i], kinds,
				       where, err)) {
			g_strfreev(words);
			goto fail;
		}
	}
	g_strfreev(words);
	if (!e->none && !e->any && !e->nterms) {
		bad(err, where, "'%s': no terms (none, any, KIND>N, KIND=N)",
		    e->text);
		goto fail;
	}
	return e;
fail:
	sim_expect_free(e);
	return NULL;
}

void sim_expect_free(struct sim_expect *e)
{
	unsigned i;

	if (!e)
		return;
	for (i = 0; i < e->nterms; i++) {
		g_strfreev(e->terms[i].kinds);
		g_free(e->terms[i].match);
	}
	g_free(e->terms);
	g_free(e->strategy);
	g_free(e->text);
	g_free(e);
}

bool sim_expect_needs_headlines(const struct sim_expect *e)
{
	unsigned i;

	for (i = 0; i < e->nterms; i++)
		if (e->terms[i].match)
			return true;
	return false;
}

/* "stale_mapping|foreign_write>0" as written. */
static void term_text(const struct sim_expect_term *tm, GString *s)
{
	unsigned i;

	for (i = 0; tm->kinds[i]; i++)
		g_string_append_printf(s, "%s%s", i ? "|" : "", tm->kinds[i]);
	if (tm->match)
		g_string_append_printf(s, "~\"%s\"", tm->match);
	g_string_append_printf(s, "%c%" G_GUINT64_FORMAT, tm->op, tm->n);
}

bool sim_expect_check(const struct sim_expect *e,
		      const struct sim_expect_figures *f, char **why)
{
	unsigned i, k;

	*why = NULL;
	if (e->none) {
		GString *s = NULL;

		for (k = 0; f->kinds && f->kinds[k]; k++) {
			uint64_t c = f->count(f->ctx, f->kinds[k]);

			if (!c)
				continue;
			if (s)
				g_string_append_c(s, ',');
			else
				s = g_string_new("expected none, got");
			g_string_append_printf(s, " %s %" G_GUINT64_FORMAT,
					       f->kinds[k], c);
		}
		if (s) {
			*why = g_string_free(s, FALSE);
			return false;
		}
	}
	for (i = 0; i < e->nterms; i++) {
		const struct sim_expect_term *tm = &e->terms[i];
		uint64_t sum = 0;
		GString *s;

		if (tm->match)
			sum = f->matched(f->ctx, tm->kinds[0], tm->match);
		else
			for (k = 0; tm->kinds[k]; k++)
				sum += f->count(f->ctx, tm->kinds[k]);
		if (tm->op == '>' ? sum > tm->n : sum == tm->n)
			continue;
		s = g_string_new(NULL);
		g_string_append_printf(s, "term %u (", i + 1);
		term_text(tm, s);
		g_string_append_printf(s, "): got %" G_GUINT64_FORMAT, sum);
		*why = g_string_free(s, FALSE);
		return false;
	}
	return true;
}

/* ---- scenario files ------------------------------------------------------------ */

bool sim_expect_file_load(struct sim_expect_file *ef, const char *path,
			  const char *text, const char *const *kinds,
			  GError **err)
{
	char *buf = NULL, **lines;
	GError *e2 = NULL;
	bool ok = true;
	unsigned i;

	ef->expects = g_ptr_array_new_with_free_func((GDestroyNotify)sim_expect_free);
	ef->known = NULL;
	if (!text) {
		if (!g_file_get_contents(path, &buf, NULL, &e2)) {
			g_set_error(err, SIM_CFG_ERROR, SIM_CFG_ERROR_OPEN,
				    "%s: %s", path, e2->message);
			g_error_free(e2);
			return false;
		}
		text = buf;
	}
	lines = g_strsplit(text, "\n", -1);
	for (i = 0; ok && lines[i]; i++) {
		const char *p = lines[i] + strspn(lines[i], ";# \t");

		if (lines[i][0] != ';' && lines[i][0] != '#')
			continue;
		if (g_str_has_prefix(p, "expect ")) {
			char *where = g_strdup_printf("%s:%u", path, i + 1);
			struct sim_expect *e = sim_expect_parse(p + 7, kinds,
								where, err);

			g_free(where);
			if (!e) {
				ok = false;
				break;
			}
			e->line = (int)i + 1;
			g_ptr_array_add(ef->expects, e);
		} else if (g_str_has_prefix(p, "known:")) {
			GString *k = g_string_new(ef->known);

			if (k->len)
				g_string_append_c(k, ' ');
			g_string_append(k, p + 6);
			/* continues on the comment lines below, up to an
			 * empty one or the next directive */
			while (lines[i + 1] && (lines[i + 1][0] == ';' ||
						lines[i + 1][0] == '#')) {
				const char *q = lines[i + 1] +
						strspn(lines[i + 1], ";# \t");

				if (!*q || g_str_has_prefix(q, "expect ") ||
				    g_str_has_prefix(q, "known:"))
					break;
				g_string_append_printf(k, " %s", q);
				i++;
			}
			g_free(ef->known);
			ef->known = g_strstrip(g_string_free(k, FALSE));
		}
	}
	g_strfreev(lines);
	g_free(buf);
	if (!ok)
		sim_expect_file_clear(ef);
	return ok;
}

void sim_expect_file_clear(struct sim_expect_file *ef)
{
	if (ef->expects)
		g_ptr_array_unref(ef->expects);
	g_free(ef->known);
	ef->expects = NULL;
	ef->known = NULL;
}
