/* sim/config/option-schema.c — what sits around the option values: checking the
 * tables themselves, classifying sections, did-you-mean suggestions and
 * --help-config (fio's --cmdhelp, one table per section type).
 */
#include "config.h"

#include <string.h>

#include <glib.h>

#include "sim/config/cfg.h"
#include "sim/config/option.h"

/* ---- did you mean -------------------------------------------------------- */

/* Optimal string alignment distance (Damerau-Levenshtein where no substring
 * is edited twice), on ASCII-lowercased bytes: "NumJobs" is 0 from
 * "numjobs", "numjbos" is 1. */
unsigned sim_option_distance(const char *a, const char *b)
{
	size_t n = strlen(a), m = strlen(b);
	unsigned *prev2 = g_new(unsigned, m + 1);
	unsigned *prev = g_new(unsigned, m + 1);
	unsigned *cur = g_new(unsigned, m + 1);
	unsigned d;

	for (size_t j = 0; j <= m; j++)
		prev[j] = (unsigned)j;
	for (size_t i = 1; i <= n; i++) {
		char ca = g_ascii_tolower(a[i - 1]);
		unsigned *t;

		cur[0] = (unsigned)i;
		for (size_t j = 1; j <= m; j++) {
			char cb = g_ascii_tolower(b[j - 1]);
			unsigned best = prev[j - 1] + (ca != cb);

			best = MIN(best, prev[j] + 1);
			best = MIN(best, cur[j - 1] + 1);
			if (i > 1 && j > 1 && ca == g_ascii_tolower(b[j - 2]) &&
			    g_ascii_tolower(a[i - 2]) == cb)
				best = MIN(best, prev2[j - 2] + 1);
			cur[j] = best;
		}
		t = prev2;
		prev2 = prev;
		prev = cur;
		cur = t;
	}
	d = prev[m];
	g_free(prev2);
	g_free(prev);
	g_free(cur);
	return d;
}

const char *sim_option_suggest(const char *word, const char *const *cand,
			       unsigned n)
{
	size_t wl = strlen(word);
	const char *best = NULL;
	unsigned best_d = 3;

	for (unsigned i = 0; i < n; i++) {
		size_t cl = strlen(cand[i]);
		unsigned d;

		/* the distance is at least the length difference */
		if (wl > cl + 2 || cl > wl + 2)
			continue;
		d = sim_option_distance(word, cand[i]);
		/* a candidate edited beyond recognition is no suggestion */
		if (d < best_d && d < cl) {
			best = cand[i];
			best_d = d;
		}
	}
	return best;
}

/* ---- classification ---------------------------------------------------- */

static bool names_contain(const char *const *names, const char *name)
{
	for (unsigned i = 0; names && names[i]; i++)
		if (strcmp(names[i], name) == 0)
			return true;
	return false;
}

int sim_schema_classify(const struct sim_schema *schema, const char *name,
			const char *type_value)
{
	for (unsigned i = 0; i < schema->n_types; i++)
		if (names_contain(schema->types[i].names, name))
			return (int)i;
	for (unsigned i = 0; i < schema->n_types; i++) {
		const struct sim_section_type *t = &schema->types[i];

		if (type_value && (t->flags & (SIM_SECTION_TYPED |
					       SIM_SECTION_DEFAULT)) &&
		    strcmp(t->name, type_value) == 0)
			return (int)i;
		if (!type_value && (t->flags & SIM_SECTION_DEFAULT))
			return (int)i;
	}
	return -1;
}

/* ---- checking the tables ------------------------------------------------ */

static bool key_name_ok(const char *s)
{
	if (!s || !*s)
		return false;
	for (; *s; s++)
		if (!g_ascii_isalnum(*s) && *s != '_' && *s != '-')
			return false;
	return true;
}

static bool schema_fail(GError **err, const struct sim_section_type *t,
			const struct sim_option *opt, const char *fmt, ...)
	G_GNUC_PRINTF(4, 5);

static bool schema_fail(GError **err, const struct sim_section_type *t,
			const struct sim_option *opt, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_set_error(err, SIM_CFG_ERROR, SIM_CFG_ERROR_SCHEMA,
		    "option table: [%s]%s%s: %s", t ? t->name : "?",
		    opt ? " " : "", opt ? opt->name : "", msg);
	g_free(msg);
	return false;
}

/* Default and bounds of one option must parse, in order, within range. */
static bool check_option_values(const struct sim_section_type *t,
				const struct sim_option *opt, GError **err)
{
	struct sim_option unbounded = *opt;
	void *scratch = g_malloc0(t->size);
	GError *e = NULL;
	bool ok = true;

	unbounded.min = unbounded.max = NULL;
	if (opt->type == SIM_OPT_DIST)
		unbounded.allowed = NULL;    /* bounds are fixed values */
	if (opt->def && !sim_option_parse(opt, scratch, opt->def, &e)) {
		ok = schema_fail(err, t, opt, "default '%s': %s", opt->def,
				 e->message);
		goto out;
	}
	if (opt->min || opt->max) {
		const char *b[2] = { opt->min, opt->max };

		if (opt->type != SIM_OPT_INT && opt->type != SIM_OPT_SIZE &&
		    opt->type != SIM_OPT_TIME && opt->type != SIM_OPT_DOUBLE &&
		    opt->type != SIM_OPT_DIST) {
			ok = schema_fail(err, t, opt, "a %s has no bounds",
					 sim_option_type_name(opt->type));
			goto out;
		}
		for (unsigned i = 0; i < 2; i++) {
			/* a DIST bound is a fixed value of the same unit */
			if (b[i] && !sim_option_parse(&unbounded, scratch, b[i],
						      &e)) {
				ok = schema_fail(err, t, opt, "bound '%s': %s",
						 b[i], e->message);
				goto out;
			}
		}
		if (opt->min && opt->max) {
			unbounded.min = opt->min;
			if (!sim_option_parse(&unbounded, scratch, opt->max,
					      NULL)) {
				ok = schema_fail(err, t, opt, "min %s is above "
						 "max %s", opt->min, opt->max);
				goto out;
			}
		}
	}
out:
	g_clear_error(&e);
	sim_option_free_values(t->options, scratch);
	g_free(scratch);
	return ok;
}

static bool check_option(const struct sim_section_type *t,
			 const struct sim_option *opt,
			 const struct sim_schema *schema, GError **err)
{
	size_t size = sim_option_slot_size(opt->type);

	if (!key_name_ok(opt->name))
		return schema_fail(err, t, opt, "bad key name (use "
				   "[A-Za-z0-9_-])");
	if (schema->type_key && strcmp(opt->name, schema->type_key) == 0)
		return schema_fail(err, t, opt, "the type key is not an "
				   "option");
	if (sim_option_find(t->options, opt->name) != opt)
		return schema_fail(err, t, opt, "defined twice");
	if (size == 0)
		return schema_fail(err, t, opt, "unknown type %d", opt->type);
	if (opt->offset + size > t->size ||
	    opt->offset % sim_option_slot_align(opt->type))
		return schema_fail(err, t, opt, "offset %zu does not fit a %s "
				   "in a %zu-byte struct", opt->offset,
				   sim_option_type_name(opt->type), t->size);
	if (opt->type == SIM_OPT_ENUM && (!opt->allowed || !opt->allowed[0]))
		return schema_fail(err, t, opt, "an enum needs allowed values");
	if ((opt->flags & SIM_OPT_REQUIRED) && opt->def)
		return schema_fail(err, t, opt, "required with a default");
	if (!opt->help)
		return schema_fail(err, t, opt, "no help text");
	for (unsigned i = 0; opt->allowed && opt->allowed[i]; i++) {
		if (opt->type == SIM_OPT_DIST &&
		    !sim_option_dist_kind_valid(opt->allowed[i]))
			return schema_fail(err, t, opt, "'%s' is not a "
					   "distribution", opt->allowed[i]);
		if (!*opt->allowed[i] || strchr(opt->allowed[i], ',') ||
		    strchr(opt->allowed[i], ':'))
			return schema_fail(err, t, opt, "allowed value '%s' "
					   "cannot be written in a list",
					   opt->allowed[i]);
	}
	return check_option_values(t, opt, err);
}

bool sim_schema_check(const struct sim_schema *schema, GError **err)
{
	unsigned defaults = 0;

	if (!schema || !schema->types || schema->n_types == 0)
		return schema_fail(err, NULL, NULL, "empty schema");
	for (unsigned i = 0; i < schema->n_types; i++) {
		const struct sim_section_type *t = &schema->types[i];

		if (!key_name_ok(t->name) || !t->options || t->size == 0)
			return schema_fail(err, t, NULL, "needs a name, a "
					   "table and a struct size");
		for (unsigned j = 0; j < i; j++) {
			if (strcmp(schema->types[j].name, t->name) == 0)
				return schema_fail(err, t, NULL,
						   "type defined twice");
			for (unsigned k = 0; t->names && t->names[k]; k++)
				if (names_contain(schema->types[j].names,
						  t->names[k]))
					return schema_fail(err, t, NULL,
						"section name [%s] claimed "
						"twice", t->names[k]);
		}
		if ((t->flags & SIM_SECTION_IMPLICIT) &&
		    (!t->names || !t->names[0]))
			return schema_fail(err, t, NULL, "an implicit section "
					   "type needs a section name");
		if ((t->flags & SIM_SECTION_TYPED) && !schema->type_key)
			return schema_fail(err, t, NULL, "typed by a key, but "
					   "the schema has no type_key");
		if ((t->flags & SIM_SECTION_DEFAULT) && ++defaults > 1)
			return schema_fail(err, t, NULL, "a second default "
					   "section type");
		for (const struct sim_option *opt = t->options; opt->name;
		     opt++)
			if (!check_option(t, opt, schema, err))
				return false;
	}
	return true;
}

/* ---- --help-config ------------------------------------------------------- */

static char *help_default(const struct sim_option *opt)
{
	if (opt->flags & SIM_OPT_REQUIRED)
		return g_strdup("(required)");
	return g_strdup(opt->def ? opt->def : "-");
}

static char *help_range(const struct sim_option *opt)
{
	if (!opt->min && !opt->max)
		return g_strdup("-");
	return g_strdup_printf("%s..%s", opt->min ? opt->min : "",
			       opt->max ? opt->max : "");
}

/* "one of: a b c" under the row, wrapped, so long sets keep the table
 * readable. */
static void print_allowed(FILE *out, const struct sim_option *opt,
			  int indent)
{
	const char *head = opt->type == SIM_OPT_DIST ? "kinds:" :
			   opt->type == SIM_OPT_MIX ? "items:" : "one of:";
	int col;

	if (!opt->allowed)
		return;
	col = fprintf(out, "%*s%s", indent, "", head);
	for (unsigned i = 0; opt->allowed[i]; i++) {
		int len = (int)strlen(opt->allowed[i]);

		if (col + 1 + len > 78 && col > indent + 10)
			col = fprintf(out, "\n%*s", indent + (int)strlen(head),
				      "") - 1;
		col += fprintf(out, " %s", opt->allowed[i]);
	}
	fputc('\n', out);
}

static const char *help_unit(const struct sim_option *opt)
{
	if (opt->label)
		return opt->label;
	switch (opt->type) {
	case SIM_OPT_SIZE:
		return "bytes";
	case SIM_OPT_TIME:
	case SIM_OPT_DIST:
		switch (opt->unit) {
		case SIM_UNIT_BYTES: return "bytes";
		case SIM_UNIT_US: return "us";
		case SIM_UNIT_MS: return "ms";
		case SIM_UNIT_S: return "s";
		case SIM_UNIT_NS: return "ns";
		default: return opt->type == SIM_OPT_TIME ? "ns" : "-";
		}
	default:
		return "-";
	}
}

static void print_type(FILE *out, const struct sim_schema *schema,
		       const struct sim_section_type *t)
{
	unsigned n = sim_option_count(t->options);
	char **def = g_new0(char *, n + 1), **range = g_new0(char *, n + 1);
	int w_key = 3, w_type = 4, w_def = 7, w_range = 5, w_unit = 4;

	fprintf(out, "[%s]", t->name);
	if (t->help)
		fprintf(out, "  %s", t->help);
	fputc('\n', out);
	fputs("  selected by: ", out);
	if (t->names && t->names[0]) {
		for (unsigned i = 0; t->names[i]; i++)
			fprintf(out, "%s[%s]", i ? ", " : "section name ",
				t->names[i]);
		if (t->flags & SIM_SECTION_IMPLICIT)
			fputs(" (always present)", out);
	}
	if (t->flags & SIM_SECTION_TYPED)
		fprintf(out, "%s%s = %s", t->names && t->names[0] ? "; " : "",
			schema->type_key, t->name);
	if (t->flags & SIM_SECTION_DEFAULT)
		fprintf(out, "%sany other section",
			(t->names && t->names[0]) ||
			(t->flags & SIM_SECTION_TYPED) ? "; " : "");
	fputc('\n', out);

	for (unsigned i = 0; i < n; i++) {
		const struct sim_option *opt = &t->options[i];

		def[i] = help_default(opt);
		range[i] = help_range(opt);
		w_key = MAX(w_key, (int)strlen(opt->name));
		w_type = MAX(w_type, (int)strlen(sim_option_type_name(opt->type)));
		w_def = MAX(w_def, (int)strlen(def[i]));
		w_range = MAX(w_range, (int)strlen(range[i]));
		w_unit = MAX(w_unit, (int)strlen(help_unit(opt)));
	}
	fprintf(out, "  %-*s  %-*s  %-*s  %-*s  %-*s  %s\n", w_key, "key",
		w_type, "type", w_def, "default", w_range, "range",
		w_unit, "unit", "help");
	for (unsigned i = 0; i < n; i++) {
		const struct sim_option *opt = &t->options[i];

		fprintf(out, "  %-*s  %-*s  %-*s  %-*s  %-*s  %s\n",
			w_key, opt->name,
			w_type, sim_option_type_name(opt->type),
			w_def, def[i], w_range, range[i],
			w_unit, help_unit(opt), opt->help ? opt->help : "");
		print_allowed(out, opt, 4 + w_key);
	}
	fputc('\n', out);
	g_strfreev(def);
	g_strfreev(range);
}

void sim_option_print_help(FILE *out, const struct sim_schema *schema)
{
	fputs("Workload file keys, by section type.  Sizes take K M G T "
	      "(powers of 1024);\ntimes take ns us ms s (a bare number is in "
	      "the unit column); dists are\nfixed:V uniform:MIN-MAX exp:MEAN "
	      "normal:MEAN,SD lognormal:MEAN,SD zipf:THETA\npareto:SHAPE,SCALE "
	      "or a bare value; mixes are NAME:WEIGHT, ...\n\n", out);
	for (unsigned i = 0; i < schema->n_types; i++)
		print_type(out, schema, &schema->types[i]);
}
