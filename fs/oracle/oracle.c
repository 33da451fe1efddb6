/* fs/oracle/oracle.c — the violation oracle's life cycle, violation kinds
 * and counts, and its results (model-only; docs/design.md).
 *
 * The kernel paths report what they do through the hooks of oracle.h;
 * the oracle's other files each keep one part: the table of files
 * (files.c), the data hooks and operations in flight (ops.c), the shadow
 * contents (shadow.c), the reverse block index (blockmap.c), engine and
 * fsck findings (findings.c), the visible contents and lost writes
 * (visible.c), explanations (explain.c, explain_kinds.c).
 *
 * Everything runs inside one world (single-threaded) and allocates only
 * when a table grows (amortised), never per event.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs/block/disk.h"
#include "fs/ext4/ext4.h"
#include "fs/oracle/fsck.h"
#include "fs/mm.h"
#include "fs/oracle/internal.h"

static const char *const kind_names[FS_ORACLE_NR_KINDS] = {
	[FS_ORACLE_STALE_MAPPING] = "stale_mapping",
	[FS_ORACLE_FOREIGN_WRITE] = "foreign_write",
	[FS_ORACLE_STALE_READ] = "stale_read",
	[FS_ORACLE_LOST_WRITE] = "lost_write",
	[FS_ORACLE_DEADLOCK] = "deadlock",
	[FS_ORACLE_LOCK_ORDER] = "lock_order",
	[FS_ORACLE_FSCK] = "fsck",
};

static const char *const remove_names[] = {
	[FS_ORACLE_PUNCH] = "punch_hole",
	[FS_ORACLE_ZERO] = "zero_range",
	[FS_ORACLE_COLLAPSE] = "collapse_range",
	[FS_ORACLE_INSERT] = "insert_range",
	[FS_ORACLE_TRUNCATE] = "truncate",
	[FS_ORACLE_FALLOCATE] = "fallocate",
};

const char *fs_oracle_kind_name(enum fs_oracle_kind k)
{
	return (unsigned)k < FS_ORACLE_NR_KINDS ? kind_names[k] : "?";
}

int fs_oracle_kind_from_name(const char *name)
{
	for (int k = 0; k < FS_ORACLE_NR_KINDS; k++)
		if (strcmp(name, kind_names[k]) == 0)
			return k;
	return -1;
}

/* ---- life cycle ------------------------------------------------------------ */

struct fs_oracle *fs_oracle_new(struct sim_world *w, struct super_block *sb)
{
	struct fs_oracle *o = g_new0(struct fs_oracle, 1);

	o->w = w;
	o->sb = sb;
	o->cfg = g_strdup("FILE.cfg");
	o->explain_max = 1;
	for (int k = 0; k < FS_ORACLE_NR_KINDS; k++) {
		o->explain[k] = g_ptr_array_new_with_free_func(g_free);
		o->first_time[k] = -1;
	}
	oracle_map_index_init(&o->map);
	if (sb)
		sb->s_oracle = o;
	if (w)
		sim_world_set_finding_hook(w, fs_oracle_finding, o);
	return o;
}

void fs_oracle_free(struct fs_oracle *o)
{
	if (!o)
		return;
	if (o->sb && o->sb->s_oracle == o)
		o->sb->s_oracle = NULL;
	if (o->w)
		sim_world_set_finding_hook(o->w, NULL, NULL);
	for (unsigned i = 0; i < o->nfiles; i++) {
		oracle_shadow_destroy(&o->files[i]->shadow);
		g_free(o->files[i]);
	}
	g_free(o->files);
	for (int k = 0; k < FS_ORACLE_NR_KINDS; k++)
		g_ptr_array_free(o->explain[k], TRUE);
	g_free(o->ops);
	g_free(o->reads);
	oracle_map_index_destroy(&o->map);
	if (o->fsck_seen)
		g_hash_table_destroy(o->fsck_seen);
	g_free(o->index_drift_first);
	g_free(o->snaps);
	g_free(o->cfg);
	g_free(o);
}

void fs_oracle_set_config_name(struct fs_oracle *o, const char *cfg)
{
	g_free(o->cfg);
	o->cfg = g_strdup(cfg ? cfg : "FILE.cfg");
}

void fs_oracle_set_paranoid(struct fs_oracle *o, bool on)
{
	o->paranoid = on;
}

void fs_oracle_set_explain_max(struct fs_oracle *o, unsigned n)
{
	o->explain_max = n;
}

struct fs_oracle *fs_oracle_of(struct super_block *sb)
{
	return sb ? sb->s_oracle : NULL;
}



uint32_t oracle_task_now(void)
{
	struct sim_task *t = sim_current_task();

	return t ? sim_task_id(t) + 1 : 0;
}

bool oracle_count(struct fs_oracle *o, enum fs_oracle_kind k)
{
	/* detection time, not the time of the fault that caused it: that is
	 * what the explanation's steps show */
	if (!o->count[k]++)
		o->first_time[k] = oracle_now(o);
	return o->explain[k]->len < o->explain_max;
}

/* ---- results -------------------------------------------------------------------------- */

uint64_t fs_oracle_count(const struct fs_oracle *o, enum fs_oracle_kind k)
{
	return o && (unsigned)k < FS_ORACLE_NR_KINDS ? o->count[k] : 0;
}

sim_time_t fs_oracle_first_time(const struct fs_oracle *o,
				enum fs_oracle_kind k)
{
	return o && (unsigned)k < FS_ORACLE_NR_KINDS ? o->first_time[k] : -1;
}

uint64_t fs_oracle_total(const struct fs_oracle *o)
{
	uint64_t n = 0;

	for (int k = 0; o && k < FS_ORACLE_NR_KINDS; k++)
		n += o->count[k];
	return n;
}

unsigned fs_oracle_explained(const struct fs_oracle *o, enum fs_oracle_kind k)
{
	return o && (unsigned)k < FS_ORACLE_NR_KINDS ? o->explain[k]->len : 0;
}

const char *fs_oracle_explanation(const struct fs_oracle *o,
				  enum fs_oracle_kind k, unsigned i)
{
	if (!o || (unsigned)k >= FS_ORACLE_NR_KINDS || i >= o->explain[k]->len)
		return NULL;
	return g_ptr_array_index(o->explain[k], i);
}

uint64_t fs_oracle_index_drift(const struct fs_oracle *o, const char **first)
{
	if (first)
		*first = o ? o->index_drift_first : NULL;
	return o ? o->index_drift + o->index_stale : 0;
}

void fs_oracle_summary(const struct fs_oracle *o, FILE *out)
{
	for (int k = 0; o && k < FS_ORACLE_NR_KINDS; k++)
		if (o->count[k])
			fprintf(out, "%s: %" PRIu64 "\n", kind_names[k],
				o->count[k]);
}

const char *oracle_remove_name(int kind)
{
	return kind >= 0 && kind <= FS_ORACLE_FALLOCATE ? remove_names[kind]
							: "write";
}
