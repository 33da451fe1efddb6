/* judge/kmodel.c — kcheck's model side (see kmodel.h). */
#include "config.h"

#include <string.h>

#include <glib.h>

#include "judge/kmodel.h"
#include "judge/stamp.h"
#include "fs/workload/model.h"
#include "fs/ext4/ext4.h"
#include "fs/ext4/ext4_extents.h"
#include "fs/ext4/ext4_map.h"
#include "fs/ext4/file.h"

/* The replay in progress. */
struct kc_run {
	struct kc_model *km;
	struct sim_world *w;
	struct inode *inode;
};

/* Put rendered bytes of src[soff, soff + len) at file offset pos of a
 * buffer that starts at *base (set by the first call). */
static void put_bytes(GByteArray **a, uint64_t *base, uint64_t pos,
		      const struct sim_contents *src, uint32_t soff,
		      uint32_t len)
{
	uint64_t at;

	if (!*a) {
		*a = g_byte_array_new();
		*base = pos;
	}
	SIM_BUG_ON(pos < *base);
	at = pos - *base;
	if ((*a)->len < at + len)
		g_byte_array_set_size(*a, (guint)(at + len));
	judge_contents_render(src, soff, len, (*a)->data + at);
}

static void obs_data(void *ctx, unsigned op, loff_t pos,
		     const struct sim_contents *src, uint32_t soff,
		     uint32_t len)
{
	struct kc_run *run = ctx;
	struct kc_op *o = &run->km->ops[op];

	if ((uint64_t)pos >= (uint64_t)i_size_read(run->inode))
		put_bytes(&o->tail, &o->tail_off, (uint64_t)pos, src, soff, len);
	else
		put_bytes(&o->data, &o->data_off, (uint64_t)pos, src, soff, len);
}

static void obs_op_end(void *ctx, unsigned op, const struct fsx_step *st,
		       sim_stamp_t stamp)
{
	struct kc_run *run = ctx;
	struct kc_op *o = &run->km->ops[op];

	o->st = *st;
	o->done = true;
	o->stamp = stamp;
	o->size_after = (uint64_t)i_size_read(run->inode);
}

static void end_sink(void *ctx, loff_t pos, const struct sim_contents *src,
		     uint32_t soff, uint32_t len)
{
	struct kc_model *km = ctx;
	uint64_t base = 0;

	put_bytes(&km->end.bytes, &base, (uint64_t)pos, src, soff, len);
}

static void map_extent(void *ctx, const struct ext4_extent *ex)
{
	struct kc_end *end = ctx;
	GByteArray *map = end->map;
	uint32_t lb = le32_to_cpu(ex->ee_block);
	uint32_t n = (uint32_t)ext4_ext_get_actual_len(ex);

	g_string_append_printf(end->extents, "%s%u+%u@%llu%s",
			       end->extents->len ? " " : "", lb, n,
			       (unsigned long long)ext4_ext_pblock(ex),
			       ext4_ext_is_unwritten(ex) ? "u" : "");
	if (map->len < lb + n) {
		guint old = map->len;

		g_byte_array_set_size(map, lb + n);
		memset(map->data + old, 'h', map->len - old);
	}
	memset(map->data + lb, ext4_ext_is_unwritten(ex) ? 'u' : 'w', n);
}

/* In the replaying task, after the last op: what FIEMAP_FLAG_SYNC and a
 * read of the whole file see on the kernel side. */
static void obs_end(void *ctx, struct fs_wl_task *t)
{
	struct kc_run *run = ctx;
	struct kc_model *km = run->km;
	struct inode *inode = run->inode;
	struct ext4_sim_ext_census census = { 0 };
	char why[256];
	loff_t pos = 0;

	ext4_sim_sys_fsync(t->file, 0, LLONG_MAX, false);
	km->end.size = (uint64_t)i_size_read(inode);
	km->end.bytes = g_byte_array_new();
	if (km->end.size)
		ext4_sim_read(t->file, &pos, km->end.size, end_sink, km);
	g_byte_array_set_size(km->end.bytes, (guint)km->end.size);
	km->end.map = g_byte_array_new();
	km->end.extents = g_string_new(NULL);
	ext4_sim_ext_for_each_extent(inode, map_extent, &km->end);
	if (ext4_sim_ext_check_tree(inode, 0, &census, why, sizeof(why)) == 0) {
		km->end.st_blocks = (census.blocks + census.nodes) *
				    (inode->i_sb->s_blocksize >> 9);
		km->end.extents_n = census.extents;
		km->end.node_blocks = census.nodes;
		g_string_append_printf(km->end.extents, " (depth %u, %lu node blocks)",
				       census.depth, census.nodes);
	} else {
		g_string_append_printf(km->end.extents, " (tree: %s)", why);
	}
	km->finished = true;
	sim_world_request_stop(run->w);
}

static const struct fs_wl_fsx_observer kc_observer_proto = {
	.data = obs_data,
	.op_end = obs_op_end,
	.end = obs_end,
};

static struct sim_cfg *kc_config(const struct kc_model_opts *o, const char *log,
				 GError **err)
{
	char *text = g_strdup_printf(
		"[global]\nstrategies = %s\nreplicas = 1\nduration = 3600s\n"
		"[kcheck]\ntype = file\nsize = %" G_GUINT64_FORMAT "\n"
		"layout = empty\n"
		"[fsx]\nfile = kcheck\nops_file = %s\nthink = fixed:1us\n",
		o->strategy ? o->strategy : "invalidate_lock", o->maxlen,
		log ? log : "/dev/null");
	struct sim_cfg *cfg = sim_cfg_load_data(&fs_schema, "kcheck", text,
						strlen(text), err);

	g_free(text);
	if (!cfg)
		return NULL;
	for (gchar **s = o->set; s && *s; s++)
		if (!sim_cfg_set_assignment(cfg, *s, err))
			goto bad;
	if (!sim_cfg_check(cfg, err))
		goto bad;
	return cfg;
bad:
	sim_cfg_free(cfg);
	return NULL;
}

void kc_model_free(struct kc_model *km)
{
	for (unsigned i = 0; i < km->n; i++)
		kc_op_free(&km->ops[i]);
	g_free(km->ops);
	kc_end_free(&km->end);
	g_free(km->fsx_first);
	g_free(km->violations);
	g_free(km->violation_first);
	memset(km, 0, sizeof(*km));
}

bool kc_model_geom(const struct kc_model_opts *o, struct judge_geom *g,
		   GError **err)
{
	struct sim_cfg *cfg = kc_config(o, NULL, err);
	struct sim_world_params wp = { .seed = 1 };
	struct sim_job_id id = { .seed = 1 };
	struct sim_world *w;
	struct ext4_model *m;

	if (!cfg)
		return false;
	w = sim_world_new(&wp);
	m = ext4_model_create(w, cfg, o->strategy ? o->strategy :
			      "invalidate_lock", &id, EXT4_MODEL_NO_TASKS, err);
	if (m)
		judge_geom_from_sb(ext4_model_sb(m), g);
	ext4_model_destroy(m);
	sim_world_free(w);
	sim_cfg_free(cfg);
	return m != NULL;
}

bool kc_model_run(const struct kc_model_opts *o, const char *log, unsigned n,
		  struct kc_model *km, GError **err)
{
	struct sim_cfg *cfg = kc_config(o, log, err);
	struct sim_world_params wp = { .seed = 1 };
	struct sim_job_id id = { .seed = 1 };
	struct fs_wl_fsx_observer obs = kc_observer_proto;
	struct kc_run run = { .km = km };
	struct ext4_model *m = NULL;
	struct fs_oracle *orc;
	GString *v;
	bool ok = false;

	memset(km, 0, sizeof(*km));
	if (!cfg)
		return false;
	km->n = n;
	km->ops = g_new0(struct kc_op, n);
	run.w = sim_world_new(&wp);
	m = ext4_model_create(run.w, cfg, o->strategy ? o->strategy :
			      "invalidate_lock", &id, 0, err);
	if (!m)
		goto out;
	run.inode = ext4_model_file(m, 0)->inode;
	obs.ctx = &run;
	ext4_model_job(m, 0)->fsx_obs = &obs;
	/* the world never idles (kjournald2, the flusher): obs_end stops it */
	sim_world_run(run.w, sim_world_now(run.w) + 3000 * SIM_SEC);
	orc = ext4_model_oracle(m);
	fs_oracle_finish(orc);
	km->fsx_mismatches = ext4_model_stats(m)->fsx_mismatches;
	km->fsx_first = g_strdup(ext4_model_stats(m)->fsx_first);
	v = g_string_new(NULL);
	for (unsigned k = 0; k < FS_ORACLE_NR_KINDS; k++) {
		uint64_t c = fs_oracle_count(orc, k);

		/* lockdep's reports of the i_data_sem designs' orders are
		 * about the design, not the data (FIDELITY 3.4) */
		if (!c || k == FS_ORACLE_LOCK_ORDER)
			continue;
		g_string_append_printf(v, "%s%s %" G_GUINT64_FORMAT,
				       v->len ? ", " : "",
				       fs_oracle_kind_name(k), c);
		if (!km->violation_first && fs_oracle_explanation(orc, k, 0))
			km->violation_first =
				g_strdup(fs_oracle_explanation(orc, k, 0));
	}
	km->violations = v->len ? g_string_free(v, FALSE) :
				  (g_string_free(v, TRUE), NULL);
	ok = true;
out:
	if (m) {
		ext4_model_job(m, 0)->fsx_obs = NULL;
		ext4_model_destroy(m);
	}
	sim_world_free(run.w);
	sim_cfg_free(cfg);
	return ok;
}
