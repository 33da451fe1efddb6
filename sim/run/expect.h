/* sim/run/expect.h — expectations on a run's violations, in the grammar of the
 * regression scenarios' `expect` lines (workloads/regress/ files): the
 * command line's --expect, --check's scenario headers and
 * tests/fs/test-regress all read them here.  Model-neutral: kinds are the
 * model's names.
 *
 *   STRATEGY: TERM...
 *     none           no violation of any kind in any replica
 *     any            run and report, no check
 *     K1|K2...>N     the named kinds summed over all replicas exceed N
 *     K1|K2...=N     ... equal N
 *     K~TEXT>N       violations of kind K whose headline (the first line of
 *     K~"TEXT">N     their explanation) contains TEXT, summed over all
 *                    replicas, exceed N (or =N); quote TEXT with blanks.
 *                    Needs every violation explained (the runner's
 *                    explain_all).
 *
 * A scenario file's header (';' or '#' comment lines anywhere):
 *   expect STRATEGY: TERM...
 *   known: TEXT    the scenario fails today for a reason outside it (an
 *                  open bug, named in TEXT); continues on the following
 *                  comment lines up to an empty one or the next directive.
 *
 * Worked example: "lockless: stale_mapping|foreign_write>0 fsck=0" holds
 * when lockless's replicas had at least one stale_mapping or
 * foreign_write between them and no fsck finding.
 */
#ifndef SIM_EXPECT_H
#define SIM_EXPECT_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

struct sim_expect_term {
	char **kinds;               /* NULL-terminated: summed */
	char *match;                /* K~TEXT: one kind, headline contains it */
	char op;                    /* '>' or '=' */
	uint64_t n;
};

struct sim_expect {
	char *strategy;
	bool none, any;
	unsigned nterms;
	struct sim_expect_term *terms;
	char *text;                 /* "STRATEGY: TERM..." as written */
	int line;                   /* in its file; 0: the command line */
};

/* Parses "STRATEGY: TERM...".  kinds (NULL-terminated, may be NULL: no
 * check) are the names a term may use.  Errors name `where` ("--expect",
 * "FILE:LINE"). */
struct sim_expect *sim_expect_parse(const char *text,
				    const char *const *kinds,
				    const char *where, GError **err);
void sim_expect_free(struct sim_expect *e);
/* Some term matches headlines (K~TEXT). */
bool sim_expect_needs_headlines(const struct sim_expect *e);

/* What an expectation is judged on, from the caller. */
struct sim_expect_figures {
	/* violations of kind summed over the strategy's replicas */
	uint64_t (*count)(void *ctx, const char *kind);
	/* ... of kind whose headline contains text */
	uint64_t (*matched)(void *ctx, const char *kind, const char *text);
	/* every kind the run knows, NULL-terminated (for "none") */
	const char *const *kinds;
	void *ctx;
};

/* True if e holds; else *why (g_free) says which term failed and what
 * was found: "expected none, got stale_read 16", "term 2
 * (stale_mapping>0): got 0". */
bool sim_expect_check(const struct sim_expect *e,
		      const struct sim_expect_figures *f, char **why);

/* A scenario file's header. */
struct sim_expect_file {
	GPtrArray *expects;         /* struct sim_expect * (owned) */
	char *known;                /* NULL: none */
};

/* Reads path's expect and known: lines (text may be NULL: read the file).
 * false with *err naming path:line for a malformed line. */
bool sim_expect_file_load(struct sim_expect_file *ef, const char *path,
			  const char *text, const char *const *kinds,
			  GError **err);
void sim_expect_file_clear(struct sim_expect_file *ef);

#endif /* SIM_EXPECT_H */
