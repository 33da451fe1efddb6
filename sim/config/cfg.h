/* sim/config/cfg.h — workload files: load a .cfg against a schema (sim/config/option.h),
 * apply --set overrides and --sweep specs, dump the resolved config.
 *
 * Files are INI read with GKeyFile after a line-preserving pre-pass that
 * accepts fio habits (';' and '#' comments, also trailing after
 * whitespace; bare boolean flags; spaces around '=').  Every error is a
 * GError whose message is ONE line:
 *
 *	FILE:LINE: [section] key: message
 *
 * (the parts that exist), e.g. "job.cfg:12: [mapper] numjob: unknown key
 * 'numjob' (did you mean 'numjobs'?)".  Overrides read
 * "--set section.key=value: message".
 */
#ifndef SIM_CFG_H
#define SIM_CFG_H

#include <glib.h>

#include "sim/config/option.h"

#define SIM_CFG_ERROR (sim_cfg_error_quark())
GQuark sim_cfg_error_quark(void);

enum sim_cfg_error {
	SIM_CFG_ERROR_OPEN,       /* cannot read the file */
	SIM_CFG_ERROR_SYNTAX,     /* not INI, bad header, NUL, bad UTF-8, ... */
	SIM_CFG_ERROR_SECTION,    /* unknown section (type), no such section */
	SIM_CFG_ERROR_KEY,        /* unknown key */
	SIM_CFG_ERROR_VALUE,      /* wrong type, value not allowed */
	SIM_CFG_ERROR_RANGE,      /* out of range, too large */
	SIM_CFG_ERROR_DUPLICATE,  /* duplicate key or section */
	SIM_CFG_ERROR_MISSING,    /* required key missing */
	SIM_CFG_ERROR_SCHEMA,     /* the option tables themselves are wrong */
	SIM_CFG_ERROR_INVALID,    /* a schema validate() check failed */
};

/* Where a key's value came from (sim_cfg_section.origin[i], i = the
 * option's index in its table): a file line (> 0), the default, --set. */
#define SIM_CFG_ORIGIN_DEFAULT 0
#define SIM_CFG_ORIGIN_SET     (-1)

struct sim_cfg_section {
	char *name;
	const struct sim_section_type *type;
	unsigned type_index;          /* in schema->types */
	int line;                     /* of the [header]; 0 if implicit */
	void *data;                   /* the type's struct, filled */
	int *origin;                  /* per option, see SIM_CFG_ORIGIN_* */
	int type_line;                /* line of TYPE_KEY, 0 if none */
};

struct sim_cfg {
	char *file;                   /* as given (used in messages) */
	const struct sim_schema *schema;
	unsigned n_sections;
	struct sim_cfg_section **sections; /* file order; implicit ones first */
};

/* Loads and validates (per key, required keys, schema->validate). */
struct sim_cfg *sim_cfg_load(const struct sim_schema *schema,
			     const char *path, GError **err);
/* The same from memory; `name` stands for the file in messages. */
struct sim_cfg *sim_cfg_load_data(const struct sim_schema *schema,
				  const char *name, const char *text,
				  size_t len, GError **err);
struct sim_cfg *sim_cfg_copy(const struct sim_cfg *cfg);
void sim_cfg_free(struct sim_cfg *cfg);

struct sim_cfg_section *sim_cfg_lookup(const struct sim_cfg *cfg,
				       const char *name);
/* The filled struct of section `name`, NULL if there is none. */
void *sim_cfg_data(const struct sim_cfg *cfg, const char *name);
/* Was `key` given (in the file or by --set), rather than defaulted? */
bool sim_cfg_is_set(const struct sim_cfg_section *sec, const char *key);

/* Required keys and schema->validate; sim_cfg_load already ran it, call
 * it again after overrides. */
bool sim_cfg_check(struct sim_cfg *cfg, GError **err);

/* --set: "section.key" (split at the last '.') = value.  Same validation as
 * the file; the section must exist (did-you-mean over section names).  On
 * failure cfg is unchanged. */
bool sim_cfg_set(struct sim_cfg *cfg, const char *section_key,
		 const char *value, GError **err);
/* The command-line form "section.key=value". */
bool sim_cfg_set_assignment(struct sim_cfg *cfg, const char *assignment,
			    GError **err);

/* --sweep "section.key=v1,v2,v3" (values separated by ';' instead when the
 * text has one, for values that hold commas).  Every value is applied to a
 * copy of cfg and checked (sim_cfg_check) before the sweep is accepted. */
struct sim_cfg_sweep {
	char *section;
	char *key;
	unsigned n;
	char **values;                /* n values as given, trimmed;
					 NULL-terminated */
};
struct sim_cfg_sweep *sim_cfg_parse_sweep(const struct sim_cfg *cfg,
					  const char *spec, GError **err);
void sim_cfg_sweep_free(struct sim_cfg_sweep *sweep);

/* The resolved config as a job file: every section, every key that has a
 * value (given or defaulted; a key with no default that was never set has
 * none) as "key = value" in canonical units.  Loading it gives identical
 * structs.  g_free() the result. */
char *sim_cfg_dump(const struct sim_cfg *cfg);

/* Every key of one section, in table order (TYPE_KEY first when the
 * section was typed by it; opt is then NULL): name, JSON-friendly text
 * (sim_option_format_json) and its kind — SIM_JSON_NULL with value NULL
 * for a key without a value (a key flagged SIM_OPT_OMIT_UNSET is left
 * out then). */
typedef void (*sim_cfg_pair_fn)(void *user, const struct sim_cfg_section *sec,
				const struct sim_option *opt, const char *key,
				const char *value, enum sim_opt_json kind);
void sim_cfg_section_foreach(const struct sim_cfg *cfg,
			     const struct sim_cfg_section *sec,
			     sim_cfg_pair_fn fn, void *user);

/* Sets *err to "FILE:LINE: [section] key: <fmt>" using where `key` of `sec`
 * came from (or the header line when key is NULL or defaulted; "--set
 * section.key" when overridden) — for schema->validate and later checks.
 * sec NULL: an error about the file as a whole ("FILE: <fmt>"). */
void sim_cfg_error_at(const struct sim_cfg *cfg,
		      const struct sim_cfg_section *sec, const char *key,
		      GError **err, int code, const char *fmt, ...)
	G_GNUC_PRINTF(6, 7);

#endif /* SIM_CFG_H */
