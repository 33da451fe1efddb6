/* sim/config/option.c — option values: parse text into a table slot, check ranges
 * and allowed values, format canonical text back, copy, compare and free.
 * Mirrors fio's parse.c in spirit (one table drives everything), not in
 * code.  Schema checks, suggestions and --help-config are in
 * option-schema.c; files, sections and overrides in cfg.c.
 *
 * Integer-valued quantities (INT, SIZE, TIME) are parsed with exact decimal
 * arithmetic (128-bit), so "1.5K" is 1536 bytes, "0.3ns" is an error rather
 * than a rounding, and "99999999999T" is "too large", never a wrap-around.
 * Doubles (DOUBLE, DIST parameters, MIX weights) go through g_ascii_strtod
 * (correctly rounded, locale-free), and the canonical formatter prints the
 * shortest text that parses back to the same double, so a dump round-trips
 * bit for bit.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include <glib.h>

#include "sim/config/cfg.h"
#include "sim/config/option.h"

G_DEFINE_QUARK(sim-cfg-error-quark, sim_cfg_error)

typedef unsigned __int128 u128;

#define U128_MAX (~(u128)0)

/* ---- small text helpers ------------------------------------------------- */

/* A value shown inside a one-line message: control bytes become '?', long
 * text is cut (on a UTF-8 boundary when the text is valid UTF-8). */
char *sim_option_quote(const char *s, bool quotes)
{
	enum { MAX_SHOWN = 60 };
	size_t len = strlen(s), n = len;
	GString *out;

	if (n > MAX_SHOWN) {
		n = MAX_SHOWN;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	out = g_string_sized_new(n + 8);
	if (quotes)
		g_string_append_c(out, '\'');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		g_string_append_c(out, (c < 0x20 || c == 0x7f) ? '?' : (char)c);
	}
	if (n < len)
		g_string_append(out, "...");
	if (quotes)
		g_string_append_c(out, '\'');
	return g_string_free(out, FALSE);
}

static char *trimmed(const char *s)
{
	return g_strstrip(g_strdup(s));
}

/* Shortest "%.Ng" that parses back to exactly v (v finite). */
static void fmt_double(char *buf, size_t size, double v)
{
	char fmt[8];

	if (v == floor(v) && fabs(v) < 1e15) {          /* "60", not "6e+01" */
		g_ascii_formatd(buf, (int)size, "%.0f", v);
		return;
	}
	for (int prec = 1; prec <= 17; prec++) {
		g_snprintf(fmt, sizeof(fmt), "%%.%dg", prec);
		g_ascii_formatd(buf, (int)size, fmt, v);
		if (g_ascii_strtod(buf, NULL) == v)
			return;
	}
}

/* ---- exact decimals: value = num / 10^frac ----------------------------- */

struct dec {
	u128 num;
	unsigned frac;
	bool overflow;          /* too many integer digits for any use */
};

static const uint64_t pow10_u64[] = {
	1ull, 10ull, 100ull, 1000ull, 10000ull, 100000ull, 1000000ull,
	10000000ull, 100000000ull, 1000000000ull, 10000000000ull,
	100000000000ull, 1000000000000ull, 10000000000000ull,
	100000000000000ull, 1000000000000000ull, 10000000000000000ull,
	100000000000000000ull, 1000000000000000000ull,
};
#define DEC_MAX_FRAC 18
#define DEC_MAX_DIGITS 36      /* < 2^128 */

/* digits[.digits] or .digits; returns the end, or NULL if not a number. */
static const char *dec_parse(const char *s, struct dec *d)
{
	unsigned sig = 0;
	bool any = false;

	d->num = 0;
	d->frac = 0;
	d->overflow = false;
	for (; g_ascii_isdigit(*s); s++) {
		any = true;
		if (d->num == 0 && *s == '0')
			continue;
		if (++sig > DEC_MAX_DIGITS) {
			d->overflow = true;
			continue;
		}
		d->num = d->num * 10 + (u128)(*s - '0');
	}
	if (*s == '.') {
		s++;
		for (; g_ascii_isdigit(*s); s++) {
			any = true;
			if (d->overflow)
				continue;
			if (d->frac == DEC_MAX_FRAC || sig >= DEC_MAX_DIGITS)
				return NULL;     /* more precision than any unit has */
			if (d->num || *s != '0')
				sig++;
			d->num = d->num * 10 + (u128)(*s - '0');
			d->frac++;
		}
	}
	return any ? s : NULL;
}

enum scale_res { SCALE_OK, SCALE_TOO_LARGE, SCALE_NOT_WHOLE };

static enum scale_res dec_scale(const struct dec *d, uint64_t factor,
				uint64_t limit, uint64_t *out)
{
	u128 v, p = pow10_u64[d->frac];

	if (d->overflow || (d->num && factor > U128_MAX / d->num))
		return SCALE_TOO_LARGE;
	v = d->num * factor;
	if (v % p)
		return SCALE_NOT_WHOLE;
	v /= p;
	if (v > limit)
		return SCALE_TOO_LARGE;
	*out = (uint64_t)v;
	return SCALE_OK;
}

/* ---- units ------------------------------------------------------------- */

struct suffix {
	const char *name;
	uint64_t factor;
};

#define KiB 1024ull
static const struct suffix size_suffixes[] = {
	{ "", 1 }, { "b", 1 },
	{ "k", KiB }, { "kb", KiB }, { "kib", KiB },
	{ "m", KiB * KiB }, { "mb", KiB * KiB }, { "mib", KiB * KiB },
	{ "g", KiB * KiB * KiB }, { "gb", KiB * KiB * KiB },
	{ "gib", KiB * KiB * KiB },
	{ "t", KiB * KiB * KiB * KiB }, { "tb", KiB * KiB * KiB * KiB },
	{ "tib", KiB * KiB * KiB * KiB },
	{ "p", KiB * KiB * KiB * KiB * KiB },
	{ "pb", KiB * KiB * KiB * KiB * KiB },
	{ "pib", KiB * KiB * KiB * KiB * KiB },
	{ NULL, 0 },
};

static const struct suffix time_suffixes[] = {
	{ "ns", 1 }, { "us", 1000 }, { "\xc2\xb5s", 1000 } /* µs */,
	{ "ms", 1000000 }, { "s", 1000000000 },
	{ NULL, 0 },
};

static uint64_t unit_factor(enum sim_opt_unit unit)
{
	switch (unit) {
	case SIM_UNIT_US: return 1000;
	case SIM_UNIT_MS: return 1000000;
	case SIM_UNIT_S:  return 1000000000;
	default:          return 1;
	}
}

static const char *unit_name(enum sim_opt_unit unit)
{
	switch (unit) {
	case SIM_UNIT_BYTES: return "bytes";
	case SIM_UNIT_NS: return "ns";
	case SIM_UNIT_US: return "us";
	case SIM_UNIT_MS: return "ms";
	case SIM_UNIT_S:  return "s";
	default:          return "";
	}
}

static bool unit_is_time(enum sim_opt_unit unit)
{
	return unit >= SIM_UNIT_NS;
}

/* The multiplier of suffix `s` (after optional spaces) in `unit`'s kind; a
 * missing suffix is the bare unit.  False if `s` is not such a suffix. */
static bool suffix_factor(const char *s, enum sim_opt_unit unit,
			  uint64_t *factor)
{
	const struct suffix *t;

	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '\0') {
		*factor = unit_factor(unit);
		return true;
	}
	if (unit == SIM_UNIT_BYTES)
		t = size_suffixes;
	else if (unit_is_time(unit))
		t = time_suffixes;
	else
		return false;
	for (; t->name; t++) {
		if (t->name[0] && g_ascii_strcasecmp(s, t->name) == 0) {
			*factor = t->factor;
			return true;
		}
	}
	return false;
}

/* ---- scalar parsers ---------------------------------------------------- */

static void set_error(GError **err, int code, const char *fmt, ...)
	G_GNUC_PRINTF(3, 4);

static void set_error(GError **err, int code, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_set_error_literal(err, SIM_CFG_ERROR, code, msg);
	g_free(msg);
}

/* An integer quantity with a suffix: SIZE (bytes) or TIME (ns). */
static bool parse_quantity(const char *text, enum sim_opt_unit unit,
			   uint64_t limit, uint64_t *out, GError **err)
{
	const char *what = unit == SIM_UNIT_BYTES ?
		"a size like 4K or 64M" : "a time like 10us or 2ms";
	const char *end;
	struct dec d;
	uint64_t factor;
	char *shown;
	bool ok = false;

	shown = sim_option_quote(text, true);
	if (text[0] == '-' && dec_parse(text + 1, &d)) {
		set_error(err, SIM_CFG_ERROR_RANGE, "%s cannot be negative "
			  "(expected %s)", shown, what);
		goto out;
	}
	end = dec_parse(text, &d);
	if (!end || !suffix_factor(end, unit, &factor)) {
		set_error(err, SIM_CFG_ERROR_VALUE, "expected %s, got %s",
			  what, shown);
		goto out;
	}
	switch (dec_scale(&d, factor, limit, out)) {
	case SCALE_OK:
		ok = true;
		break;
	case SCALE_TOO_LARGE:
		set_error(err, SIM_CFG_ERROR_RANGE, "%s is too large (at most "
			  "%" PRIu64 " %s)", shown, limit,
			  unit == SIM_UNIT_BYTES ? "bytes" : "ns");
		break;
	case SCALE_NOT_WHOLE:
		set_error(err, SIM_CFG_ERROR_VALUE, "%s is not a whole number "
			  "of %s", shown,
			  unit == SIM_UNIT_BYTES ? "bytes" : "nanoseconds");
		break;
	}
out:
	g_free(shown);
	return ok;
}

bool sim_option_parse_size(const char *text, uint64_t *bytes, GError **err)
{
	return parse_quantity(text, SIM_UNIT_BYTES, UINT64_MAX, bytes, err);
}

bool sim_option_parse_time(const char *text, enum sim_opt_unit bare,
			   sim_time_t *ns, GError **err)
{
	uint64_t v;

	if (!unit_is_time(bare))
		bare = SIM_UNIT_NS;
	if (!parse_quantity(text, bare, INT64_MAX, &v, err))
		return false;
	*ns = (sim_time_t)v;
	return true;
}

static bool parse_int(const char *text, int64_t *out, GError **err)
{
	const char *s = text;
	bool neg = false;
	u128 v = 0;
	char *shown;

	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	if (!g_ascii_isdigit(*s))
		goto bad;
	for (; g_ascii_isdigit(*s); s++) {
		v = v * 10 + (u128)(*s - '0');
		if (v > (u128)INT64_MAX + 1)
			goto large;
	}
	if (*s != '\0')
		goto bad;
	if (!neg && v > INT64_MAX)
		goto large;
	*out = neg ? (int64_t)(0 - (uint64_t)v) : (int64_t)v;
	return true;
large:
	/* Keep consuming digits: "123abc" with a long prefix is still bad. */
	while (g_ascii_isdigit(*s))
		s++;
	if (*s != '\0')
		goto bad;
	shown = sim_option_quote(text, true);
	set_error(err, SIM_CFG_ERROR_RANGE,
		  "%s does not fit in a 64-bit integer", shown);
	g_free(shown);
	return false;
bad:
	shown = sim_option_quote(text, true);
	set_error(err, SIM_CFG_ERROR_VALUE, "expected an integer, got %s",
		  shown);
	g_free(shown);
	return false;
}

/* A plain decimal number (sign, digits, '.', exponent — nothing else, so
 * no "nan", "inf" or hex); returns its end or NULL. */
static const char *parse_strtod(const char *s, bool allow_sign, double *out)
{
	const char *p = s;
	char *end;

	if (*p == '+' || *p == '-') {
		if (!allow_sign)
			return NULL;
		p++;
	}
	if (!g_ascii_isdigit(*p) && !(*p == '.' && g_ascii_isdigit(p[1])))
		return NULL;
	while (g_ascii_isdigit(*p) || *p == '.')
		p++;
	if ((*p == 'e' || *p == 'E') &&
	    (g_ascii_isdigit(p[1]) ||
	     ((p[1] == '+' || p[1] == '-') && g_ascii_isdigit(p[2])))) {
		p += 2;
		while (g_ascii_isdigit(*p))
			p++;
	}
	errno = 0;
	*out = g_ascii_strtod(s, &end);
	if (end != p)
		return NULL;
	return p;
}

static bool parse_double(const char *text, double *out, GError **err)
{
	const char *end = parse_strtod(text, true, out);
	char *shown;

	if (end && *end == '\0' && isfinite(*out) && errno != ERANGE)
		return true;
	shown = sim_option_quote(text, true);
	if (end && *end == '\0')
		set_error(err, SIM_CFG_ERROR_RANGE, "%s is out of range for a "
			  "double", shown);
	else
		set_error(err, SIM_CFG_ERROR_VALUE, "expected a number, got %s",
			  shown);
	g_free(shown);
	return false;
}

/* A DIST parameter: a non-negative decimal with a suffix of `unit`'s kind
 * (bare: the option's unit), as a double in base units (ns, bytes). */
static bool parse_dist_scalar(const char *text, enum sim_opt_unit unit,
			      double *out)
{
	const char *end = parse_strtod(text, false, out);
	uint64_t factor;

	if (!end || !suffix_factor(end, unit, &factor))
		return false;
	*out *= (double)factor;
	return isfinite(*out);
}

static bool parse_bool(const char *text, bool *out, GError **err)
{
	static const char *const yes[] = { "1", "true", "yes", "on", NULL };
	static const char *const no[] = { "0", "false", "no", "off", NULL };
	char *shown;

	for (unsigned i = 0; yes[i]; i++) {
		if (g_ascii_strcasecmp(text, yes[i]) == 0) {
			*out = true;
			return true;
		}
		if (g_ascii_strcasecmp(text, no[i]) == 0) {
			*out = false;
			return true;
		}
	}
	shown = sim_option_quote(text, true);
	set_error(err, SIM_CFG_ERROR_VALUE, "expected a boolean (1/0, "
		  "true/false, yes/no, on/off), got %s", shown);
	g_free(shown);
	return false;
}

/* ---- canonical formatting of scalars ------------------------------------- */

static char *fmt_size(uint64_t b)
{
	static const char units[] = "PTGMK";

	if (b == 0)
		return g_strdup("0");
	for (unsigned i = 0; units[i]; i++) {
		uint64_t f = 1ull << (10 * (5 - i));

		if (b % f == 0)
			return g_strdup_printf("%" PRIu64 "%c", b / f, units[i]);
	}
	return g_strdup_printf("%" PRIu64, b);
}

static char *fmt_time(int64_t ns)
{
	static const struct suffix units[] = {
		{ "s", 1000000000 }, { "ms", 1000000 }, { "us", 1000 },
		{ NULL, 0 },
	};

	if (ns == 0)
		return g_strdup("0");
	for (const struct suffix *u = units; u->name; u++) {
		if (ns % (int64_t)u->factor == 0)
			return g_strdup_printf("%" PRId64 "%s",
					       ns / (int64_t)u->factor, u->name);
	}
	return g_strdup_printf("%" PRId64 "ns", ns);
}

/* A DIST parameter in base units, exactly. */
static char *fmt_dist_scalar(double v, enum sim_opt_unit unit)
{
	char buf[G_ASCII_DTOSTR_BUF_SIZE];

	if (v == floor(v) && v >= 0 && v < 9.2e18) {
		if (unit == SIM_UNIT_BYTES)
			return fmt_size((uint64_t)v);
		if (unit_is_time(unit))
			return fmt_time((int64_t)v);
	}
	fmt_double(buf, sizeof(buf), v);
	return g_strconcat(buf, unit_is_time(unit) ? "ns" : "", NULL);
}

/* ---- bounds ------------------------------------------------------------ */

/* Numeric bounds of an option, parsed from the table's text. */
struct bounds {
	bool has_min, has_max;
	union { int64_t i; uint64_t u; double d; } min, max;
};

static bool parse_bound(const struct sim_option *opt, const char *text,
			int64_t *i, uint64_t *u, double *d)
{
	sim_time_t t;

	if (!text)
		return false;
	switch (opt->type) {
	case SIM_OPT_INT:
		return parse_int(text, i, NULL);
	case SIM_OPT_SIZE:
		return sim_option_parse_size(text, u, NULL);
	case SIM_OPT_TIME:
		if (!sim_option_parse_time(text, opt->unit, &t, NULL))
			return false;
		*i = t;
		return true;
	case SIM_OPT_DOUBLE:
		return parse_double(text, d, NULL);
	case SIM_OPT_DIST:
		return parse_dist_scalar(text, opt->unit, d);
	default:
		return false;
	}
}

static void get_bounds(const struct sim_option *opt, struct bounds *b)
{
	memset(b, 0, sizeof(*b));
	b->has_min = parse_bound(opt, opt->min, &b->min.i, &b->min.u,
				 &b->min.d);
	b->has_max = parse_bound(opt, opt->max, &b->max.i, &b->max.u,
				 &b->max.d);
}

/* "V is out of range MIN..MAX" with the user's text and the table's. */
static void range_error(const struct sim_option *opt, const char *text,
			GError **err)
{
	char *shown = sim_option_quote(text, false);

	if (opt->min && opt->max)
		set_error(err, SIM_CFG_ERROR_RANGE, "%s is out of range %s..%s",
			  shown, opt->min, opt->max);
	else if (opt->min)
		set_error(err, SIM_CFG_ERROR_RANGE, "%s is below the minimum "
			  "%s", shown, opt->min);
	else
		set_error(err, SIM_CFG_ERROR_RANGE, "%s is above the maximum "
			  "%s", shown, opt->max);
	g_free(shown);
}

static bool check_double_range(const struct sim_option *opt, double v,
			       const char *text, GError **err)
{
	struct bounds b;

	get_bounds(opt, &b);
	if ((b.has_min && v < b.min.d) || (b.has_max && v > b.max.d)) {
		range_error(opt, text, err);
		return false;
	}
	return true;
}

/* ---- names from an allowed set ------------------------------------------ */

static int allowed_index(const char *const *allowed, const char *name)
{
	for (int i = 0; allowed && allowed[i]; i++)
		if (strcmp(allowed[i], name) == 0)
			return i;
	return -1;
}

static void not_allowed_error(const char *what, const char *const *allowed,
			      const char *name, GError **err)
{
	GString *msg = g_string_new(NULL);
	char *shown = sim_option_quote(name, true);
	const char *hint;
	unsigned n = 0;

	while (allowed[n])
		n++;
	g_string_append_printf(msg, "%s%s is not one of: ", what, shown);
	for (unsigned i = 0; i < n; i++)
		g_string_append_printf(msg, "%s%s", i ? ", " : "", allowed[i]);
	hint = sim_option_suggest(name, allowed, n);
	if (hint)
		g_string_append_printf(msg, " (did you mean '%s'?)", hint);
	g_set_error_literal(err, SIM_CFG_ERROR, SIM_CFG_ERROR_VALUE, msg->str);
	g_string_free(msg, TRUE);
	g_free(shown);
}

/* ---- distributions ------------------------------------------------------ */

struct dist_kind {
	const char *name;
	enum sim_dist_kind kind;
	unsigned nparams;
	bool unit_a, unit_b;    /* which parameters carry the option's unit */
	const char *usage;
};

static const struct dist_kind dist_kinds[] = {
	{ "fixed", SIM_DIST_FIXED, 1, true, false, "fixed:VALUE" },
	{ "uniform", SIM_DIST_UNIFORM, 2, true, true, "uniform:MIN-MAX" },
	{ "exp", SIM_DIST_EXP, 1, true, false, "exp:MEAN" },
	{ "normal", SIM_DIST_NORMAL, 2, true, true, "normal:MEAN,SD" },
	{ "lognormal", SIM_DIST_LOGNORMAL, 2, true, true, "lognormal:MEAN,SD" },
	{ "zipf", SIM_DIST_ZIPF, 1, false, false, "zipf:THETA" },
	{ "pareto", SIM_DIST_PARETO, 2, false, true, "pareto:SHAPE,SCALE" },
};

static const struct dist_kind *dist_kind_by_name(const char *name)
{
	for (unsigned i = 0; i < SIM_ARRAY_SIZE(dist_kinds); i++)
		if (strcmp(dist_kinds[i].name, name) == 0)
			return &dist_kinds[i];
	return NULL;
}

static const struct dist_kind *dist_kind_of(enum sim_dist_kind kind)
{
	for (unsigned i = 0; i < SIM_ARRAY_SIZE(dist_kinds); i++)
		if (dist_kinds[i].kind == kind)
			return &dist_kinds[i];
	return &dist_kinds[0];
}

bool sim_option_dist_kind_valid(const char *name)
{
	return dist_kind_by_name(name) != NULL;
}

/* Builds the distribution with sim/engine/rng.h's constructors; parse_dist has
 * already checked what they assert.  Samples are not clamped here (the
 * option's bounds are checked on the location parameters instead). */
static struct sim_dist dist_make(enum sim_dist_kind kind, double a, double b)
{
	switch (kind) {
	case SIM_DIST_UNIFORM:   return sim_dist_uniform(a, b);
	case SIM_DIST_EXP:       return sim_dist_exp(a);
	case SIM_DIST_NORMAL:    return sim_dist_normal(a, b);
	case SIM_DIST_LOGNORMAL: return sim_dist_lognormal(a, b);
	case SIM_DIST_ZIPF:      return sim_dist_zipf(a);
	case SIM_DIST_PARETO:    return sim_dist_pareto(a, b);
	case SIM_DIST_FIXED:     break;
	}
	return sim_dist_fixed(a);
}

static bool parse_dist(const struct sim_option *opt, const char *text,
		       struct sim_dist *d, GError **err)
{
	const struct dist_kind *k;
	const char *colon = strchr(text, ':');
	char *kname, *params, *p[2] = { NULL, NULL }, *shown;
	double v[2] = { 0, 0 };
	bool ok = false;

	shown = sim_option_quote(text, true);
	kname = colon ? g_strstrip(g_strndup(text, (gsize)(colon - text)))
		      : g_strdup("fixed");
	params = trimmed(colon ? colon + 1 : text);
	k = dist_kind_by_name(kname);
	if (!k) {
		static const char *const names[] = {
			"fixed", "uniform", "exp", "normal", "lognormal",
			"zipf", "pareto", NULL,
		};
		not_allowed_error("distribution ", opt->allowed ? opt->allowed
				  : names, kname, err);
		goto out;
	}
	if (opt->allowed && allowed_index(opt->allowed, k->name) < 0) {
		not_allowed_error("distribution ", opt->allowed, kname, err);
		goto out;
	}

	/* Split the parameters: "A,B", or "A-B" for uniform. */
	if (k->nparams == 2) {
		char *sep = strchr(params, ',');

		if (!sep && k->kind == SIM_DIST_UNIFORM) {
			/* the first '-' that is not an exponent's sign */
			for (char *q = params; *q; q++) {
				if (*q == '-' && q > params && q[-1] != 'e' &&
				    q[-1] != 'E') {
					sep = q;
					break;
				}
			}
		}
		if (!sep)
			goto usage;
		*sep = '\0';
		p[0] = params;
		p[1] = sep + 1;
		g_strstrip(p[0]);
		g_strstrip(p[1]);
	} else {
		if (strchr(params, ','))
			goto usage;
		p[0] = params;
	}
	for (unsigned i = 0; i < k->nparams; i++) {
		bool unit = i == 0 ? k->unit_a : k->unit_b;

		if (!parse_dist_scalar(p[i], unit ? opt->unit : SIM_UNIT_NONE,
				       &v[i])) {
			char *ps = sim_option_quote(p[i], true);

			set_error(err, SIM_CFG_ERROR_VALUE, "%s: bad parameter "
				  "%s (expected %s%s%s)", shown, ps, k->usage,
				  unit && opt->unit != SIM_UNIT_NONE ?
				  ", in " : "",
				  unit ? unit_name(opt->unit) : "");
			g_free(ps);
			goto out;
		}
	}

	/* Shape checks, then the option's bounds on location parameters. */
	switch (k->kind) {
	case SIM_DIST_UNIFORM:
		if (v[0] > v[1]) {
			set_error(err, SIM_CFG_ERROR_VALUE, "%s: the minimum is "
				  "above the maximum", shown);
			goto out;
		}
		break;
	case SIM_DIST_EXP:
	case SIM_DIST_LOGNORMAL:
		if (v[0] <= 0) {
			set_error(err, SIM_CFG_ERROR_RANGE, "%s: the mean must "
				  "be > 0", shown);
			goto out;
		}
		break;
	case SIM_DIST_ZIPF:
		if (v[0] <= 0) {
			set_error(err, SIM_CFG_ERROR_RANGE, "%s: theta must be "
				  "> 0", shown);
			goto out;
		}
		break;
	case SIM_DIST_PARETO:
		if (v[0] <= 0 || v[1] <= 0) {
			set_error(err, SIM_CFG_ERROR_RANGE, "%s: shape and "
				  "scale must be > 0", shown);
			goto out;
		}
		break;
	default:
		break;
	}
	for (unsigned i = 0; i < k->nparams; i++) {
		bool located = i == 0 ? k->unit_a : k->unit_b;

		/* a spread (normal/lognormal SD) is not a location */
		if (i == 1 && (k->kind == SIM_DIST_NORMAL ||
			       k->kind == SIM_DIST_LOGNORMAL))
			located = false;
		if (located && !check_double_range(opt, v[i], p[i], err)) {
			g_prefix_error(err, "%s: ", shown);
			goto out;
		}
	}
	*d = dist_make(k->kind, v[0], v[1]);
	ok = true;
	goto out;
usage:
	set_error(err, SIM_CFG_ERROR_VALUE, "expected %s, got %s", k->usage,
		  shown);
out:
	g_free(shown);
	g_free(kname);
	g_free(params);
	return ok;
}

static char *fmt_dist(const struct sim_option *opt, const struct sim_dist *d)
{
	const struct dist_kind *k = dist_kind_of(d->kind);
	char *a = fmt_dist_scalar(d->a, k->unit_a ? opt->unit : SIM_UNIT_NONE);
	char *b = NULL, *s;

	if (k->nparams == 1) {
		s = g_strdup_printf("%s:%s", k->name, a);
	} else {
		b = fmt_dist_scalar(d->b, k->unit_b ? opt->unit : SIM_UNIT_NONE);
		s = g_strdup_printf("%s:%s%s%s", k->name, a,
				    k->kind == SIM_DIST_UNIFORM ? "-" : ",", b);
	}
	g_free(a);
	g_free(b);
	return s;
}

/* ---- lists and mixes ---------------------------------------------------- */

/* Splits on ',' and trims; NULL (error set) on an empty item. */
static char **split_items(const char *text, GError **err)
{
	char **items;

	if (text[0] == '\0')
		return g_new0(char *, 1);
	items = g_strsplit(text, ",", -1);
	for (unsigned i = 0; items[i]; i++) {
		g_strstrip(items[i]);
		if (items[i][0] == '\0') {
			char *shown = sim_option_quote(text, true);

			set_error(err, SIM_CFG_ERROR_VALUE, "empty item in %s",
				  shown);
			g_free(shown);
			g_strfreev(items);
			return NULL;
		}
	}
	return items;
}

static bool parse_list(const struct sim_option *opt, const char *text,
		       char ***out, GError **err)
{
	char **items = split_items(text, err);

	if (!items)
		return false;
	for (unsigned i = 0; opt->allowed && items[i]; i++) {
		if (allowed_index(opt->allowed, items[i]) < 0) {
			not_allowed_error("", opt->allowed, items[i], err);
			goto bad;
		}
		for (unsigned j = 0; j < i; j++) {
			if (strcmp(items[i], items[j]) == 0) {
				char *shown = sim_option_quote(items[i], true);

				set_error(err, SIM_CFG_ERROR_VALUE,
					  "%s is listed twice", shown);
				g_free(shown);
				goto bad;
			}
		}
	}
	*out = items;
	return true;
bad:
	g_strfreev(items);
	return false;
}

static void mix_clear(struct sim_mix *m)
{
	for (unsigned i = 0; i < m->n; i++)
		g_free(m->names[i]);
	g_free(m->names);
	g_free(m->weights);
	g_free(m->index);
	memset(m, 0, sizeof(*m));
}

static bool parse_mix(const struct sim_option *opt, const char *text,
		      struct sim_mix *out, GError **err)
{
	char **items = split_items(text, err);
	struct sim_mix m = { 0 };
	unsigned n;

	if (!items)
		return false;
	n = g_strv_length(items);
	if (n == 0 || n > SIM_CHOICE_MAX) {
		set_error(err, SIM_CFG_ERROR_VALUE, n ? "a mix has at most %d "
			  "items" : "expected NAME:WEIGHT, ...; got nothing",
			  SIM_CHOICE_MAX);
		g_strfreev(items);
		return false;
	}
	m.names = g_new0(char *, n);
	m.weights = g_new0(double, n);
	m.index = g_new0(int, n);
	for (unsigned i = 0; i < n; i++) {
		char *colon = strchr(items[i], ':');
		char *name = g_strstrip(colon ? g_strndup(items[i],
				(gsize)(colon - items[i])) : g_strdup(items[i]));
		double w = 1;

		m.names[m.n++] = name;
		if (colon) {
			char *wt = trimmed(colon + 1);
			size_t len = strlen(wt);
			const char *end;

			if (len && wt[len - 1] == '%')
				wt[len - 1] = '\0';
			end = parse_strtod(wt, false, &w);
			if (!end || *end || !isfinite(w) || w <= 0) {
				char *shown = sim_option_quote(items[i], true);

				set_error(err, SIM_CFG_ERROR_VALUE, "%s: expected "
					  "NAME:WEIGHT with a weight > 0",
					  shown);
				g_free(shown);
				g_free(wt);
				goto bad;
			}
			g_free(wt);
		}
		if (name[0] == '\0') {
			char *shown = sim_option_quote(items[i], true);

			set_error(err, SIM_CFG_ERROR_VALUE, "%s: expected "
				  "NAME:WEIGHT", shown);
			g_free(shown);
			goto bad;
		}
		m.weights[i] = w;
		m.index[i] = -1;
		if (opt->allowed) {
			m.index[i] = allowed_index(opt->allowed, name);
			if (m.index[i] < 0) {
				not_allowed_error("", opt->allowed, name, err);
				goto bad;
			}
		}
		for (unsigned j = 0; j < i; j++) {
			if (strcmp(m.names[j], name) == 0) {
				char *shown = sim_option_quote(name, true);

				set_error(err, SIM_CFG_ERROR_VALUE,
					  "%s appears twice in the mix", shown);
				g_free(shown);
				goto bad;
			}
		}
	}
	g_strfreev(items);
	*out = m;
	return true;
bad:
	g_strfreev(items);
	mix_clear(&m);
	return false;
}

static char *fmt_mix(const struct sim_mix *m)
{
	GString *s = g_string_new(NULL);
	char buf[G_ASCII_DTOSTR_BUF_SIZE];

	for (unsigned i = 0; i < m->n; i++) {
		fmt_double(buf, sizeof(buf), m->weights[i]);
		g_string_append_printf(s, "%s%s:%s", i ? ", " : "",
				       m->names[i], buf);
	}
	return g_string_free(s, FALSE);
}

/* ---- one option -------------------------------------------------------- */

union opt_value {
	bool b;
	int64_t i;
	uint64_t u;
	double d;
	char *s;
	int e;
	char **l;
	struct sim_dist dist;
	struct sim_mix mix;
};

size_t sim_option_slot_size(enum sim_opt_type type)
{
	switch (type) {
	case SIM_OPT_BOOL:   return sizeof(bool);
	case SIM_OPT_INT:    return sizeof(int64_t);
	case SIM_OPT_SIZE:   return sizeof(uint64_t);
	case SIM_OPT_TIME:   return sizeof(sim_time_t);
	case SIM_OPT_DOUBLE: return sizeof(double);
	case SIM_OPT_STRING: return sizeof(char *);
	case SIM_OPT_ENUM:   return sizeof(int);
	case SIM_OPT_LIST:   return sizeof(char **);
	case SIM_OPT_DIST:   return sizeof(struct sim_dist);
	case SIM_OPT_MIX:    return sizeof(struct sim_mix);
	}
	return 0;
}

size_t sim_option_slot_align(enum sim_opt_type type)
{
	switch (type) {
	case SIM_OPT_BOOL:   return _Alignof(bool);
	case SIM_OPT_INT:    return _Alignof(int64_t);
	case SIM_OPT_SIZE:   return _Alignof(uint64_t);
	case SIM_OPT_TIME:   return _Alignof(sim_time_t);
	case SIM_OPT_DOUBLE: return _Alignof(double);
	case SIM_OPT_STRING: return _Alignof(char *);
	case SIM_OPT_ENUM:   return _Alignof(int);
	case SIM_OPT_LIST:   return _Alignof(char **);
	case SIM_OPT_DIST:   return _Alignof(struct sim_dist);
	case SIM_OPT_MIX:    return _Alignof(struct sim_mix);
	}
	return 1;
}

const char *sim_option_type_name(enum sim_opt_type type)
{
	static const char *const names[] = {
		[SIM_OPT_BOOL] = "bool", [SIM_OPT_INT] = "int",
		[SIM_OPT_SIZE] = "size", [SIM_OPT_TIME] = "time",
		[SIM_OPT_DOUBLE] = "double", [SIM_OPT_STRING] = "string",
		[SIM_OPT_ENUM] = "enum", [SIM_OPT_LIST] = "list",
		[SIM_OPT_DIST] = "dist", [SIM_OPT_MIX] = "mix",
	};

	return (unsigned)type < SIM_ARRAY_SIZE(names) ? names[type] : "?";
}

const struct sim_option *sim_option_find(const struct sim_option *table,
					 const char *name)
{
	for (; table && table->name; table++)
		if (strcmp(table->name, name) == 0)
			return table;
	return NULL;
}

unsigned sim_option_count(const struct sim_option *table)
{
	unsigned n = 0;

	while (table && table[n].name)
		n++;
	return n;
}

static void value_free(const struct sim_option *opt, union opt_value *v)
{
	switch (opt->type) {
	case SIM_OPT_STRING:
		g_free(v->s);
		v->s = NULL;
		break;
	case SIM_OPT_LIST:
		g_strfreev(v->l);
		v->l = NULL;
		break;
	case SIM_OPT_MIX:
		mix_clear(&v->mix);
		break;
	default:
		break;
	}
}

static void value_load(const struct sim_option *opt, const void *data,
		       union opt_value *v)
{
	memcpy(v, (const char *)data + opt->offset,
	       sim_option_slot_size(opt->type));
}

static void value_store(const struct sim_option *opt, void *data,
			const union opt_value *v)
{
	memcpy((char *)data + opt->offset, v, sim_option_slot_size(opt->type));
}

/* Control bytes would break the one-line messages and the dump; a ';' or
 * '#' that a job file would read as a comment could not be dumped. */
static bool text_ok(const char *text, GError **err)
{
	const char *end;
	const unsigned char *p = (const unsigned char *)text;

	if (!g_utf8_validate(text, -1, &end)) {
		set_error(err, SIM_CFG_ERROR_VALUE, "invalid UTF-8 in value");
		return false;
	}
	while (*p == ' ' || *p == '\t')
		p++;
	for (bool space = true; *p; space = *p == ' ' || *p == '\t', p++) {
		if ((*p < 0x20 && *p != '\t') || *p == 0x7f) {
			set_error(err, SIM_CFG_ERROR_VALUE,
				  "control character in value");
			return false;
		}
		if (space && (*p == ';' || *p == '#')) {
			set_error(err, SIM_CFG_ERROR_VALUE, "'%c' at the start "
				  "of a value or after a space begins a comment",
				  *p);
			return false;
		}
	}
	return true;
}

bool sim_option_parse(const struct sim_option *opt, void *data,
		      const char *text, GError **err)
{
	union opt_value v, old;
	struct bounds b;
	char *t;
	bool ok = false;

	memset(&v, 0, sizeof(v));
	if (!text || !text_ok(text, err)) {
		if (!text)
			set_error(err, SIM_CFG_ERROR_VALUE, "missing value");
		return false;
	}
	t = trimmed(text);
	switch (opt->type) {
	case SIM_OPT_BOOL:
		ok = parse_bool(t, &v.b, err);
		break;
	case SIM_OPT_INT:
		if (!parse_int(t, &v.i, err))
			break;
		get_bounds(opt, &b);
		ok = !((b.has_min && v.i < b.min.i) ||
		       (b.has_max && v.i > b.max.i));
		break;
	case SIM_OPT_SIZE:
		if (!sim_option_parse_size(t, &v.u, err))
			break;
		get_bounds(opt, &b);
		ok = !((b.has_min && v.u < b.min.u) ||
		       (b.has_max && v.u > b.max.u));
		break;
	case SIM_OPT_TIME:
		if (!sim_option_parse_time(t, opt->unit, &v.i, err))
			break;
		get_bounds(opt, &b);
		ok = !((b.has_min && v.i < b.min.i) ||
		       (b.has_max && v.i > b.max.i));
		break;
	case SIM_OPT_DOUBLE:
		if (!parse_double(t, &v.d, err))
			break;
		get_bounds(opt, &b);
		ok = !((b.has_min && v.d < b.min.d) ||
		       (b.has_max && v.d > b.max.d));
		break;
	case SIM_OPT_STRING:
		v.s = g_strdup(t);
		ok = true;
		break;
	case SIM_OPT_ENUM:
		v.e = allowed_index(opt->allowed, t);
		ok = v.e >= 0;
		if (!ok) {
			static const char *const none[] = { NULL };

			not_allowed_error("", opt->allowed ? opt->allowed : none,
					  t, err);
		}
		break;
	case SIM_OPT_LIST:
		ok = parse_list(opt, t, &v.l, err);
		break;
	case SIM_OPT_DIST:
		ok = parse_dist(opt, t, &v.dist, err);
		break;
	case SIM_OPT_MIX:
		ok = parse_mix(opt, t, &v.mix, err);
		break;
	}
	/* A numeric case that parsed but set ok = false missed its range. */
	if (!ok && err && !*err)
		range_error(opt, t, err);
	if (ok) {
		value_load(opt, data, &old);
		value_free(opt, &old);
		value_store(opt, data, &v);
	}
	g_free(t);
	return ok;
}

char *sim_option_format(const struct sim_option *opt, const void *data)
{
	union opt_value v;
	char buf[G_ASCII_DTOSTR_BUF_SIZE];

	value_load(opt, data, &v);
	switch (opt->type) {
	case SIM_OPT_BOOL:
		return g_strdup(v.b ? "true" : "false");
	case SIM_OPT_INT:
		return g_strdup_printf("%" PRId64, v.i);
	case SIM_OPT_SIZE:
		return fmt_size(v.u);
	case SIM_OPT_TIME:
		return fmt_time(v.i);
	case SIM_OPT_DOUBLE:
		fmt_double(buf, sizeof(buf), v.d);
		return g_strdup(buf);
	case SIM_OPT_STRING:
		return g_strdup(v.s);
	case SIM_OPT_ENUM:
		if (v.e < 0 || !opt->allowed)
			return NULL;
		return g_strdup(opt->allowed[v.e]);
	case SIM_OPT_LIST:
		return v.l ? g_strjoinv(", ", v.l) : NULL;
	case SIM_OPT_DIST:
		return fmt_dist(opt, &v.dist);
	case SIM_OPT_MIX:
		return v.mix.n ? fmt_mix(&v.mix) : NULL;
	}
	return NULL;
}

char *sim_option_format_json(const struct sim_option *opt, const void *data,
			     enum sim_opt_json *kind)
{
	union opt_value v;
	char buf[G_ASCII_DTOSTR_BUF_SIZE];
	char *s;

	value_load(opt, data, &v);
	*kind = SIM_JSON_NUMBER;
	switch (opt->type) {
	case SIM_OPT_BOOL:
		*kind = SIM_JSON_BOOL;
		return g_strdup(v.b ? "true" : "false");
	case SIM_OPT_INT:
	case SIM_OPT_TIME:
		return g_strdup_printf("%" PRId64, v.i);
	case SIM_OPT_SIZE:
		return g_strdup_printf("%" PRIu64, v.u);
	case SIM_OPT_DOUBLE:
		fmt_double(buf, sizeof(buf), v.d);
		return g_strdup(buf);
	default:
		s = sim_option_format(opt, data);
		*kind = s ? SIM_JSON_STRING : SIM_JSON_NULL;
		return s;
	}
}

bool sim_option_equal(const struct sim_option *opt, const void *a,
		      const void *b)
{
	union opt_value x, y;

	value_load(opt, a, &x);
	value_load(opt, b, &y);
	switch (opt->type) {
	case SIM_OPT_BOOL:   return x.b == y.b;
	case SIM_OPT_INT:
	case SIM_OPT_TIME:   return x.i == y.i;
	case SIM_OPT_SIZE:   return x.u == y.u;
	case SIM_OPT_DOUBLE: return x.d == y.d;
	case SIM_OPT_STRING: return g_strcmp0(x.s, y.s) == 0;
	case SIM_OPT_ENUM:   return x.e == y.e;
	case SIM_OPT_LIST:
		if (!x.l || !y.l)
			return x.l == y.l;
		return g_strv_equal((const char *const *)x.l,
				    (const char *const *)y.l);
	case SIM_OPT_DIST:
		return x.dist.kind == y.dist.kind && x.dist.a == y.dist.a &&
		       x.dist.b == y.dist.b && x.dist.lo == y.dist.lo &&
		       x.dist.hi == y.dist.hi && x.dist.zipf_n == y.dist.zipf_n;
	case SIM_OPT_MIX:
		if (x.mix.n != y.mix.n)
			return false;
		for (unsigned i = 0; i < x.mix.n; i++)
			if (strcmp(x.mix.names[i], y.mix.names[i]) ||
			    x.mix.weights[i] != y.mix.weights[i] ||
			    x.mix.index[i] != y.mix.index[i])
				return false;
		return true;
	}
	return false;
}

/* ---- whole tables -------------------------------------------------------- */

void sim_option_fill_defaults(const struct sim_option *table, void *data)
{
	for (const struct sim_option *opt = table; opt->name; opt++) {
		union opt_value v;

		if (opt->def && sim_option_parse(opt, data, opt->def, NULL))
			continue;
		/* No default (or a broken one, which sim_schema_check
		 * reports): the type's "unset". */
		memset(&v, 0, sizeof(v));
		if (opt->type == SIM_OPT_ENUM)
			v.e = -1;
		value_store(opt, data, &v);
	}
}

void sim_option_copy_values(const struct sim_option *table, void *dst,
			    const void *src)
{
	for (const struct sim_option *opt = table; opt->name; opt++) {
		union opt_value v;

		value_load(opt, src, &v);
		switch (opt->type) {
		case SIM_OPT_STRING:
			v.s = g_strdup(v.s);
			break;
		case SIM_OPT_LIST:
			v.l = g_strdupv(v.l);
			break;
		case SIM_OPT_MIX: {
			struct sim_mix m = v.mix;

			if (!m.n)
				break;
			v.mix.names = g_new0(char *, m.n);
			for (unsigned i = 0; i < m.n; i++)
				v.mix.names[i] = g_strdup(m.names[i]);
			v.mix.weights = g_memdup2(m.weights,
						  m.n * sizeof(double));
			v.mix.index = g_memdup2(m.index, m.n * sizeof(int));
			break;
		}
		default:
			break;
		}
		value_store(opt, dst, &v);
	}
}

void sim_option_free_values(const struct sim_option *table, void *data)
{
	for (const struct sim_option *opt = table; opt->name; opt++) {
		union opt_value v;

		value_load(opt, data, &v);
		value_free(opt, &v);
		value_store(opt, data, &v);
	}
}
