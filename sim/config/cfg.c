/* sim/config/cfg.c — workload files: a line-preserving pre-pass for fio habits,
 * GKeyFile for the INI itself, then every section and key checked against
 * the schema's option tables (sim/config/option.h).  Also --set, --sweep, the
 * resolved-config dump and located error messages.
 *
 * The pre-pass turns the file into plain GKeyFile text with the same line
 * numbers: comments (';' or '#' at the start, or after whitespace) become
 * blank lines, "key = value" becomes "key=value", a bare "direct" becomes
 * "direct=1".  It also does what GKeyFile does not: it records the line of
 * every section and key (GKeyFile keeps none, so its messages cannot name
 * one), refuses duplicate sections and keys (GKeyFile merges or overwrites
 * them silently), and checks names and bytes (NUL, UTF-8, control
 * characters).  Sections and keys are then walked in file order, which
 * GKeyFile keeps, so the first error reported is the first in the file
 * (syntax errors are found by the pre-pass, before any value error).
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "sim/config/cfg.h"

#define SIM_CFG_ORIGIN_SWEEP (-2)       /* a --sweep value on a copy */
#define SIM_CFG_MAX_FILE (16u << 20)    /* no workload file is this big */

/* ---- errors ------------------------------------------------------------- */

/* Messages are one line whatever the input held. */
static void one_line(GError *e)
{
	if (!e)
		return;
	for (unsigned char *p = (unsigned char *)e->message; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			*p = *p == '\n' || *p == '\r' || *p == '\t' ? ' ' : '?';
}

/* "FILE:LINE: [section] key: " — the parts that exist.  Names come from
 * the file: they are shown printable and cut short. */
static char *location(const char *file, int line, const char *section,
		      const char *key)
{
	GString *s = g_string_new(file);
	char *sec = section ? sim_option_quote(section, false) : NULL;
	char *k = key ? sim_option_quote(key, false) : NULL;

	if (line > 0)
		g_string_append_printf(s, ":%d", line);
	g_string_append(s, ": ");
	if (sec)
		g_string_append_printf(s, "[%s]", sec);
	if (k)
		g_string_append_printf(s, "%s%s", sec ? " " : "", k);
	if (sec || k)
		g_string_append(s, ": ");
	g_free(sec);
	g_free(k);
	return g_string_free(s, FALSE);
}

static void loc_error(GError **err, int code, const char *file, int line,
		      const char *section, const char *key, const char *fmt,
		      ...) G_GNUC_PRINTF(7, 8);

static void loc_error(GError **err, int code, const char *file, int line,
		      const char *section, const char *key, const char *fmt,
		      ...)
{
	char *where = location(file, line, section, key), *msg;
	va_list ap;

	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_set_error(err, SIM_CFG_ERROR, code, "%s%s", where, msg);
	g_free(where);
	g_free(msg);
	if (err)
		one_line(*err);
}

static void prefix_error(GError **err, const char *file, int line,
			 const char *section, const char *key)
{
	char *where = location(file, line, section, key);

	g_prefix_error(err, "%s", where);
	g_free(where);
	if (err)
		one_line(*err);
}

/* " (did you mean 'x'?)" or "". */
static char *suggestion(const char *word, const char *const *cand,
			unsigned n, const char *open, const char *close)
{
	const char *s = sim_option_suggest(word, cand, n);

	return s ? g_strdup_printf(" (did you mean %s%s%s?)", open, s, close)
		 : g_strdup("");
}

static const char **option_names(const struct sim_option *table,
				 unsigned *n)
{
	const char **names;

	*n = sim_option_count(table);
	names = g_new0(const char *, *n + 1);
	for (unsigned i = 0; i < *n; i++)
		names[i] = table[i].name;
	return names;
}

/* ---- sections ------------------------------------------------------------ */

static struct sim_cfg_section *section_new(const struct sim_schema *schema,
					   const char *name, unsigned type,
					   int line)
{
	struct sim_cfg_section *sec = g_new0(struct sim_cfg_section, 1);
	const struct sim_section_type *t = &schema->types[type];

	sec->name = g_strdup(name);
	sec->type = t;
	sec->type_index = type;
	sec->line = line;
	sec->data = g_malloc0(t->size);
	if (t->init)
		t->init(sec->data);
	sim_option_fill_defaults(t->options, sec->data);
	sec->origin = g_new0(int, sim_option_count(t->options) + 1);
	return sec;
}

static void section_free(struct sim_cfg_section *sec)
{
	sim_option_free_values(sec->type->options, sec->data);
	g_free(sec->data);
	g_free(sec->origin);
	g_free(sec->name);
	g_free(sec);
}

static int option_index(const struct sim_cfg_section *sec, const char *key)
{
	const struct sim_option *opt = sim_option_find(sec->type->options, key);

	return opt ? (int)(opt - sec->type->options) : -1;
}

static struct sim_cfg *cfg_new(const struct sim_schema *schema,
			       const char *file)
{
	struct sim_cfg *cfg = g_new0(struct sim_cfg, 1);

	cfg->file = g_strdup(file);
	cfg->schema = schema;
	return cfg;
}

static void cfg_append(struct sim_cfg *cfg, struct sim_cfg_section *sec)
{
	cfg->sections = g_renew(struct sim_cfg_section *, cfg->sections,
				cfg->n_sections + 1);
	cfg->sections[cfg->n_sections++] = sec;
}

void sim_cfg_free(struct sim_cfg *cfg)
{
	if (!cfg)
		return;
	for (unsigned i = 0; i < cfg->n_sections; i++)
		section_free(cfg->sections[i]);
	g_free(cfg->sections);
	g_free(cfg->file);
	g_free(cfg);
}

struct sim_cfg *sim_cfg_copy(const struct sim_cfg *cfg)
{
	struct sim_cfg *copy = cfg_new(cfg->schema, cfg->file);

	for (unsigned i = 0; i < cfg->n_sections; i++) {
		const struct sim_cfg_section *s = cfg->sections[i];
		struct sim_cfg_section *d = g_new0(struct sim_cfg_section, 1);
		unsigned n = sim_option_count(s->type->options);

		*d = *s;
		d->name = g_strdup(s->name);
		d->data = g_memdup2(s->data, s->type->size);
		sim_option_copy_values(s->type->options, d->data, s->data);
		d->origin = g_memdup2(s->origin, (n + 1) * sizeof(int));
		cfg_append(copy, d);
	}
	return copy;
}

struct sim_cfg_section *sim_cfg_lookup(const struct sim_cfg *cfg,
				       const char *name)
{
	for (unsigned i = 0; i < cfg->n_sections; i++)
		if (strcmp(cfg->sections[i]->name, name) == 0)
			return cfg->sections[i];
	return NULL;
}

void *sim_cfg_data(const struct sim_cfg *cfg, const char *name)
{
	struct sim_cfg_section *sec = sim_cfg_lookup(cfg, name);

	return sec ? sec->data : NULL;
}

bool sim_cfg_is_set(const struct sim_cfg_section *sec, const char *key)
{
	int i = option_index(sec, key);

	return i >= 0 && sec->origin[i] != SIM_CFG_ORIGIN_DEFAULT;
}

void sim_cfg_error_at(const struct sim_cfg *cfg,
		      const struct sim_cfg_section *sec, const char *key,
		      GError **err, int code, const char *fmt, ...)
{
	const char *type_key = cfg->schema->type_key;
	int i = sec && key ? option_index(sec, key) : -1;
	int origin = i >= 0 ? sec->origin[i] : 0;
	char *msg;
	va_list ap;

	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	if (!sec) {
		/* about the file as a whole (e.g. it has no job section) */
		loc_error(err, code, cfg->file, 0, NULL, key, "%s", msg);
		g_free(msg);
		return;
	}
	if (key && type_key && strcmp(key, type_key) == 0)
		origin = sec->type_line;
	if (origin == SIM_CFG_ORIGIN_SET || origin == SIM_CFG_ORIGIN_SWEEP) {
		g_set_error(err, SIM_CFG_ERROR, code, "%s %s.%s: %s",
			    origin == SIM_CFG_ORIGIN_SET ? "--set" : "--sweep",
			    sec->name, key, msg);
		if (err)
			one_line(*err);
	} else {
		loc_error(err, code, cfg->file, origin > 0 ? origin : sec->line,
			  sec->name, key, "%s", msg);
	}
	g_free(msg);
}

/* ---- the pre-pass --------------------------------------------------------- */

struct pp_key {
	int line;
	bool bare;                    /* a flag without "= value" */
};

struct pp_section {
	int line;
	GHashTable *keys;             /* key → struct pp_key (lookup only) */
};

struct pp {
	GString *text;                /* normalised, same line numbers */
	GHashTable *sections;         /* name → struct pp_section */
};

static void pp_section_free(void *p)
{
	struct pp_section *ps = p;

	g_hash_table_destroy(ps->keys);
	g_free(ps);
}

static void pp_init(struct pp *pp)
{
	pp->text = g_string_new(NULL);
	pp->sections = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
					     pp_section_free);
}

static void pp_clear(struct pp *pp)
{
	g_string_free(pp->text, TRUE);
	g_hash_table_destroy(pp->sections);
}

static bool key_name_ok(const char *s)
{
	for (; *s; s++)
		if (!g_ascii_isalnum(*s) && *s != '_' && *s != '-')
			return false;
	return true;
}

/* Every key of every section type: a key with a bad character gets its
 * did-you-mean from all of them (its section's type may not be known). */
static char *any_key_suggestion(const struct sim_schema *schema,
				const char *word)
{
	GPtrArray *all = g_ptr_array_new();
	char *s;

	for (unsigned i = 0; i < schema->n_types; i++)
		for (const struct sim_option *o = schema->types[i].options;
		     o->name; o++)
			g_ptr_array_add(all, (void *)o->name);
	s = suggestion(word, (const char *const *)all->pdata, all->len, "'",
		       "'");
	g_ptr_array_free(all, TRUE);
	return s;
}

/* Cuts a comment: ';' or '#' at the start or after a space or tab. */
static void strip_comment(char *s)
{
	for (char *p = s; *p; p++) {
		if ((*p == ';' || *p == '#') &&
		    (p == s || p[-1] == ' ' || p[-1] == '\t')) {
			*p = '\0';
			return;
		}
	}
}

/* One line (NUL-terminated copy, no '\n'); appends its normalised form. */
static bool pp_line(struct pp *pp, const struct sim_schema *schema,
		    const char *file, int line, char *s, char **cur,
		    GError **err)
{
	struct pp_section *ps;
	struct pp_key *pk;
	char *eq, *key, *value, *shown;

	strip_comment(s);
	g_strstrip(s);
	if (*s == '\0')
		return true;

	if (*s == '[') {
		char *close = strchr(s, ']'), *name;

		shown = sim_option_quote(s, true);
		if (!close) {
			loc_error(err, SIM_CFG_ERROR_SYNTAX, file, line, NULL,
				  NULL, "unterminated section header %s", shown);
			goto bad_shown;
		}
		if (close[1] != '\0') {
			loc_error(err, SIM_CFG_ERROR_SYNTAX, file, line, NULL,
				  NULL, "unexpected text after the section "
				  "header in %s", shown);
			goto bad_shown;
		}
		*close = '\0';
		name = g_strstrip(s + 1);
		/* GKeyFile refuses control characters (a tab) in names */
		if (*name == '\0' || strpbrk(name, "[]=\t")) {
			loc_error(err, SIM_CFG_ERROR_SYNTAX, file, line, NULL,
				  NULL, "bad section name in %s (empty, or "
				  "holds '[', ']', '=' or a tab)", shown);
			goto bad_shown;
		}
		g_free(shown);
		ps = g_hash_table_lookup(pp->sections, name);
		if (ps) {
			loc_error(err, SIM_CFG_ERROR_DUPLICATE, file, line,
				  name, NULL, "duplicate section (first at "
				  "line %d)", ps->line);
			return false;
		}
		ps = g_new0(struct pp_section, 1);
		ps->line = line;
		ps->keys = g_hash_table_new_full(g_str_hash, g_str_equal,
						 g_free, g_free);
		g_hash_table_insert(pp->sections, g_strdup(name), ps);
		g_free(*cur);
		*cur = g_strdup(name);
		g_string_append_printf(pp->text, "[%s]", name);
		return true;
	}

	if (!*cur) {
		shown = sim_option_quote(s, true);
		loc_error(err, SIM_CFG_ERROR_SYNTAX, file, line, NULL, NULL,
			  "%s comes before any [section]", shown);
		goto bad_shown;
	}
	ps = g_hash_table_lookup(pp->sections, *cur);
	eq = strchr(s, '=');
	if (eq) {
		*eq = '\0';
		key = g_strstrip(s);
		value = g_strstrip(eq + 1);
	} else {
		key = s;
		value = (char *)"1";
	}
	if (*key == '\0') {
		loc_error(err, SIM_CFG_ERROR_SYNTAX, file, line, *cur, NULL,
			  "missing key before '='");
		return false;
	}
	if (!key_name_ok(key)) {
		char *hint = any_key_suggestion(schema, key);

		shown = sim_option_quote(key, true);
		if (eq)
			loc_error(err, SIM_CFG_ERROR_KEY, file, line, *cur,
				  key, "bad key name %s (keys are letters, "
				  "digits, '_' and '-')%s", shown, hint);
		else
			loc_error(err, SIM_CFG_ERROR_SYNTAX, file, line, *cur,
				  NULL, "expected 'key = value', got %s%s",
				  shown, hint);
		g_free(hint);
		goto bad_shown;
	}
	pk = g_hash_table_lookup(ps->keys, key);
	if (pk) {
		loc_error(err, SIM_CFG_ERROR_DUPLICATE, file, line, *cur, key,
			  "duplicate key (first at line %d)", pk->line);
		return false;
	}
	pk = g_new0(struct pp_key, 1);
	pk->line = line;
	pk->bare = !eq;
	g_hash_table_insert(ps->keys, g_strdup(key), pk);
	g_string_append_printf(pp->text, "%s=%s", key, value);
	return true;

bad_shown:
	g_free(shown);
	return false;
}

static bool prepass(struct pp *pp, const struct sim_schema *schema,
		    const char *file, const char *data, size_t len,
		    GError **err)
{
	const char *p = data, *end = data + len;
	char *cur = NULL;
	int line = 0;
	bool ok = true;

	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;                         /* UTF-8 byte order mark */
	while (ok && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);
		char *s;

		if (++line == INT_MAX) {
			loc_error(err, SIM_CFG_ERROR_SYNTAX, file, 0, NULL,
				  NULL, "too many lines");
			ok = false;
			break;
		}
		if (n && p[n - 1] == '\r')
			n--;
		if (memchr(p, '\0', n)) {
			loc_error(err, SIM_CFG_ERROR_SYNTAX, file, line, NULL,
				  NULL, "NUL byte (is this a text file?)");
			ok = false;
			break;
		}
		if (!g_utf8_validate_len(p, n, NULL)) {
			loc_error(err, SIM_CFG_ERROR_SYNTAX, file, line, NULL,
				  NULL, "invalid UTF-8");
			ok = false;
			break;
		}
		for (size_t i = 0; i < n; i++) {
			unsigned char c = (unsigned char)p[i];

			if ((c < 0x20 && c != '\t') || c == 0x7f) {
				loc_error(err, SIM_CFG_ERROR_SYNTAX, file, line,
					  NULL, NULL, "control character 0x%02x",
					  c);
				ok = false;
				break;
			}
		}
		if (!ok)
			break;
		s = g_strndup(p, n);
		ok = pp_line(pp, schema, file, line, s, &cur, err);
		g_free(s);
		g_string_append_c(pp->text, '\n');
		p = nl ? nl + 1 : end;
	}
	g_free(cur);
	return ok;
}

/* ---- loading ------------------------------------------------------------- */

/* Why `key` is unknown in `sec`: a near key, a key of another section
 * type, or a section name that is a typo of a reserved one. */
static void unknown_key(const struct sim_cfg *cfg,
			const struct sim_cfg_section *sec, const char *key,
			int line, bool set, GError **err)
{
	const struct sim_schema *schema = cfg->schema;
	const struct sim_section_type *t = sec->type;
	unsigned n;
	const char **names = option_names(t->options, &n);
	const char *near = sim_option_suggest(key, names, n);
	char *shown = sim_option_quote(key, true), *hint = NULL;

	/* an exact key of another type says more than a near one here */
	for (unsigned i = 0; !hint && i < schema->n_types; i++) {
		const struct sim_section_type *o = &schema->types[i];

		if (o == t || !sim_option_find(o->options, key))
			continue;
		if (o->names && o->names[0]) {
			/* e.g. [glbal] read as a job: suggest the name */
			const char *sname = sim_option_suggest(sec->name,
					(const char *const *)o->names,
					g_strv_length((char **)o->names));

			hint = sname ?
				g_strdup_printf(" in a %s section (did you mean "
						"section [%s]?)", t->name, sname) :
				g_strdup_printf(" in a %s section (it belongs in "
						"[%s])", t->name, o->names[0]);
		} else if ((o->flags & SIM_SECTION_TYPED) && schema->type_key) {
			hint = g_strdup_printf(" in a %s section (a %s key: "
					       "missing '%s = %s'?)", t->name,
					       o->name, schema->type_key,
					       o->name);
		}
	}
	/* another tool's name for one of our keys (fio's runtime) */
	for (unsigned i = 0; !hint && schema->aliases && schema->aliases[i];
	     i += 2) {
		const char *ours = schema->aliases[i + 1];

		if (g_ascii_strcasecmp(key, schema->aliases[i]) != 0)
			continue;
		if (sim_option_find(t->options, ours)) {
			hint = g_strdup_printf(" (did you mean '%s'? %s's %s is "
					       "%s here)", ours,
					       schema->aliases_from ?
					       schema->aliases_from : "another tool",
					       schema->aliases[i], ours);
			continue;
		}
		for (unsigned k = 0; !hint && k < schema->n_types; k++) {
			const struct sim_section_type *o = &schema->types[k];

			if (!sim_option_find(o->options, ours))
				continue;
			hint = g_strdup_printf(" (%s's %s is '%s' here, a key of "
					       "%s%s%s)", schema->aliases_from ?
					       schema->aliases_from : "another tool",
					       schema->aliases[i], ours,
					       o->names && o->names[0] ? "[" : "a ",
					       o->names && o->names[0] ?
					       o->names[0] : o->name,
					       o->names && o->names[0] ? "]" :
					       " section");
		}
	}
	if (!hint && near)
		hint = g_strdup_printf(" (did you mean '%s'?)", near);
	if (set)
		g_set_error(err, SIM_CFG_ERROR, SIM_CFG_ERROR_KEY,
			    "unknown key %s%s", shown, hint ? hint : "");
	else
		loc_error(err, SIM_CFG_ERROR_KEY, cfg->file, line, sec->name,
			  key, "unknown key %s%s", shown, hint ? hint : "");
	g_free(hint);
	g_free(shown);
	g_free(names);
}

static int classify(const struct sim_schema *schema, const char *name,
		    const char *type_value)
{
	if (schema->classify)
		return schema->classify(schema, name, type_value);
	return sim_schema_classify(schema, name, type_value);
}

static void unknown_type(const struct sim_cfg *cfg, const char *name,
			 const char *type_value, int line, int type_line,
			 GError **err)
{
	const struct sim_schema *schema = cfg->schema;
	GPtrArray *cand = g_ptr_array_new();
	GString *list = g_string_new(NULL);
	char *hint;

	if (type_value) {
		char *shown = sim_option_quote(type_value, true);

		for (unsigned i = 0; i < schema->n_types; i++)
			if (schema->types[i].flags & (SIM_SECTION_TYPED |
						      SIM_SECTION_DEFAULT))
				g_ptr_array_add(cand,
						(void *)schema->types[i].name);
		for (unsigned i = 0; i < cand->len; i++)
			g_string_append_printf(list, "%s%s", i ? ", " : "",
					       (char *)cand->pdata[i]);
		hint = suggestion(type_value, (const char *const *)cand->pdata,
				  cand->len, "'", "'");
		loc_error(err, SIM_CFG_ERROR_SECTION, cfg->file, type_line,
			  name, schema->type_key, "unknown section type %s%s%s%s",
			  shown, *hint ? hint : " (expected one of: ",
			  *hint ? "" : list->str, *hint ? "" : ")");
		g_free(shown);
	} else {
		for (unsigned i = 0; i < schema->n_types; i++)
			for (unsigned j = 0; schema->types[i].names &&
			     schema->types[i].names[j]; j++)
				g_ptr_array_add(cand,
					(void *)schema->types[i].names[j]);
		for (unsigned i = 0; i < cand->len; i++)
			g_string_append_printf(list, "%s[%s]", i ? ", " : "",
					       (char *)cand->pdata[i]);
		hint = suggestion(name, (const char *const *)cand->pdata,
				  cand->len, "[", "]");
		if (*hint)
			loc_error(err, SIM_CFG_ERROR_SECTION, cfg->file, line,
				  name, NULL, "unknown section%s", hint);
		else
			loc_error(err, SIM_CFG_ERROR_SECTION, cfg->file, line,
				  name, NULL, "unknown section (expected %s%s%s)",
				  list->str, list->len && schema->type_key ?
				  " or " : "", schema->type_key ?
				  "a section with a type key" : "");
	}
	g_free(hint);
	g_string_free(list, TRUE);
	g_ptr_array_free(cand, TRUE);
}

/* One group of the key file, in file order. */
static bool load_section(struct sim_cfg *cfg, GKeyFile *kf, struct pp *pp,
			 const char *group, GError **err)
{
	const struct sim_schema *schema = cfg->schema;
	struct pp_section *ps = g_hash_table_lookup(pp->sections, group);
	const char *type_key = schema->type_key;
	struct pp_key *tk = NULL, no_line = { .line = ps ? ps->line : 0 };
	struct sim_cfg_section *sec;
	char *type_value = NULL, **keys;
	bool ok = true;
	int type;

	if (!ps) {
		/* GKeyFile saw a group the pre-pass did not: cannot happen
		 * while both read "[name]" alike, but never crash on it. */
		loc_error(err, SIM_CFG_ERROR_SYNTAX, cfg->file, 0, group, NULL,
			  "unexpected section");
		return false;
	}
	if (type_key && g_key_file_has_key(kf, group, type_key, NULL)) {
		type_value = g_key_file_get_value(kf, group, type_key, NULL);
		tk = g_hash_table_lookup(ps->keys, type_key);
	}
	if (type_value && !tk)
		tk = &no_line;
	type = classify(schema, group, type_value);
	if (type < 0 || (unsigned)type >= schema->n_types) {
		unknown_type(cfg, group, type_value, ps->line,
			     tk ? tk->line : ps->line, err);
		g_free(type_value);
		return false;
	}
	if (type_value && strcmp(type_value, schema->types[type].name) != 0) {
		char *shown = sim_option_quote(type_value, true);

		loc_error(err, SIM_CFG_ERROR_SECTION, cfg->file, tk->line, group,
			  type_key, "section [%s] is always a %s section, not "
			  "%s", group, schema->types[type].name, shown);
		g_free(shown);
		g_free(type_value);
		return false;
	}
	g_free(type_value);

	sec = section_new(schema, group, (unsigned)type, ps->line);
	sec->type_line = tk ? tk->line : 0;
	cfg_append(cfg, sec);

	keys = g_key_file_get_keys(kf, group, NULL, NULL);
	for (unsigned i = 0; ok && keys && keys[i]; i++) {
		struct pp_key *pk = g_hash_table_lookup(ps->keys, keys[i]);
		struct pp_key none = { .line = ps->line };
		const struct sim_option *opt;
		char *value;

		if (!pk)
			pk = &none;             /* as above: never expected */
		if (type_key && strcmp(keys[i], type_key) == 0)
			continue;
		opt = sim_option_find(sec->type->options, keys[i]);
		if (!opt) {
			unknown_key(cfg, sec, keys[i], pk->line, false, err);
			ok = false;
			break;
		}
		if (pk->bare && opt->type != SIM_OPT_BOOL) {
			loc_error(err, SIM_CFG_ERROR_SYNTAX, cfg->file, pk->line,
				  group, keys[i], "needs a value ('%s = ...'): "
				  "only a bool may stand alone", keys[i]);
			ok = false;
			break;
		}
		value = g_key_file_get_value(kf, group, keys[i], NULL);
		if (!sim_option_parse(opt, sec->data, value, err)) {
			prefix_error(err, cfg->file, pk->line, group, keys[i]);
			ok = false;
		}
		sec->origin[opt - sec->type->options] = pk->line;
		g_free(value);
	}
	g_strfreev(keys);
	return ok;
}

/* Implicit sections the file lacks go first, in schema order. */
static void add_implicit(struct sim_cfg *cfg)
{
	const struct sim_schema *schema = cfg->schema;
	GPtrArray *all = g_ptr_array_new();

	for (unsigned i = 0; i < schema->n_types; i++) {
		const struct sim_section_type *t = &schema->types[i];

		if ((t->flags & SIM_SECTION_IMPLICIT) &&
		    !sim_cfg_lookup(cfg, t->names[0]))
			g_ptr_array_add(all, section_new(schema, t->names[0],
							 i, 0));
	}
	for (unsigned i = 0; i < cfg->n_sections; i++)
		g_ptr_array_add(all, cfg->sections[i]);
	g_free(cfg->sections);
	cfg->n_sections = all->len;
	cfg->sections = (struct sim_cfg_section **)
		g_ptr_array_free(all, FALSE);
}

struct sim_cfg *sim_cfg_load_data(const struct sim_schema *schema,
				  const char *name, const char *text,
				  size_t len, GError **err)
{
	struct sim_cfg *cfg;
	GKeyFile *kf = NULL;
	GError *e = NULL;
	struct pp pp;
	char **groups = NULL;
	bool ok;

	if (!sim_schema_check(schema, err))
		return NULL;
	cfg = cfg_new(schema, name);
	pp_init(&pp);
	ok = prepass(&pp, schema, name, text, len, err);
	if (ok) {
		kf = g_key_file_new();
		if (!g_key_file_load_from_data(kf, pp.text->str, pp.text->len,
					       G_KEY_FILE_NONE, &e) &&
		    !g_error_matches(e, G_KEY_FILE_ERROR,
				     G_KEY_FILE_ERROR_NOT_FOUND)) {
			/* The pre-pass should have caught it. */
			loc_error(err, SIM_CFG_ERROR_SYNTAX, name, 0, NULL, NULL,
				  "%s", e->message);
			ok = false;
		}
		g_clear_error(&e);
	}
	if (ok)
		groups = g_key_file_get_groups(kf, NULL);
	for (unsigned i = 0; ok && groups && groups[i]; i++)
		ok = load_section(cfg, kf, &pp, groups[i], err);
	g_strfreev(groups);
	if (kf)
		g_key_file_free(kf);
	pp_clear(&pp);
	if (ok) {
		add_implicit(cfg);
		ok = sim_cfg_check(cfg, err);
	}
	if (!ok) {
		sim_cfg_free(cfg);
		return NULL;
	}
	return cfg;
}

struct sim_cfg *sim_cfg_load(const struct sim_schema *schema,
			     const char *path, GError **err)
{
	GString *buf = g_string_new(NULL);
	struct sim_cfg *cfg = NULL;
	char chunk[65536];
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f) {
		int e = errno;

		g_set_error(err, SIM_CFG_ERROR, SIM_CFG_ERROR_OPEN,
			    "cannot open %s: %s", path, g_strerror(e));
		goto out;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		g_string_append_len(buf, chunk, (gssize)n);
		if (buf->len > SIM_CFG_MAX_FILE) {
			g_set_error(err, SIM_CFG_ERROR, SIM_CFG_ERROR_OPEN,
				    "%s: too large for a workload file (over "
				    "%u MiB)", path, SIM_CFG_MAX_FILE >> 20);
			goto out;
		}
	}
	if (ferror(f)) {
		int e = errno;

		g_set_error(err, SIM_CFG_ERROR, SIM_CFG_ERROR_OPEN,
			    "cannot read %s: %s", path, g_strerror(e));
		goto out;
	}
	cfg = sim_cfg_load_data(schema, path, buf->str, buf->len, err);
out:
	if (f)
		fclose(f);
	g_string_free(buf, TRUE);
	if (err)
		one_line(*err);
	return cfg;
}

bool sim_cfg_check(struct sim_cfg *cfg, GError **err)
{
	for (unsigned i = 0; i < cfg->n_sections; i++) {
		struct sim_cfg_section *sec = cfg->sections[i];
		const struct sim_option *opts = sec->type->options;

		for (unsigned j = 0; opts[j].name; j++) {
			if (!(opts[j].flags & SIM_OPT_REQUIRED) ||
			    sec->origin[j] != SIM_CFG_ORIGIN_DEFAULT)
				continue;
			loc_error(err, SIM_CFG_ERROR_MISSING, cfg->file,
				  sec->line, sec->name, opts[j].name,
				  "missing required key (%s)", opts[j].help);
			return false;
		}
	}
	if (cfg->schema->validate && !cfg->schema->validate(cfg, err)) {
		if (err)
			one_line(*err);
		return false;
	}
	return true;
}

/* ---- overrides ----------------------------------------------------------- */

static bool cfg_set(struct sim_cfg *cfg, const char *section_key,
		    const char *value, int origin, GError **err)
{
	const char *how = origin == SIM_CFG_ORIGIN_SET ? "--set" : "--sweep";
	const char *dot = strrchr(section_key, '.');
	const char *type_key = cfg->schema->type_key;
	struct sim_cfg_section *sec;
	const struct sim_option *opt;
	char *secname, *key;
	bool ok = false;

	if (!dot || dot == section_key || dot[1] == '\0') {
		char *shown = sim_option_quote(section_key, true);

		g_set_error(err, SIM_CFG_ERROR, SIM_CFG_ERROR_SYNTAX,
			    "%s %s: expected section.key", how, shown);
		g_free(shown);
		goto out_err;
	}
	secname = g_strndup(section_key, (gsize)(dot - section_key));
	key = g_strdup(dot + 1);
	sec = sim_cfg_lookup(cfg, secname);
	if (!sec) {
		const char **names = g_new0(const char *, cfg->n_sections + 1);
		char *hint;

		for (unsigned i = 0; i < cfg->n_sections; i++)
			names[i] = cfg->sections[i]->name;
		hint = suggestion(secname, names, cfg->n_sections, "[", "]");
		g_set_error(err, SIM_CFG_ERROR, SIM_CFG_ERROR_SECTION,
			    "%s %s: no section [%s] in %s (--set cannot add "
			    "one)%s", how, section_key, secname, cfg->file,
			    hint);
		g_free(hint);
		g_free(names);
		goto out;
	}
	if (type_key && strcmp(key, type_key) == 0) {
		g_set_error(err, SIM_CFG_ERROR, SIM_CFG_ERROR_KEY,
			    "%s %s: a section's type cannot be changed", how,
			    section_key);
		goto out;
	}
	opt = sim_option_find(sec->type->options, key);
	if (!opt) {
		unknown_key(cfg, sec, key, 0, true, err);
		g_prefix_error(err, "%s %s: ", how, section_key);
		goto out;
	}
	if (!sim_option_parse(opt, sec->data, value, err)) {
		g_prefix_error(err, "%s %s: ", how, section_key);
		goto out;
	}
	sec->origin[opt - sec->type->options] = origin;
	ok = true;
out:
	g_free(secname);
	g_free(key);
out_err:
	if (err)
		one_line(*err);
	return ok;
}

bool sim_cfg_set(struct sim_cfg *cfg, const char *section_key,
		 const char *value, GError **err)
{
	return cfg_set(cfg, section_key, value, SIM_CFG_ORIGIN_SET, err);
}

bool sim_cfg_set_assignment(struct sim_cfg *cfg, const char *assignment,
			    GError **err)
{
	const char *eq = strchr(assignment, '=');
	char *lhs;
	bool ok;

	if (!eq) {
		char *shown = sim_option_quote(assignment, true);

		g_set_error(err, SIM_CFG_ERROR, SIM_CFG_ERROR_SYNTAX,
			    "--set %s: expected section.key=value", shown);
		g_free(shown);
		if (err)
			one_line(*err);
		return false;
	}
	lhs = g_strstrip(g_strndup(assignment, (gsize)(eq - assignment)));
	ok = sim_cfg_set(cfg, lhs, eq + 1, err);
	g_free(lhs);
	return ok;
}

void sim_cfg_sweep_free(struct sim_cfg_sweep *sweep)
{
	if (!sweep)
		return;
	g_free(sweep->section);
	g_free(sweep->key);
	g_strfreev(sweep->values);
	g_free(sweep);
}

struct sim_cfg_sweep *sim_cfg_parse_sweep(const struct sim_cfg *cfg,
					  const char *spec, GError **err)
{
	const char *eq = strchr(spec, '=');
	struct sim_cfg_sweep *sw;
	char *lhs, *shown;
	const char *dot;

	shown = sim_option_quote(spec, true);
	if (!eq) {
		g_set_error(err, SIM_CFG_ERROR, SIM_CFG_ERROR_SYNTAX,
			    "--sweep %s: expected section.key=v1,v2,...", shown);
		goto bad;
	}
	lhs = g_strstrip(g_strndup(spec, (gsize)(eq - spec)));
	sw = g_new0(struct sim_cfg_sweep, 1);
	sw->values = g_strsplit(eq + 1, strchr(eq + 1, ';') ? ";" : ",", -1);
	sw->n = g_strv_length(sw->values);
	for (unsigned i = 0; i < sw->n; i++) {
		struct sim_cfg *copy;
		bool ok;

		g_strstrip(sw->values[i]);
		if (sw->values[i][0] == '\0') {
			g_set_error(err, SIM_CFG_ERROR, SIM_CFG_ERROR_SYNTAX,
				    "--sweep %s: empty value in %s", lhs, shown);
			goto bad_sw;
		}
		copy = sim_cfg_copy(cfg);
		ok = cfg_set(copy, lhs, sw->values[i], SIM_CFG_ORIGIN_SWEEP,
			     err) && sim_cfg_check(copy, err);
		sim_cfg_free(copy);
		if (!ok)
			goto bad_sw;
	}
	if (sw->n == 0) {
		g_set_error(err, SIM_CFG_ERROR, SIM_CFG_ERROR_SYNTAX,
			    "--sweep %s: no values", lhs);
		goto bad_sw;
	}
	dot = strrchr(lhs, '.');       /* cfg_set accepted it: there is one */
	sw->section = g_strndup(lhs, (gsize)(dot - lhs));
	sw->key = g_strdup(dot + 1);
	g_free(lhs);
	g_free(shown);
	return sw;
bad_sw:
	sim_cfg_sweep_free(sw);
	g_free(lhs);
bad:
	g_free(shown);
	if (err)
		one_line(*err);
	return NULL;
}

/* ---- output ----------------------------------------------------------------- */

/* Does the section need its type key written to be typed the same again? */
static bool needs_type_key(const struct sim_cfg *cfg,
			   const struct sim_cfg_section *sec)
{
	return cfg->schema->type_key &&
	       classify(cfg->schema, sec->name, NULL) != (int)sec->type_index;
}

/* Neither given nor defaulted: the key has no value to write (its slot
 * holds the type's zero, which might not even parse back, e.g. "fixed:0"
 * for a DIST that allows only "exp"). */
static bool key_unset(const struct sim_cfg_section *sec,
		      const struct sim_option *opt)
{
	return !opt->def &&
	       sec->origin[opt - sec->type->options] == SIM_CFG_ORIGIN_DEFAULT;
}

char *sim_cfg_dump(const struct sim_cfg *cfg)
{
	GString *out = g_string_new(NULL);

	g_string_append_printf(out, "; resolved configuration of %s\n",
			       cfg->file);
	for (unsigned i = 0; i < cfg->n_sections; i++) {
		const struct sim_cfg_section *sec = cfg->sections[i];

		g_string_append_printf(out, "\n[%s]\n", sec->name);
		if (needs_type_key(cfg, sec))
			g_string_append_printf(out, "%s = %s\n",
					       cfg->schema->type_key,
					       sec->type->name);
		for (const struct sim_option *opt = sec->type->options;
		     opt->name; opt++) {
			char *v;

			if (key_unset(sec, opt))
				continue;
			v = sim_option_format(opt, sec->data);

			if (v)
				g_string_append_printf(out, "%s = %s\n",
						       opt->name, v);
			g_free(v);
		}
	}
	return g_string_free(out, FALSE);
}

void sim_cfg_section_foreach(const struct sim_cfg *cfg,
			     const struct sim_cfg_section *sec,
			     sim_cfg_pair_fn fn, void *user)
{
	if (needs_type_key(cfg, sec))
		fn(user, sec, NULL, cfg->schema->type_key, sec->type->name,
		   SIM_JSON_STRING);
	for (const struct sim_option *opt = sec->type->options; opt->name;
	     opt++) {
		enum sim_opt_json kind = SIM_JSON_NULL;
		char *v = key_unset(sec, opt) ? NULL :
			  sim_option_format_json(opt, sec->data, &kind);

		if (!v && (opt->flags & SIM_OPT_OMIT_UNSET))
			continue;
		fn(user, sec, opt, opt->name, v, kind);
		g_free(v);
	}
}
