/* fs/oracle/findings.c — findings from outside the data hooks
 * (model-only): the engine's deadlock and lock-order reports
 * (fs_oracle_finding), the model's fsck of the ext4 structures and its
 * audit of the reverse index (fs_oracle_fsck), run when the world is
 * oracle_quiescent.
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

/* ---- engine findings, fsck ----------------------------------------------------------- */

void fs_oracle_finding(void *ctx, struct sim_world *w, const char *kind,
		       const char *report)
{
	struct fs_oracle *o = ctx;
	int k = fs_oracle_kind_from_name(kind);
	GString *s;

	(void)w;
	if (k != FS_ORACLE_DEADLOCK && k != FS_ORACLE_LOCK_ORDER)
		return;
	if (!oracle_count(o, (enum fs_oracle_kind)k))
		return;
	/* The engine's report already lists every involved task with its
	 * wait point and held locks; add the replay line. */
	s = g_string_new(NULL);
	g_string_append_printf(s, "%s: %s: replay with sim/sim --replay %s %s\n",
			       kind, o->w ? sim_world_label(o->w) : "seed 0 job 0",
			       o->w ? sim_world_replay_key(o->w) : "0:0", o->cfg);
	g_string_append(s, report ? report : "");
	if (s->len && s->str[s->len - 1] != '\n')
		g_string_append_c(s, '\n');
	/* the headline: the engine's report's first line */
	oracle_rec_headline(o, (enum fs_oracle_kind)k, report ? report : s->str);
	g_ptr_array_add(o->explain[k], g_string_free(s, FALSE));
}

struct fsck_ctx {
	struct fs_oracle *o;
	unsigned found;
};

/* Each distinct problem counts once per job: with --paranoid the same
 * broken invariant is seen after every later operation. */
static void fsck_report(void *ctx, const char *check, bool soft,
			const char *msg)
{
	struct fsck_ctx *fc = ctx;
	struct fs_oracle *o = fc->o;
	char head[640];

	snprintf(head, sizeof(head), "fsck: %s%s: %s", check,
		 soft ? " (soft)" : "", msg);
	if (!o->fsck_seen)
		o->fsck_seen = g_hash_table_new_full(g_str_hash, g_str_equal,
						     g_free, NULL);
	if (g_hash_table_contains(o->fsck_seen, head))
		return;
	g_hash_table_add(o->fsck_seen, g_strdup(head));
	fc->found++;
	if (oracle_count(o, FS_ORACLE_FSCK))
		oracle_explain(o, FS_ORACLE_FSCK, head, NULL, NULL, 0);
}

/* Index drift is the oracle's own bookkeeping (a hook missing or placed
 * twice in the kernel paths), not a broken model invariant: kept apart
 * from the fsck count so that it cannot inflate the violations. */
static void audit_report(void *ctx, const char *msg)
{
	struct fsck_ctx *fc = ctx;
	struct fs_oracle *o = fc->o;

	o->index_drift++;
	if (!o->index_drift_first)
		o->index_drift_first = g_strdup(msg);
}

bool oracle_quiescent(const struct fs_oracle *o)
{
	for (unsigned i = 0; i < o->nfiles; i++)
		if (o->files[i]->inflight)
			return false;
	return true;
}

unsigned oracle_fsck_flags(struct fs_oracle *o, unsigned flags)
{
	struct inode **inodes;
	struct fsck_ctx fc = { .o = o };

	if (!o || !o->sb || o->in_fsck)
		return 0;
	o->in_fsck = true;
	inodes = g_new(struct inode *, o->nfiles + 1);
	for (unsigned i = 0; i < o->nfiles; i++)
		inodes[i] = o->files[i]->inode;
	ext4_sim_fsck(o->sb, inodes, o->nfiles, flags, fsck_report, &fc);
	if (o->map_hooked && (flags & EXT4_SIM_FSCK_QUIESCENT))
		oracle_index_audit(o, audit_report, &fc);
	g_free(inodes);
	o->fsck_runs++;
	o->in_fsck = false;
	return fc.found;
}

unsigned fs_oracle_fsck(struct fs_oracle *o)
{
	/* between operations of a running world: only the checks that hold
	 * at every step (fs/oracle/fsck.h) */
	return oracle_fsck_flags(o, 0);
}
