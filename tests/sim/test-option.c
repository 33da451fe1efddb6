/* tests/sim/test-option.c — option values: every type parses what it
 * should (suffixes, units, forms), refuses what it should with the
 * expected one-line message, formats canonically and round-trips; the
 * schema checker catches broken tables; did-you-mean; --help-config.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "demo-schema.h"

/* libsim.a's distributions assert through sim_bug, which the engine
 * provides; weak, so a libsim.a that has it wins. */
__attribute__((weak)) _Noreturn void sim_bug(const char *file, int line,
					     const char *cond)
{
	g_printerr("BUG at %s:%d: %s\n", file, line, cond);
	abort();
}

/* A scratch struct with one slot of every type. */
struct all {
	bool b;
	int64_t i;
	uint64_t size;
	sim_time_t t;
	double d;
	char *s;
	int e;
	char **l;
	struct sim_dist dist;
	struct sim_mix mix;
};

static const char *const colours[] = { "red", "green", "blue", NULL };

static const struct sim_option o_bool = {
	.name = "b", .type = SIM_OPT_BOOL, .offset = offsetof(struct all, b),
	.help = "x" };
static const struct sim_option o_int = {
	.name = "i", .type = SIM_OPT_INT, .offset = offsetof(struct all, i),
	.help = "x" };
static const struct sim_option o_int_range = {
	.name = "n", .type = SIM_OPT_INT, .offset = offsetof(struct all, i),
	.min = "1", .max = "4096", .help = "x" };
static const struct sim_option o_size = {
	.name = "size", .type = SIM_OPT_SIZE,
	.offset = offsetof(struct all, size), .help = "x" };
static const struct sim_option o_size_range = {
	.name = "size", .type = SIM_OPT_SIZE,
	.offset = offsetof(struct all, size), .min = "4K", .max = "1G",
	.help = "x" };
static const struct sim_option o_time_us = {
	.name = "t", .type = SIM_OPT_TIME, .offset = offsetof(struct all, t),
	.unit = SIM_UNIT_US, .help = "x" };
static const struct sim_option o_time_ns = {
	.name = "t", .type = SIM_OPT_TIME, .offset = offsetof(struct all, t),
	.help = "x" };
static const struct sim_option o_double = {
	.name = "d", .type = SIM_OPT_DOUBLE, .offset = offsetof(struct all, d),
	.min = "0", .max = "1", .help = "x" };
static const struct sim_option o_string = {
	.name = "s", .type = SIM_OPT_STRING, .offset = offsetof(struct all, s),
	.help = "x" };
static const struct sim_option o_enum = {
	.name = "e", .type = SIM_OPT_ENUM, .offset = offsetof(struct all, e),
	.allowed = colours, .help = "x" };
static const struct sim_option o_list = {
	.name = "l", .type = SIM_OPT_LIST, .offset = offsetof(struct all, l),
	.allowed = colours, .help = "x" };
static const struct sim_option o_list_free = {
	.name = "l", .type = SIM_OPT_LIST, .offset = offsetof(struct all, l),
	.help = "x" };
static const struct sim_option o_dist_time = {
	.name = "think", .type = SIM_OPT_DIST,
	.offset = offsetof(struct all, dist), .unit = SIM_UNIT_US,
	.max = "1s", .help = "x" };
static const struct sim_option o_dist_size = {
	.name = "len", .type = SIM_OPT_DIST,
	.offset = offsetof(struct all, dist), .unit = SIM_UNIT_BYTES,
	.min = "1", .max = "1G", .help = "x" };
static const struct sim_option o_dist_plain = {
	.name = "p", .type = SIM_OPT_DIST,
	.offset = offsetof(struct all, dist), .help = "x" };
static const char *const exp_only[] = { "exp", "fixed", NULL };
static const struct sim_option o_dist_restricted = {
	.name = "r", .type = SIM_OPT_DIST,
	.offset = offsetof(struct all, dist), .unit = SIM_UNIT_NS,
	.allowed = exp_only, .help = "x" };
static const struct sim_option o_mix = {
	.name = "ops", .type = SIM_OPT_MIX, .offset = offsetof(struct all, mix),
	.allowed = demo_ops, .help = "x" };
static const struct sim_option o_mix_free = {
	.name = "ops", .type = SIM_OPT_MIX, .offset = offsetof(struct all, mix),
	.help = "x" };

static const struct sim_option all_table[] = {
	o_bool, o_int, o_size, o_time_us, o_double, o_string, o_enum, o_list,
	o_dist_time, o_mix, { NULL },
};

static void all_free(struct all *a)
{
	sim_option_free_values(all_table, a);
}

/* Parses, expecting success; returns nothing, the value is in *a. */
static void ok(const struct sim_option *opt, struct all *a, const char *text)
{
	GError *err = NULL;

	if (!sim_option_parse(opt, a, text, &err))
		g_error("%s = '%s' failed: %s", opt->name, text, err->message);
}

/* Parses, expecting failure with exactly `msg` (and a one-line message). */
static void bad(const struct sim_option *opt, const char *text, int code,
		const char *msg)
{
	struct all a = { 0 };
	GError *err = NULL;

	if (sim_option_parse(opt, &a, text, &err))
		g_error("%s = '%s' parsed but should not", opt->name, text);
	g_assert_nonnull(err);
	g_assert_null(strchr(err->message, '\n'));
	if (msg)
		g_assert_cmpstr(err->message, ==, msg);
	if (code >= 0)
		g_assert_cmpint(err->code, ==, code);
	g_error_free(err);
	all_free(&a);
}

/* Formats the value and checks both the text and that it parses back to
 * the identical value. */
static void canon(const struct sim_option *opt, struct all *a,
		  const char *want)
{
	struct all b = { 0 };
	char *s = sim_option_format(opt, a);

	g_assert_cmpstr(s, ==, want);
	ok(opt, &b, s);
	g_assert_true(sim_option_equal(opt, a, &b));
	g_free(s);
	all_free(&b);
}

static void test_bool(void)
{
	static const char *const yes[] = { "1", "true", "TRUE", "yes", "On" };
	static const char *const no[] = { "0", "false", "no", "OFF" };
	struct all a = { 0 };

	for (unsigned i = 0; i < G_N_ELEMENTS(yes); i++) {
		a.b = false;
		ok(&o_bool, &a, yes[i]);
		g_assert_true(a.b);
	}
	for (unsigned i = 0; i < G_N_ELEMENTS(no); i++) {
		a.b = true;
		ok(&o_bool, &a, no[i]);
		g_assert_false(a.b);
	}
	canon(&o_bool, &a, "false");
	bad(&o_bool, "maybe", SIM_CFG_ERROR_VALUE, "expected a boolean (1/0, "
	    "true/false, yes/no, on/off), got 'maybe'");
	bad(&o_bool, "", SIM_CFG_ERROR_VALUE, NULL);
}

static void test_int(void)
{
	struct all a = { 0 };

	ok(&o_int, &a, "42");
	g_assert_cmpint(a.i, ==, 42);
	ok(&o_int, &a, "  -7 ");
	g_assert_cmpint(a.i, ==, -7);
	ok(&o_int, &a, "+9223372036854775807");
	g_assert_cmpint(a.i, ==, INT64_MAX);
	ok(&o_int, &a, "-9223372036854775808");
	g_assert_cmpint(a.i, ==, INT64_MIN);
	canon(&o_int, &a, "-9223372036854775808");
	bad(&o_int, "9223372036854775808", SIM_CFG_ERROR_RANGE,
	    "'9223372036854775808' does not fit in a 64-bit integer");
	bad(&o_int, "99999999999999999999999999999999999999999999",
	    SIM_CFG_ERROR_RANGE, NULL);
	bad(&o_int, "abc", SIM_CFG_ERROR_VALUE, "expected an integer, got 'abc'");
	bad(&o_int, "1e3", SIM_CFG_ERROR_VALUE, NULL);
	bad(&o_int, "0x10", SIM_CFG_ERROR_VALUE, NULL);
	bad(&o_int, "12 34", SIM_CFG_ERROR_VALUE, NULL);
	bad(&o_int, "-", SIM_CFG_ERROR_VALUE, NULL);
	bad(&o_int, "99999999999999999999999x", SIM_CFG_ERROR_VALUE, NULL);

	ok(&o_int_range, &a, "4096");
	bad(&o_int_range, "30000", SIM_CFG_ERROR_RANGE,
	    "30000 is out of range 1..4096");
	bad(&o_int_range, "0", SIM_CFG_ERROR_RANGE, "0 is out of range 1..4096");
	/* a failed parse leaves the old value */
	g_assert_cmpint(a.i, ==, 4096);
}

static void test_size(void)
{
	static const struct { const char *text; uint64_t bytes; } cases[] = {
		{ "0", 0 }, { "512", 512 }, { "4K", 4096 }, { "4k", 4096 },
		{ "4KiB", 4096 }, { "4kb", 4096 }, { "4 K", 4096 },
		{ "64M", 64ull << 20 }, { "64MiB", 64ull << 20 },
		{ "1G", 1ull << 30 }, { "2g", 2ull << 30 }, { "1T", 1ull << 40 },
		{ "1P", 1ull << 50 }, { "1.5K", 1536 }, { ".5K", 512 },
		{ "100B", 100 }, { "0004K", 4096 },
		{ "18446744073709551615", UINT64_MAX },
		{ "16383P", 16383ull << 50 },
	};
	struct all a = { 0 };
	uint64_t v;

	for (unsigned i = 0; i < G_N_ELEMENTS(cases); i++) {
		ok(&o_size, &a, cases[i].text);
		g_assert_cmpuint(a.size, ==, cases[i].bytes);
	}
	g_assert_true(sim_option_parse_size("8M", &v, NULL));
	g_assert_cmpuint(v, ==, 8u << 20);

	a.size = 4096;
	canon(&o_size, &a, "4K");
	a.size = 1536;
	canon(&o_size, &a, "1536");
	a.size = 64ull << 20;
	canon(&o_size, &a, "64M");
	a.size = 3ull << 40;
	canon(&o_size, &a, "3T");
	a.size = 0;
	canon(&o_size, &a, "0");
	a.size = UINT64_MAX;
	canon(&o_size, &a, "18446744073709551615");

	bad(&o_size, "abc", SIM_CFG_ERROR_VALUE,
	    "expected a size like 4K or 64M, got 'abc'");
	bad(&o_size, "4X", SIM_CFG_ERROR_VALUE, NULL);
	bad(&o_size, "K", SIM_CFG_ERROR_VALUE, NULL);
	bad(&o_size, "4K4", SIM_CFG_ERROR_VALUE, NULL);
	bad(&o_size, "-4K", SIM_CFG_ERROR_RANGE,
	    "'-4K' cannot be negative (expected a size like 4K or 64M)");
	bad(&o_size, "99999999999T", SIM_CFG_ERROR_RANGE,
	    "'99999999999T' is too large (at most 18446744073709551615 bytes)");
	bad(&o_size, "18446744073709551616", SIM_CFG_ERROR_RANGE, NULL);
	bad(&o_size, "16384P", SIM_CFG_ERROR_RANGE, NULL);
	bad(&o_size, "999999999999999999999999999999999999999999999999P",
	    SIM_CFG_ERROR_RANGE, NULL);
	bad(&o_size, "1.3K", SIM_CFG_ERROR_VALUE,
	    "'1.3K' is not a whole number of bytes");
	bad(&o_size, "1.0000000000000000000000001K", SIM_CFG_ERROR_VALUE, NULL);
	bad(&o_size, "1..5K", SIM_CFG_ERROR_VALUE, NULL);
	bad(&o_size, ".", SIM_CFG_ERROR_VALUE, NULL);
	bad(&o_size_range, "2K", SIM_CFG_ERROR_RANGE,
	    "2K is out of range 4K..1G");
	bad(&o_size_range, "2G", SIM_CFG_ERROR_RANGE,
	    "2G is out of range 4K..1G");
	ok(&o_size_range, &a, "1G");
}

static void test_time(void)
{
	static const struct { const char *text; sim_time_t ns; } cases[] = {
		{ "0", 0 }, { "10", 10000 }, { "10us", 10000 },
		{ "10\xc2\xb5s", 10000 }, { "7ns", 7 }, { "2ms", 2000000 },
		{ "2MS", 2000000 }, { "1s", SIM_SEC }, { "1.5ms", 1500000 },
		{ "0.001", 1 }, { "9223372036s", 9223372036 * SIM_SEC },
	};
	struct all a = { 0 };
	sim_time_t t;

	for (unsigned i = 0; i < G_N_ELEMENTS(cases); i++) {
		ok(&o_time_us, &a, cases[i].text);
		g_assert_cmpint(a.t, ==, cases[i].ns);
	}
	ok(&o_time_ns, &a, "10");
	g_assert_cmpint(a.t, ==, 10);
	g_assert_true(sim_option_parse_time("3", SIM_UNIT_S, &t, NULL));
	g_assert_cmpint(t, ==, 3 * SIM_SEC);

	a.t = 2000;
	canon(&o_time_us, &a, "2us");
	a.t = 1500;
	canon(&o_time_us, &a, "1500ns");
	a.t = 200 * SIM_MSEC;
	canon(&o_time_us, &a, "200ms");
	a.t = 3 * SIM_SEC;
	canon(&o_time_us, &a, "3s");
	a.t = 0;
	canon(&o_time_us, &a, "0");

	bad(&o_time_us, "abc", SIM_CFG_ERROR_VALUE,
	    "expected a time like 10us or 2ms, got 'abc'");
	bad(&o_time_us, "10 minutes", SIM_CFG_ERROR_VALUE, NULL);
	bad(&o_time_us, "10K", SIM_CFG_ERROR_VALUE, NULL);
	bad(&o_time_us, "-1ms", SIM_CFG_ERROR_RANGE, NULL);
	bad(&o_time_us, "0.5ns", SIM_CFG_ERROR_VALUE,
	    "'0.5ns' is not a whole number of nanoseconds");
	bad(&o_time_us, "9223372037s", SIM_CFG_ERROR_RANGE, NULL);
}

static void test_double(void)
{
	struct all a = { 0 };

	ok(&o_double, &a, "0.95");
	g_assert_cmpfloat(a.d, ==, 0.95);
	ok(&o_double, &a, "1e-3");
	g_assert_cmpfloat(a.d, ==, 1e-3);
	ok(&o_double, &a, ".5");
	g_assert_cmpfloat(a.d, ==, 0.5);
	a.d = 0.1;
	canon(&o_double, &a, "0.1");
	a.d = 1.0 / 3;
	canon(&o_double, &a, "0.3333333333333333");
	a.d = 2e-7;
	canon(&o_double, &a, "2e-07");
	bad(&o_double, "nan", SIM_CFG_ERROR_VALUE, "expected a number, got 'nan'");
	bad(&o_double, "inf", SIM_CFG_ERROR_VALUE, NULL);
	bad(&o_double, "0x1p-2", SIM_CFG_ERROR_VALUE, NULL);
	bad(&o_double, "1,5", SIM_CFG_ERROR_VALUE, NULL);
	bad(&o_double, "1e999", SIM_CFG_ERROR_RANGE, NULL);
	bad(&o_double, "1.5", SIM_CFG_ERROR_RANGE, "1.5 is out of range 0..1");
}

static void test_string_enum(void)
{
	struct all a = { 0 };

	ok(&o_string, &a, "  hello world  ");
	g_assert_cmpstr(a.s, ==, "hello world");
	ok(&o_string, &a, "d\xc3\xa9j\xc3\xa0 vu");       /* UTF-8 */
	canon(&o_string, &a, "d\xc3\xa9j\xc3\xa0 vu");
	ok(&o_string, &a, "a;b#c");           /* no space: not a comment */
	bad(&o_string, "a ;b", SIM_CFG_ERROR_VALUE, NULL);
	bad(&o_string, "#x", SIM_CFG_ERROR_VALUE, NULL);
	bad(&o_string, "two\nlines", SIM_CFG_ERROR_VALUE,
	    "control character in value");
	bad(&o_string, "\xff\xfe", SIM_CFG_ERROR_VALUE,
	    "invalid UTF-8 in value");
	g_assert_cmpstr(a.s, ==, "a;b#c");

	ok(&o_enum, &a, "green");
	g_assert_cmpint(a.e, ==, 1);
	canon(&o_enum, &a, "green");
	bad(&o_enum, "gren", SIM_CFG_ERROR_VALUE,
	    "'gren' is not one of: red, green, blue (did you mean 'green'?)");
	bad(&o_enum, "purple", SIM_CFG_ERROR_VALUE,
	    "'purple' is not one of: red, green, blue");
	bad(&o_enum, "GREEN", SIM_CFG_ERROR_VALUE, NULL);
	all_free(&a);
}

static void test_list(void)
{
	struct all a = { 0 };

	ok(&o_list, &a, " red ,blue,  green");
	g_assert_cmpuint(g_strv_length(a.l), ==, 3);
	g_assert_cmpstr(a.l[0], ==, "red");
	g_assert_cmpstr(a.l[1], ==, "blue");
	g_assert_cmpstr(a.l[2], ==, "green");
	canon(&o_list, &a, "red, blue, green");
	ok(&o_list, &a, "");
	g_assert_nonnull(a.l);
	g_assert_cmpuint(g_strv_length(a.l), ==, 0);
	canon(&o_list, &a, "");
	bad(&o_list, "red, bleu", SIM_CFG_ERROR_VALUE,
	    "'bleu' is not one of: red, green, blue (did you mean 'blue'?)");
	bad(&o_list, "red,,blue", SIM_CFG_ERROR_VALUE,
	    "empty item in 'red,,blue'");
	bad(&o_list, "red, red", SIM_CFG_ERROR_VALUE, "'red' is listed twice");
	ok(&o_list_free, &a, "data=ordered, x, x");
	g_assert_cmpstr(a.l[0], ==, "data=ordered");
	all_free(&a);
}

static void test_dist(void)
{
	struct all a = { 0 };

	ok(&o_dist_time, &a, "exp:2us");
	g_assert_cmpint(a.dist.kind, ==, SIM_DIST_EXP);
	g_assert_cmpfloat(a.dist.a, ==, 2000);
	canon(&o_dist_time, &a, "exp:2us");
	ok(&o_dist_time, &a, "10");                    /* bare: fixed, in us */
	g_assert_cmpint(a.dist.kind, ==, SIM_DIST_FIXED);
	g_assert_cmpfloat(a.dist.a, ==, 10000);
	canon(&o_dist_time, &a, "fixed:10us");
	ok(&o_dist_time, &a, "fixed : 1.5");
	g_assert_cmpfloat(a.dist.a, ==, 1500);
	ok(&o_dist_time, &a, "uniform:1ms-2ms");
	g_assert_cmpint(a.dist.kind, ==, SIM_DIST_UNIFORM);
	g_assert_cmpfloat(a.dist.a, ==, 1e6);
	g_assert_cmpfloat(a.dist.b, ==, 2e6);
	canon(&o_dist_time, &a, "uniform:1ms-2ms");
	ok(&o_dist_time, &a, "normal:100us,10us");
	g_assert_cmpint(a.dist.kind, ==, SIM_DIST_NORMAL);
	g_assert_cmpfloat(a.dist.a, ==, 100000);
	g_assert_cmpfloat(a.dist.b, ==, 10000);
	canon(&o_dist_time, &a, "normal:100us,10us");
	ok(&o_dist_time, &a, "lognormal:1ms, 250us");
	g_assert_cmpint(a.dist.kind, ==, SIM_DIST_LOGNORMAL);
	canon(&o_dist_time, &a, "lognormal:1ms,250us");
	ok(&o_dist_time, &a, "pareto:1.5,3us");
	g_assert_cmpint(a.dist.kind, ==, SIM_DIST_PARETO);
	g_assert_cmpfloat(a.dist.a, ==, 1.5);
	g_assert_cmpfloat(a.dist.b, ==, 3000);
	canon(&o_dist_time, &a, "pareto:1.5,3us");
	ok(&o_dist_time, &a, "exp:0.0015");            /* 1.5 ns */
	canon(&o_dist_time, &a, "exp:1.5ns");
	ok(&o_dist_time, &a, "exp:1e-3");
	g_assert_cmpfloat(a.dist.a, ==, 1);

	ok(&o_dist_size, &a, "uniform:4K-256K");
	g_assert_cmpfloat(a.dist.a, ==, 4096);
	g_assert_cmpfloat(a.dist.b, ==, 262144);
	canon(&o_dist_size, &a, "uniform:4K-256K");
	ok(&o_dist_size, &a, "uniform:4K,8K");
	ok(&o_dist_size, &a, "64K");
	canon(&o_dist_size, &a, "fixed:64K");
	ok(&o_dist_size, &a, "exp:1000.5");
	canon(&o_dist_size, &a, "exp:1000.5");

	ok(&o_dist_plain, &a, "zipf:1.2");
	g_assert_cmpint(a.dist.kind, ==, SIM_DIST_ZIPF);
	g_assert_cmpfloat(a.dist.a, ==, 1.2);
	canon(&o_dist_plain, &a, "zipf:1.2");
	ok(&o_dist_time, &a, "zipf:0.99");             /* theta has no unit */
	g_assert_cmpfloat(a.dist.a, ==, 0.99);

	bad(&o_dist_time, "expo:2us", SIM_CFG_ERROR_VALUE,
	    "distribution 'expo' is not one of: fixed, uniform, exp, normal, "
	    "lognormal, zipf, pareto (did you mean 'exp'?)");
	bad(&o_dist_restricted, "uniform:1-2", SIM_CFG_ERROR_VALUE,
	    "distribution 'uniform' is not one of: exp, fixed");
	bad(&o_dist_time, "exp:2K", SIM_CFG_ERROR_VALUE,
	    "'exp:2K': bad parameter '2K' (expected exp:MEAN, in us)");
	bad(&o_dist_time, "exp:-2us", SIM_CFG_ERROR_VALUE, NULL);
	bad(&o_dist_time, "exp:nan", SIM_CFG_ERROR_VALUE, NULL);
	bad(&o_dist_time, "exp:1e999", SIM_CFG_ERROR_VALUE, NULL);
	bad(&o_dist_time, "exp:0", SIM_CFG_ERROR_RANGE,
	    "'exp:0': the mean must be > 0");
	bad(&o_dist_time, "uniform:2ms-1ms", SIM_CFG_ERROR_VALUE,
	    "'uniform:2ms-1ms': the minimum is above the maximum");
	bad(&o_dist_time, "uniform:1ms", SIM_CFG_ERROR_VALUE,
	    "expected uniform:MIN-MAX, got 'uniform:1ms'");
	bad(&o_dist_time, "exp:1,2", SIM_CFG_ERROR_VALUE, NULL);
	bad(&o_dist_time, "normal:1ms", SIM_CFG_ERROR_VALUE, NULL);
	bad(&o_dist_time, "zipf:0", SIM_CFG_ERROR_RANGE, NULL);
	bad(&o_dist_time, "pareto:0,1us", SIM_CFG_ERROR_RANGE, NULL);
	bad(&o_dist_time, "exp:2s", SIM_CFG_ERROR_RANGE,
	    "'exp:2s': 2s is above the maximum 1s");
	bad(&o_dist_size, "uniform:0-4K", SIM_CFG_ERROR_RANGE,
	    "'uniform:0-4K': 0 is out of range 1..1G");
	bad(&o_dist_size, "uniform:4K-2G", SIM_CFG_ERROR_RANGE, NULL);
	bad(&o_dist_size, ":", SIM_CFG_ERROR_VALUE, NULL);
	bad(&o_dist_size, "uniform:", SIM_CFG_ERROR_VALUE,   /* fuzz find */
	    "expected uniform:MIN-MAX, got 'uniform:'");
	bad(&o_dist_size, "uniform:-", SIM_CFG_ERROR_VALUE, NULL);
	bad(&o_dist_size, "uniform:4K-", SIM_CFG_ERROR_VALUE, NULL);
	bad(&o_dist_size, "", SIM_CFG_ERROR_VALUE, NULL);
	bad(&o_dist_plain, "fixed:1ms", SIM_CFG_ERROR_VALUE, NULL);
	/* normal's SD is a spread, not bounded like a location */
	ok(&o_dist_time, &a, "normal:900ms,500ms");
	all_free(&a);
}

static void test_mix(void)
{
	struct all a = { 0 };

	ok(&o_mix, &a, "mmap_read:60, mmap_write:40");
	g_assert_cmpuint(a.mix.n, ==, 2);
	g_assert_cmpstr(a.mix.names[0], ==, "mmap_read");
	g_assert_cmpstr(a.mix.names[1], ==, "mmap_write");
	g_assert_cmpfloat(a.mix.weights[0], ==, 60);
	g_assert_cmpfloat(a.mix.weights[1], ==, 40);
	g_assert_cmpint(a.mix.index[0], ==, 2);
	g_assert_cmpint(a.mix.index[1], ==, 3);
	canon(&o_mix, &a, "mmap_read:60, mmap_write:40");
	ok(&o_mix, &a, "read");
	g_assert_cmpuint(a.mix.n, ==, 1);
	g_assert_cmpfloat(a.mix.weights[0], ==, 1);
	canon(&o_mix, &a, "read:1");
	ok(&o_mix, &a, "punch_hole : 70%, zero_range:0.5");
	g_assert_cmpfloat(a.mix.weights[0], ==, 70);
	g_assert_cmpfloat(a.mix.weights[1], ==, 0.5);
	ok(&o_mix_free, &a, "anything:2");
	g_assert_cmpint(a.mix.index[0], ==, -1);

	bad(&o_mix, "mmap_raed:60", SIM_CFG_ERROR_VALUE,
	    "'mmap_raed' is not one of: read, write, mmap_read, mmap_write, "
	    "punch_hole, zero_range, collapse_range, insert_range, fsync "
	    "(did you mean 'mmap_read'?)");
	bad(&o_mix, "read:0", SIM_CFG_ERROR_VALUE,
	    "'read:0': expected NAME:WEIGHT with a weight > 0");
	bad(&o_mix, "read:-1", SIM_CFG_ERROR_VALUE, NULL);
	bad(&o_mix, "read:x", SIM_CFG_ERROR_VALUE, NULL);
	bad(&o_mix, "read:inf", SIM_CFG_ERROR_VALUE, NULL);
	bad(&o_mix, "read:1, read:2", SIM_CFG_ERROR_VALUE,
	    "'read' appears twice in the mix");
	bad(&o_mix, ":5", SIM_CFG_ERROR_VALUE, NULL);
	bad(&o_mix, "", SIM_CFG_ERROR_VALUE, NULL);
	bad(&o_mix, "read,,write", SIM_CFG_ERROR_VALUE, NULL);
	/* 33 items: over SIM_CHOICE_MAX */
	{
		GString *s = g_string_new(NULL);

		for (int i = 0; i < SIM_CHOICE_MAX + 1; i++)
			g_string_append_printf(s, "%sop%d:1", i ? "," : "", i);
		bad(&o_mix_free, s->str, SIM_CFG_ERROR_VALUE, NULL);
		g_string_free(s, TRUE);
	}
	all_free(&a);
}

static void test_json(void)
{
	struct all a = { 0 };
	enum sim_opt_json kind;
	char *s;

	ok(&o_size, &a, "64M");
	s = sim_option_format_json(&o_size, &a, &kind);
	g_assert_cmpstr(s, ==, "67108864");
	g_assert_cmpint(kind, ==, SIM_JSON_NUMBER);
	g_free(s);
	ok(&o_time_us, &a, "2ms");
	s = sim_option_format_json(&o_time_us, &a, &kind);
	g_assert_cmpstr(s, ==, "2000000");
	g_free(s);
	s = sim_option_format_json(&o_bool, &a, &kind);
	g_assert_cmpstr(s, ==, "false");
	g_assert_cmpint(kind, ==, SIM_JSON_BOOL);
	g_free(s);
	s = sim_option_format_json(&o_string, &a, &kind);
	g_assert_null(s);
	g_assert_cmpint(kind, ==, SIM_JSON_NULL);
	ok(&o_dist_time, &a, "exp:2us");
	s = sim_option_format_json(&o_dist_time, &a, &kind);
	g_assert_cmpstr(s, ==, "exp:2us");
	g_assert_cmpint(kind, ==, SIM_JSON_STRING);
	g_free(s);
	all_free(&a);
}

static void test_suggest(void)
{
	static const char *const keys[] = { "numjobs", "file", "ops", "think",
					    "len", "offset" };
	unsigned n = G_N_ELEMENTS(keys);

	g_assert_cmpuint(sim_option_distance("numjob", "numjobs"), ==, 1);
	g_assert_cmpuint(sim_option_distance("nmujobs", "numjobs"), ==, 1);
	g_assert_cmpuint(sim_option_distance("NumJobs", "numjobs"), ==, 0);
	g_assert_cmpuint(sim_option_distance("", "abc"), ==, 3);
	g_assert_cmpuint(sim_option_distance("kitten", "sitting"), ==, 3);
	g_assert_cmpstr(sim_option_suggest("numjob", keys, n), ==, "numjobs");
	g_assert_cmpstr(sim_option_suggest("thinc", keys, n), ==, "think");
	g_assert_cmpstr(sim_option_suggest("ofset", keys, n), ==, "offset");
	g_assert_null(sim_option_suggest("zzzzzz", keys, n));
	g_assert_null(sim_option_suggest("x", keys, n));
}

/* ---- tables -------------------------------------------------------------- */

static bool check_one(const struct sim_option *table, size_t size,
		      GError **err)
{
	const struct sim_section_type t = { .name = "t", .options = table,
					    .size = size,
					    .flags = SIM_SECTION_DEFAULT };
	const struct sim_schema s = { .types = &t, .n_types = 1 };

	return sim_schema_check(&s, err);
}

static void test_schema_check(void)
{
	static const struct sim_option bad_def[] = { {
		.name = "n", .type = SIM_OPT_INT, .min = "1", .def = "0",
		.help = "x" }, { NULL } };
	static const struct sim_option bad_offset[] = { {
		.name = "n", .type = SIM_OPT_INT, .offset = 8,
		.help = "x" }, { NULL } };
	static const struct sim_option enum_none[] = { {
		.name = "e", .type = SIM_OPT_ENUM, .help = "x" }, { NULL } };
	static const struct sim_option req_def[] = { {
		.name = "n", .type = SIM_OPT_INT, .def = "1",
		.flags = SIM_OPT_REQUIRED, .help = "x" }, { NULL } };
	static const struct sim_option min_max[] = { {
		.name = "n", .type = SIM_OPT_SIZE, .min = "1M", .max = "4K",
		.help = "x" }, { NULL } };
	static const struct sim_option twice[] = {
		{ .name = "n", .type = SIM_OPT_INT, .help = "x" },
		{ .name = "n", .type = SIM_OPT_BOOL, .help = "x" }, { NULL } };
	static const struct sim_option bad_name[] = { {
		.name = "a.b", .type = SIM_OPT_INT, .help = "x" }, { NULL } };
	static const struct sim_option bad_bound[] = { {
		.name = "n", .type = SIM_OPT_TIME, .max = "10K",
		.help = "x" }, { NULL } };
	static const char *const bad_kinds[] = { "gauss", NULL };
	static const struct sim_option bad_dist[] = { {
		.name = "d", .type = SIM_OPT_DIST, .allowed = bad_kinds,
		.help = "x" }, { NULL } };
	static const struct sim_option good[] = { {
		.name = "n", .type = SIM_OPT_INT, .min = "1", .max = "8",
		.def = "2", .help = "x" }, { NULL } };
	GError *err = NULL;

	g_assert_true(sim_schema_check(&demo_schema, &err));
	g_assert_no_error(err);
	g_assert_true(check_one(good, sizeof(int64_t), NULL));

	g_assert_false(check_one(bad_def, sizeof(int64_t), &err));
	g_assert_error(err, SIM_CFG_ERROR, SIM_CFG_ERROR_SCHEMA);
	g_assert_cmpstr(err->message, ==, "option table: [t] n: default '0': "
			"0 is below the minimum 1");
	g_clear_error(&err);
	g_assert_false(check_one(bad_offset, sizeof(int64_t), NULL));
	g_assert_false(check_one(enum_none, sizeof(int), NULL));
	g_assert_false(check_one(req_def, sizeof(int64_t), NULL));
	g_assert_false(check_one(min_max, sizeof(uint64_t), &err));
	g_assert_cmpstr(err->message, ==, "option table: [t] n: min 1M is "
			"above max 4K");
	g_clear_error(&err);
	g_assert_false(check_one(twice, sizeof(int64_t), NULL));
	g_assert_false(check_one(bad_name, sizeof(int64_t), NULL));
	g_assert_false(check_one(bad_bound, sizeof(sim_time_t), NULL));
	g_assert_false(check_one(bad_dist, sizeof(struct sim_dist), NULL));
}

static void test_defaults_copy(void)
{
	struct demo_job *a = g_malloc0(sizeof(*a)), *b = g_malloc0(sizeof(*b));

	sim_option_fill_defaults(demo_job_opts, a);
	g_assert_cmpint(a->numjobs, ==, 1);
	g_assert_null(a->file);
	g_assert_cmpuint(a->ops.n, ==, 1);
	g_assert_cmpint(a->offset, ==, 0);
	g_assert_cmpint(a->len.kind, ==, SIM_DIST_FIXED);
	g_assert_cmpfloat(a->len.a, ==, 4096);
	g_assert_true(sim_option_parse(sim_option_find(demo_job_opts, "file"),
				       a, "data", NULL));
	memcpy(b, a, sizeof(*a));
	sim_option_copy_values(demo_job_opts, b, a);
	g_assert_true(a->file != b->file);
	g_assert_true(a->ops.names != b->ops.names);
	for (const struct sim_option *o = demo_job_opts; o->name; o++)
		g_assert_true(sim_option_equal(o, a, b));
	sim_option_free_values(demo_job_opts, a);
	g_assert_null(a->file);
	g_assert_cmpstr(b->file, ==, "data");
	sim_option_free_values(demo_job_opts, b);
	g_free(a);
	g_free(b);
}

static void test_help(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	sim_option_print_help(f, &demo_schema);
	fclose(f);
	g_assert_nonnull(strstr(buf, "[global]  run-wide settings\n"));
	g_assert_nonnull(strstr(buf, "[job]"));
	g_assert_nonnull(strstr(buf, "type = file"));
	g_assert_nonnull(strstr(buf, "any other section"));
	g_assert_true(g_regex_match_simple(
		"\n  numjobs +int +1 +1\\.\\.4096 +tasks +tasks running this job\n",
		buf, 0, 0));
	g_assert_true(g_regex_match_simple(
		"\n  size +size +\\(required\\) +4K\\.\\.1T +bytes +file size\n",
		buf, 0, 0));
	g_assert_true(g_regex_match_simple(
		"\n  device +enum +nvme +- +- +device latency profile\n"
		" +one of: nvme ssd hdd ram\n", buf, 0, 0));
	g_assert_true(g_regex_match_simple(
		"\n  think +dist +0 +\\.\\.10s +us +pause between operations\n"
		" +kinds: fixed uniform exp", buf, 0, 0));
	if (g_test_verbose())
		fputs(buf, stdout);
	free(buf);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/option/bool", test_bool);
	g_test_add_func("/option/int", test_int);
	g_test_add_func("/option/size", test_size);
	g_test_add_func("/option/time", test_time);
	g_test_add_func("/option/double", test_double);
	g_test_add_func("/option/string-enum", test_string_enum);
	g_test_add_func("/option/list", test_list);
	g_test_add_func("/option/dist", test_dist);
	g_test_add_func("/option/mix", test_mix);
	g_test_add_func("/option/json", test_json);
	g_test_add_func("/option/suggest", test_suggest);
	g_test_add_func("/option/schema-check", test_schema_check);
	g_test_add_func("/option/defaults-copy", test_defaults_copy);
	g_test_add_func("/option/help", test_help);
	return g_test_run();
}
