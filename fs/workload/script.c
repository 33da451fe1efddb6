/* fs/workload/script.c — the `script` key of a job section: parsing and
 * formatting (model-only; the grammar is in fs/workload/script.h, the
 * task that runs a script is in fs/workload/workload.c).
 */
#include "config.h"

#include <stdarg.h>
#include <string.h>

#include "fs/workload/script.h"
#include "sim/config/cfg.h"

bool fs_wl_step_name_eq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char x = *a == ' ' ? '_' : *a, y = *b == ' ' ? '_' : *b;

		if (x != y)
			return false;
	}
	return *a == *b;
}

void fs_wl_time_format(GString *out, sim_time_t t)
{
	static const struct { sim_time_t div; const char *unit; } u[] = {
		{ SIM_SEC, "s" }, { SIM_MSEC, "ms" }, { SIM_USEC, "us" },
	};

	for (unsigned i = 0; i < G_N_ELEMENTS(u); i++)
		if (t && t % u[i].div == 0) {
			g_string_append_printf(out, "%" G_GINT64_FORMAT "%s",
					       t / u[i].div, u[i].unit);
			return;
		}
	g_string_append_printf(out, "%" G_GINT64_FORMAT "ns", t);
}

static void size_format(GString *out, uint64_t v)
{
	static const struct { uint64_t div; const char *unit; } u[] = {
		{ (uint64_t)1 << 30, "G" }, { 1u << 20, "M" }, { 1u << 10, "K" },
	};

	for (unsigned i = 0; i < G_N_ELEMENTS(u); i++)
		if (v && v % u[i].div == 0) {
			g_string_append_printf(out, "%" G_GUINT64_FORMAT "%s",
					       v / u[i].div, u[i].unit);
			return;
		}
	g_string_append_printf(out, "%" G_GUINT64_FORMAT, v);
}

void fs_wl_script_op_format(GString *out, const struct fs_wl_script_op *op)
{
	g_string_append(out, fs_op_names[op->kind]);
	if (op->kind != FS_OP_FSYNC) {
		g_string_append_c(out, ' ');
		size_format(out, op->offset);
		if (op->kind != FS_OP_TRUNCATE) {
			g_string_append_c(out, ' ');
			size_format(out, op->len);
		}
	}
	if (op->at >= 0) {
		g_string_append(out, " at=");
		fs_wl_time_format(out, op->at);
	}
	if (op->think > 0) {
		g_string_append(out, " think=");
		fs_wl_time_format(out, op->think);
	}
	for (unsigned i = 0; i < op->ndelays; i++) {
		const struct fs_wl_step_delay *d = &op->delays[i];

		g_string_append_printf(out, " delay=%s", d->where);
		if (d->nth != 1)
			g_string_append_printf(out, "#%u", d->nth);
		g_string_append_c(out, ':');
		fs_wl_time_format(out, d->delay);
	}
}

static bool item_error(GError **err, unsigned i, const char *item,
		       const char *fmt, ...) G_GNUC_PRINTF(4, 5);

static bool item_error(GError **err, unsigned i, const char *item,
		       const char *fmt, ...)
{
	char *shown = sim_option_quote(item, true), *msg;
	va_list ap;

	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_set_error(err, SIM_CFG_ERROR, SIM_CFG_ERROR_VALUE,
		    "item %u %s: %s", i + 1, shown, msg);
	g_free(shown);
	g_free(msg);
	return false;
}

static bool parse_item(const char *item, unsigned i,
		       struct fs_wl_script_op *op, GError **err)
{
	char **w = g_strsplit_set(item, " \t", -1);
	unsigned npos = 0;
	bool ok = false;
	GError *e = NULL;
	int k;

	*op = (struct fs_wl_script_op){ .len = 4096, .at = -1 };
	for (unsigned j = 0; w[j]; j++) {
		const char *t = w[j], *eq;

		if (!*t)
			continue;
		eq = strchr(t, '=');
		if (!eq) {
			if (npos == 0) {
				for (k = 0; fs_op_names[k]; k++)
					if (strcmp(fs_op_names[k], t) == 0)
						break;
				if (!fs_op_names[k]) {
					const char *s = sim_option_suggest(
						t, fs_op_names, FS_NR_OPS);

					item_error(err, i, item,
						   "unknown operation '%s'%s%s%s",
						   t, s ? " (did you mean '" : "",
						   s ? s : "", s ? "'?)" : "");
					goto out;
				}
				op->kind = (enum fs_op)k;
			} else if (npos <= 2) {
				uint64_t v;

				if (!sim_option_parse_size(t, &v, &e)) {
					item_error(err, i, item, "%s %s",
						   npos == 1 ? "offset" : "length",
						   e->message);
					g_clear_error(&e);
					goto out;
				}
				if (npos == 1)
					op->offset = v;
				else
					op->len = v;
			} else {
				item_error(err, i, item,
					   "expected OP [OFFSET [LEN]] then key=value words, got '%s'",
					   t);
				goto out;
			}
			npos++;
			continue;
		}
		if (npos == 0) {
			item_error(err, i, item, "starts with '%s', not an operation", t);
			goto out;
		}
		if (g_str_has_prefix(t, "at=") || g_str_has_prefix(t, "think=")) {
			bool at = t[0] == 'a';
			sim_time_t v;

			if (!sim_option_parse_time(eq + 1, SIM_UNIT_NS, &v, &e) ||
			    v < 0) {
				item_error(err, i, item, "%s: %s", at ? "at" : "think",
					   e ? e->message : "negative time");
				g_clear_error(&e);
				goto out;
			}
			if (at)
				op->at = v;
			else
				op->think = v;
		} else if (g_str_has_prefix(t, "delay=")) {
			const char *spec = eq + 1, *colon = strrchr(spec, ':');
			struct fs_wl_step_delay *d;
			char *name, *hash;

			if (op->ndelays == FS_WL_SCRIPT_MAX_DELAYS) {
				item_error(err, i, item, "more than %u delays",
					   FS_WL_SCRIPT_MAX_DELAYS);
				goto out;
			}
			if (!colon || colon == spec) {
				item_error(err, i, item,
					   "delay=%s: expected STEP[#N]:TIME", spec);
				goto out;
			}
			d = &op->delays[op->ndelays];
			name = g_strndup(spec, (gsize)(colon - spec));
			hash = strchr(name, '#');
			d->nth = 1;
			if (hash) {
				char *end;
				guint64 n = g_ascii_strtoull(hash + 1, &end, 10);

				if (!g_ascii_isdigit(hash[1]) || *end || n < 1 ||
				    n > 1000000) {
					item_error(err, i, item,
						   "delay=%s: #N must be a count from 1",
						   spec);
					g_free(name);
					goto out;
				}
				d->nth = (unsigned)n;
				*hash = '\0';
			}
			if (!*name || strlen(name) >= sizeof(d->where)) {
				item_error(err, i, item, "delay=%s: bad step name", spec);
				g_free(name);
				goto out;
			}
			g_strlcpy(d->where, name, sizeof(d->where));
			for (char *p = d->where; *p; p++)
				if (*p == ' ')
					*p = '_';
			g_free(name);
			if (!sim_option_parse_time(colon + 1, SIM_UNIT_NS, &d->delay,
						   &e) || d->delay <= 0) {
				item_error(err, i, item, "delay=%s: %s", spec,
					   e ? e->message : "the time must be > 0");
				g_clear_error(&e);
				goto out;
			}
			op->ndelays++;
		} else {
			item_error(err, i, item,
				   "unknown word '%s' (at=, think= or delay=)", t);
			goto out;
		}
	}
	if (npos == 0) {
		item_error(err, i, item, "empty item");
		goto out;
	}
	if (op->len == 0 && op->kind != FS_OP_FSYNC &&
	    op->kind != FS_OP_TRUNCATE) {
		item_error(err, i, item, "length 0");
		goto out;
	}
	ok = true;
out:
	g_strfreev(w);
	return ok;
}

bool fs_wl_script_parse(const char *text, struct fs_wl_script *s,
			GError **err)
{
	char **items = g_strsplit(text, ",", -1);
	unsigned n = g_strv_length(items);

	*s = (struct fs_wl_script){ 0 };
	s->ops = g_new0(struct fs_wl_script_op, n ? n : 1);
	for (unsigned i = 0; i < n; i++) {
		char *item = g_strstrip(items[i]);

		if (!*item && n == 1)
			break;
		if (!parse_item(item, i, &s->ops[s->n], err)) {
			g_strfreev(items);
			fs_wl_script_free(s);
			return false;
		}
		s->n++;
	}
	g_strfreev(items);
	if (s->n == 0) {
		g_set_error(err, SIM_CFG_ERROR, SIM_CFG_ERROR_VALUE,
			    "an empty script (give at least one operation)");
		fs_wl_script_free(s);
		return false;
	}
	return true;
}

void fs_wl_script_free(struct fs_wl_script *s)
{
	g_free(s->ops);
	*s = (struct fs_wl_script){ 0 };
}
