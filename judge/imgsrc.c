/* judge/imgsrc.c — what an exported image holds, read from the model (see
 * imgsrc.h), and the .expect / .stamps files beside it. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "judge/imgsrc.h"
#include "judge/stamp.h"
#include "fs/workload/model.h"
#include "fs/block/disk.h"
#include "fs/oracle/oracle.h"
#include "fs/ext4/ext4.h"
#include "fs/ext4/ext4_extents.h"
#include "fs/ext4/mballoc.h"

static struct ext4_sim_disk *disk_of(const struct judge_img_src *src)
{
	return EXT4_SB(ext4_model_sb(src->model))->s_disk;
}

static void ref(GHashTable *h, uint64_t blk)
{
	g_hash_table_add(h, (gpointer)(uintptr_t)(blk + 1));
}

struct walk {
	GHashTable *ref;
	uint64_t blocks, nodes;
};

static void walk_node(void *ctx, ext4_fsblk_t blk, int depth)
{
	struct walk *w = ctx;

	(void)depth;
	ref(w->ref, blk);
	w->nodes++;
}

static void walk_extent(void *ctx, const struct ext4_extent *ex)
{
	struct walk *w = ctx;
	ext4_fsblk_t p = ext4_ext_pblock(ex);
	int n = ext4_ext_get_actual_len(ex);

	for (int i = 0; i < n; i++)
		ref(w->ref, p + (uint64_t)i);
	w->blocks += (uint64_t)n;
}

/* A tree node's bytes as they are on the model's disk: the buffer (the
 * unmount wrote every dirty one home), unless a data write clobbered the
 * block since. */
static bool node_bytes(const struct judge_img_src *src, uint64_t blk,
		       uint8_t *buf)
{
	struct super_block *sb = ext4_model_sb(src->model);
	struct ext4_sim_meta *meta = EXT4_SB(sb)->s_meta;
	const struct ext4_sim_disk *d = disk_of(src);
	const struct ext4_sim_owner *o = ext4_sim_disk_owner(d, blk);

	if (o->clobbered) {
		judge_contents_render(ext4_sim_disk_contents(d, blk), 0,
				      sb->s_blocksize, buf);
		return true;
	}
	{
		const struct buffer_head *bh = blk < meta->nblocks ?
			radix_tree_lookup(&meta->bh, blk) : NULL;

		if (bh && bh->b_data) {
			memcpy(buf, bh->b_data, sb->s_blocksize);
			return true;
		}
	}
	return false;
}

static void src_data_blocks(const struct judge_img_src *src,
			    judge_img_block_fn fn, void *ctx)
{
	const struct ext4_sim_disk *d = disk_of(src);
	unsigned bs = d->blocksize;
	uint8_t *buf = g_malloc(bs);

	for (uint64_t b = 0; b < d->nblocks; b++) {
		const struct ext4_sim_owner *o = ext4_sim_disk_owner(d, b);
		const struct sim_contents *c = ext4_sim_disk_contents(d, b);

		switch (o->kind) {
		case EXT4_SIM_OWN_NODE:
			if (node_bytes(src, b, buf))
				fn(ctx, b, buf);
			break;
		case EXT4_SIM_OWN_DATA:
		case EXT4_SIM_OWN_FREE:
		case EXT4_SIM_OWN_PENDING_FREE:
			if (sim_contents_is_zero(c, 0, bs))
				break;
			judge_contents_render(c, 0, bs, buf);
			fn(ctx, b, buf);
			break;
		default:
			break;   /* FSMETA, JOURNAL: clobbered_meta */
		}
	}
	g_free(buf);
}

static void src_clobbered_meta(const struct judge_img_src *src,
			       judge_img_block_fn fn, void *ctx)
{
	const struct ext4_sim_disk *d = disk_of(src);
	uint8_t *buf = g_malloc(d->blocksize);

	for (uint64_t b = 0; b < d->nblocks; b++) {
		const struct ext4_sim_owner *o = ext4_sim_disk_owner(d, b);

		if ((o->kind == EXT4_SIM_OWN_FSMETA ||
		     o->kind == EXT4_SIM_OWN_JOURNAL) && o->clobbered) {
			judge_contents_render(ext4_sim_disk_contents(d, b), 0,
					      d->blocksize, buf);
			fn(ctx, b, buf);
		}
	}
	g_free(buf);
}

struct judge_img_src *judge_img_src_new(struct ext4_model *m)
{
	struct super_block *sb = ext4_model_sb(m);
	struct ext4_sim_mb *mb = EXT4_SIM_MB(sb);
	struct judge_img_src *src = g_new0(struct judge_img_src, 1);

	src->model = m;
	judge_geom_from_sb(sb, &src->geom);
	src->referenced = g_hash_table_new(g_direct_hash, g_direct_equal);
	src->groups = g_new0(struct judge_img_group, mb->ngroups);
	for (ext4_group_t g = 0; g < mb->ngroups; g++) {
		/* loads the group if nothing touched it (its default layout) */
		const struct ext4_group_info *gi = ext4_sim_mb_group(mb, g);

		src->groups[g] = (struct judge_img_group){
			.block_bitmap = gi->bg_block_bitmap,
			.inode_bitmap = gi->bg_inode_bitmap,
			.inode_table = gi->bg_inode_table,
			.free_blocks = gi->bg_free,
			.bitmap = gi->bitmap_bh->b_data,
		};
	}
	src->nfiles = ext4_model_nfiles(m);
	src->files = g_new0(struct judge_img_file, src->nfiles);
	for (unsigned i = 0; i < src->nfiles; i++) {
		const struct fs_wl_file *wf = ext4_model_file(m, i);
		struct inode *inode = wf->inode;
		struct judge_img_file *f = &src->files[i];
		struct walk w = { .ref = src->referenced };

		f->name = g_strdup(wf->name);
		f->ino = (uint32_t)inode->i_ino;
		/* what a clean unmount leaves on disk: i_disksize (equal to
		 * i_size once every write has been written back) */
		f->size = (uint64_t)EXT4_I(inode)->i_disksize;
		memcpy(f->i_block, EXT4_I(inode)->i_data, sizeof(f->i_block));
		/* the walks stop at a node they cannot read (a clobbered
		 * one): i_blocks then counts what the model could reach,
		 * and e2fsck says what it finds */
		ext4_sim_ext_for_each_node(inode, walk_node, &w);
		ext4_sim_ext_for_each_extent(inode, walk_extent, &w);
		f->i_blocks = (w.blocks + w.nodes) * (sb->s_blocksize >> 9);
	}
	src->data_blocks = src_data_blocks;
	src->clobbered_meta = src_clobbered_meta;
	return src;
}

void judge_img_src_free(struct judge_img_src *src)
{
	if (!src)
		return;
	for (unsigned i = 0; i < src->nfiles; i++)
		g_free(src->files[i].name);
	g_free(src->files);
	g_free(src->groups);
	g_hash_table_destroy(src->referenced);
	g_free(src);
}

/* ---- NAME.expect, NAME.stamps ------------------------------------------------ */

bool judge_img_write_expect(struct ext4_model *m, const char *path,
			    GError **err)
{
	GString *s = g_string_new(
		"# faultline: what the oracle says each byte of each file must read\n"
		"# after the job (docs/judge.md).  OFFSET LENGTH STAMP ORIGIN (hex;\n"
		"# stamp 0: zeros), or OFFSET LENGTH ? where more than one value is legal.\n");
	bool ok;

	for (unsigned i = 0; i < ext4_model_nfiles(m); i++) {
		const struct fs_wl_file *wf = ext4_model_file(m, i);
		struct inode *inode = wf->inode;
		uint64_t size = (uint64_t)EXT4_I(inode)->i_disksize, off = 0;
		/* the run being built */
		uint64_t r_off = 0, r_len = 0, r_stamp = 0, r_origin = 0;
		bool r_known = true;

		g_string_append_printf(s, "file %s ino 0x%lx size 0x%" G_GINT64_MODIFIER "x\n",
				       wf->name, inode->i_ino, size);
		while (off < size) {
			sim_stamp_t st;
			uint32_t origin, run;
			bool known = fs_oracle_expected(inode, off, &st, &origin,
							&run);
			uint64_t n = MIN((uint64_t)MAX(run, 1u), size - off);

			if (!known) {
				st = 0;
				origin = 0;
			}
			if (r_len && known == r_known && st == r_stamp &&
			    (!st || r_origin + r_len == origin)) {
				r_len += n;
			} else {
				if (r_len && r_known)
					g_string_append_printf(s, "0x%" G_GINT64_MODIFIER "x 0x%" G_GINT64_MODIFIER "x 0x%" G_GINT64_MODIFIER "x 0x%" G_GINT64_MODIFIER "x\n",
							       r_off, r_len, r_stamp, r_origin);
				else if (r_len)
					g_string_append_printf(s, "0x%" G_GINT64_MODIFIER "x 0x%" G_GINT64_MODIFIER "x ?\n",
							       r_off, r_len);
				r_off = off;
				r_len = n;
				r_stamp = st;
				r_origin = st ? origin : 0;
				r_known = known;
			}
			off += n;
		}
		if (r_len && r_known)
			g_string_append_printf(s, "0x%" G_GINT64_MODIFIER "x 0x%" G_GINT64_MODIFIER "x 0x%" G_GINT64_MODIFIER "x 0x%" G_GINT64_MODIFIER "x\n",
					       r_off, r_len, r_stamp, r_origin);
		else if (r_len)
			g_string_append_printf(s, "0x%" G_GINT64_MODIFIER "x 0x%" G_GINT64_MODIFIER "x ?\n",
					       r_off, r_len);
	}
	ok = g_file_set_contents(path, s->str, (gssize)s->len, err);
	g_string_free(s, TRUE);
	return ok;
}

bool judge_img_write_stamps(struct ext4_model *m, const char *path,
			    GError **err)
{
	const struct sim_stamp_table *t =
		&EXT4_SB(ext4_model_sb(m))->s_disk->stamps;
	GString *s = g_string_new(
		"# faultline: the writes behind the stamps (docs/judge.md).\n"
		"# STAMP KIND INODE OFFSET LENGTH SEQ TIME_NS\n");
	bool ok;

	for (uint64_t i = 1; i <= t->n; i++) {
		const struct sim_stamp_info *in = sim_stamp_lookup(t, i);

		if (!in)
			continue;
		g_string_append_printf(s, "0x%" G_GINT64_MODIFIER "x %s %" G_GUINT64_FORMAT " 0x%" G_GINT64_MODIFIER "x 0x%x %" G_GUINT64_FORMAT " %" G_GINT64_FORMAT "\n",
				       i, sim_stamp_kind_name(in->kind), in->ino,
				       (uint64_t)in->offset, in->len, in->seq,
				       (gint64)in->time);
	}
	ok = g_file_set_contents(path, s->str, (gssize)s->len, err);
	g_string_free(s, TRUE);
	return ok;
}
