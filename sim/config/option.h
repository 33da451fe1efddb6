/* sim/config/option.h — the option-table machinery (fio's shape): one table per
 * section type defines every key — type, unit, range, default, allowed
 * values, help — and drives parsing, validation, --set overrides, the
 * resolved-config dump and --help-config.  The tables themselves live with
 * their owners (fs/workload/options.c for the model's sections); sim/ knows nothing of
 * what the keys mean.  Implemented in option.c (values) and cfg.c (files).
 *
 * A table is an array of struct sim_option ended by an entry whose name is
 * NULL; each entry stores its value at `offset` in the section's struct:
 *
 *	struct job_opts { int64_t numjobs; struct sim_dist think; ... };
 *	static const struct sim_option job_table[] = {
 *		{ .name = "numjobs", .type = SIM_OPT_INT,
 *		  .offset = offsetof(struct job_opts, numjobs),
 *		  .min = "1", .max = "4096", .def = "1",
 *		  .label = "tasks", .help = "tasks running this job" },
 *		{ .name = "think", .type = SIM_OPT_DIST, .unit = SIM_UNIT_US,
 *		  .offset = offsetof(struct job_opts, think), .def = "0",
 *		  .help = "pause between operations" },
 *		{ NULL }
 *	};
 *
 * Bounds and defaults are text in the option's own units ("4K", "10us"), so
 * a table reads like a job file and --help-config prints them verbatim.
 */
#ifndef SIM_OPTION_H
#define SIM_OPTION_H

#include <stdio.h>

#include "sim/engine/types.h"
#include "sim/engine/rng.h"

/* Same typedef as <glib.h> (a repeated identical typedef is valid C11), so
 * sim/engine/sim.h does not pull all of GLib into every fs/ file. */
typedef struct _GError GError;

enum sim_opt_type {
	SIM_OPT_BOOL,   /* bool: 1/0 true/false yes/no on/off; a bare key = 1 */
	SIM_OPT_INT,    /* int64_t */
	SIM_OPT_SIZE,   /* uint64_t bytes; K M G T P (1024 powers), KiB/KB/k forms */
	SIM_OPT_TIME,   /* sim_time_t ns; ns us ms s; a bare number is in .unit */
	SIM_OPT_DOUBLE, /* double (finite) */
	SIM_OPT_STRING, /* char * (owned) */
	SIM_OPT_ENUM,   /* int: index into .allowed; -1 when unset */
	SIM_OPT_LIST,   /* char ** NULL-terminated (owned); items from .allowed
			   if given, then without duplicates */
	SIM_OPT_DIST,   /* struct sim_dist; numbers in .unit's kind; .allowed
			   may restrict the distribution kinds */
	SIM_OPT_MIX,    /* struct sim_mix; names from .allowed if given */
};

/* The unit of a TIME option's bare numbers and of DIST parameters. */
enum sim_opt_unit {
	SIM_UNIT_NONE,  /* dimensionless (TIME: same as SIM_UNIT_NS) */
	SIM_UNIT_BYTES, /* DIST: size-like parameters (4K, 1M) */
	SIM_UNIT_NS,
	SIM_UNIT_US,
	SIM_UNIT_MS,
	SIM_UNIT_S,
};

/* sim_option.flags */
#define SIM_OPT_REQUIRED (1u << 0)  /* no default: the key must be given */
/* Without a value (unset, no default), the key is left out of the
 * resolved-config pairs (sim_cfg_section_foreach: results.json's config)
 * instead of shown as null: a key added for a new feature leaves the
 * results of files that do not use it as they were. */
#define SIM_OPT_OMIT_UNSET (1u << 1)

struct sim_option {
	const char *name;             /* [A-Za-z0-9_-]+; NULL ends a table */
	enum sim_opt_type type;
	size_t offset;                /* of the value in the section's struct */
	const char *min, *max;        /* bounds, text in the option's units;
					 NULL = unbounded (DIST: apply to the
					 location parameters) */
	const char *def;              /* default, as text; NULL = none */
	unsigned flags;               /* SIM_OPT_* */
	const char *const *allowed;   /* ENUM/LIST/MIX names, DIST kinds;
					 NULL-terminated */
	enum sim_opt_unit unit;       /* TIME, DIST */
	const char *label;            /* unit shown by --help-config ("tasks") */
	const char *help;             /* one line */
};

/* A weighted mix of named items: "mmap_read:60, mmap_write:40".  A name
 * without ":weight" weighs 1.  Weights are > 0, not normalised. */
struct sim_mix {
	unsigned n;                   /* <= SIM_CHOICE_MAX (sim/engine/rng.h) */
	char **names;                 /* n names, owned */
	double *weights;              /* n weights */
	int *index;                   /* n indices into .allowed (-1 if none) */
};

/* ---- schemas: section types ------------------------------------------- */

/* sim_section_type.flags */
#define SIM_SECTION_IMPLICIT (1u << 0) /* created with defaults if absent
					  (needs .names) */
#define SIM_SECTION_TYPED    (1u << 1) /* selected by "TYPE_KEY = <name>" */
#define SIM_SECTION_DEFAULT  (1u << 2) /* any section not otherwise typed */

struct sim_section_type {
	const char *name;             /* "global", "file", "job" */
	const char *help;
	const struct sim_option *options;
	size_t size;                  /* of the struct the table fills */
	unsigned flags;               /* SIM_SECTION_* */
	const char *const *names;     /* section names that select this type */
	void (*init)(void *data);     /* optional: non-option fields; runs on
					 the zeroed struct before defaults */
};

struct sim_cfg;

struct sim_schema {
	const struct sim_section_type *types;
	unsigned n_types;
	const char *type_key;         /* "type"; NULL = sections are typed by
					 name or default only */
	/* Which type is section `name` (type_value: its TYPE_KEY value or
	 * NULL)?  Returns an index into types, or -1.  NULL means
	 * sim_schema_classify. */
	int (*classify)(const struct sim_schema *schema, const char *name,
			const char *type_value);
	/* Optional cross-key checks after a load (and by sim_cfg_check);
	 * report with sim_cfg_error_at() so errors carry file:line. */
	bool (*validate)(struct sim_cfg *cfg, GError **err);
	/* Optional: keys other tools use for ours, in pairs ("runtime",
	 * "duration", ..., NULL) with the tool's name: an unknown key that
	 * is one of them gets "did you mean" our key. */
	const char *const *aliases;
	const char *aliases_from;     /* "fio" */
};

/* The default classifier: a section named in some type's .names has that
 * type; else a TYPE_KEY value naming a SIM_SECTION_TYPED type selects it;
 * else, without TYPE_KEY, the SIM_SECTION_DEFAULT type. */
int sim_schema_classify(const struct sim_schema *schema, const char *name,
			const char *type_value);

/* Checks the tables themselves (names, offsets, defaults and bounds parse,
 * ...).  A failure is a programming error in the table. */
bool sim_schema_check(const struct sim_schema *schema, GError **err);

/* ---- one option's value ----------------------------------------------- */

#define sim_option_ptr(opt, data) ((void *)((char *)(data) + (opt)->offset))

const struct sim_option *sim_option_find(const struct sim_option *table,
					 const char *name);
unsigned sim_option_count(const struct sim_option *table);

/* Parses `text` into the option's slot in `data` (the old value is freed
 * only on success).  The error message carries no location: callers
 * prefix it (cfg.c: "FILE:LINE: [section] key: ").  Codes are
 * SIM_CFG_ERROR_VALUE and SIM_CFG_ERROR_RANGE (sim/config/cfg.h). */
bool sim_option_parse(const struct sim_option *opt, void *data,
		      const char *text, GError **err);

/* Canonical text: exact, with the largest unit that represents the value
 * exactly ("64M", "200ms", "exp:2us", "a:60, b:40"); parses back to the
 * identical value.  NULL for an unset value without a default (a NULL
 * string or list, an ENUM of -1).  g_free() the result. */
char *sim_option_format(const struct sim_option *opt, const void *data);

/* JSON-friendly text: numbers in base units (bytes, ns), booleans as
 * true/false, everything else the canonical text as a string. */
enum sim_opt_json {
	SIM_JSON_NULL,
	SIM_JSON_BOOL,
	SIM_JSON_NUMBER,
	SIM_JSON_STRING,
};
char *sim_option_format_json(const struct sim_option *opt, const void *data,
			     enum sim_opt_json *kind);

bool sim_option_equal(const struct sim_option *opt, const void *a,
		      const void *b);

/* Whole tables over one struct. */
void sim_option_fill_defaults(const struct sim_option *table, void *data);
void sim_option_copy_values(const struct sim_option *table, void *dst,
			    const void *src);
void sim_option_free_values(const struct sim_option *table, void *data);

/* Scalar parsers shared with the command line.  `bare` is the unit of a
 * number without suffix. */
bool sim_option_parse_size(const char *text, uint64_t *bytes, GError **err);
bool sim_option_parse_time(const char *text, enum sim_opt_unit bare,
			   sim_time_t *ns, GError **err);

/* Damerau (optimal string alignment) distance, case-insensitive, and the
 * closest of n candidates within distance 2 (NULL if none). */
unsigned sim_option_distance(const char *a, const char *b);
const char *sim_option_suggest(const char *word, const char *const *cand,
			       unsigned n);

/* --help-config: one table per section type — key, type, default,
 * range/allowed, unit, help. */
void sim_option_print_help(FILE *out, const struct sim_schema *schema);

const char *sim_option_type_name(enum sim_opt_type type);

/* Helpers shared by option.c, option-schema.c and cfg.c. */
size_t sim_option_slot_size(enum sim_opt_type type);
size_t sim_option_slot_align(enum sim_opt_type type);
bool sim_option_dist_kind_valid(const char *name);
/* `s` made safe for a one-line message: control bytes shown as '?', cut
 * after 60 bytes, optionally in single quotes.  g_free() the result. */
char *sim_option_quote(const char *s, bool quotes);

#endif /* SIM_OPTION_H */
