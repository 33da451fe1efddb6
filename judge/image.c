/* judge/image.c — an ext4 image of a model's disk through libext2fs (see
 * image.h).  Model-only; the library does what mke2fs and debugfs do. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <et/com_err.h>
#include <ext2fs/ext2fs.h>

#include "judge/image.h"

/* Timestamps on the image: fixed, so an image is a function of the job
 * (2026-01-01 00:00:00 UTC). */
#define JUDGE_IMAGE_TIME 1767225600u

G_GNUC_PRINTF(3, 4)
static bool fail(GError **err, errcode_t e, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_FAILED, "%s%s%s", msg,
		    e ? ": " : "", e ? error_message(e) : "");
	g_free(msg);
	return false;
}

static void judge_error_table_init(void)
{
	static gsize once;

	if (g_once_init_enter(&once)) {
		initialize_ext2_error_table();
		g_once_init_leave(&once, 1);
	}
}

static uint64_t group_first(const struct judge_geom *g, unsigned grp)
{
	return g->first_data_block + (uint64_t)grp * g->blocks_per_group;
}

struct raw_ctx {
	ext2_filsys fs;
	errcode_t err;
	uint64_t n;
};

static void raw_write(void *ctx, uint64_t blk, const uint8_t *buf)
{
	struct raw_ctx *rc = ctx;
	errcode_t e;

	if (rc->err)
		return;
	e = io_channel_write_blk64(rc->fs->io, blk, 1, buf);
	if (e)
		rc->err = e;
	rc->n++;
}

struct post_ctx {
	int fd;
	unsigned bs;
	int err;
	uint64_t n;
};

static void post_write(void *ctx, uint64_t blk, const uint8_t *buf)
{
	struct post_ctx *pc = ctx;

	if (pc->err)
		return;
	if (pwrite(pc->fd, buf, pc->bs, (off_t)(blk * pc->bs)) != (ssize_t)pc->bs)
		pc->err = errno ? errno : EIO;
	pc->n++;
}

/* The layout libext2fs chose is the model's, block for block. */
static bool check_layout(ext2_filsys fs, const struct judge_img_src *src,
			 GError **err)
{
	const struct judge_geom *g = &src->geom;

	if (fs->group_desc_count != g->groups ||
	    fs->super->s_inodes_per_group != g->inodes_per_group ||
	    ext2fs_blocks_count(fs->super) != g->blocks)
		return fail(err, 0, "libext2fs made %u groups of %u inodes, %llu "
			    "blocks; the model has %u, %u, %llu",
			    fs->group_desc_count, fs->super->s_inodes_per_group,
			    (unsigned long long)ext2fs_blocks_count(fs->super),
			    g->groups, g->inodes_per_group,
			    (unsigned long long)g->blocks);
	for (unsigned i = 0; i < g->groups; i++) {
		const struct judge_img_group *mg = &src->groups[i];

		if (ext2fs_block_bitmap_loc(fs, i) != mg->block_bitmap ||
		    ext2fs_inode_bitmap_loc(fs, i) != mg->inode_bitmap ||
		    ext2fs_inode_table_loc(fs, i) != mg->inode_table)
			return fail(err, 0, "group %u: libext2fs put the bitmaps "
				    "and inode table at %llu %llu %llu, the model "
				    "at %llu %llu %llu", i,
				    (unsigned long long)ext2fs_block_bitmap_loc(fs, i),
				    (unsigned long long)ext2fs_inode_bitmap_loc(fs, i),
				    (unsigned long long)ext2fs_inode_table_loc(fs, i),
				    (unsigned long long)mg->block_bitmap,
				    (unsigned long long)mg->inode_bitmap,
				    (unsigned long long)mg->inode_table);
	}
	return true;
}

static bool add_journal(ext2_filsys fs, const struct judge_geom *g,
			GError **err)
{
	struct ext2fs_journal_params jp = {
		.num_journal_blocks = (blk_t)g->journal_blocks,
	};
	blk64_t first = 0, last = 0;
	errcode_t e;

	e = ext2fs_add_journal_inode3(fs, &jp, g->journal_start,
				      EXT2_MKJOURNAL_LAZYINIT |
				      EXT2_MKJOURNAL_NO_MNT_CHECK);
	if (e)
		return fail(err, e, "the journal inode");
	e = ext2fs_bmap2(fs, EXT2_JOURNAL_INO, NULL, NULL, 0, 0, NULL, &first);
	if (!e)
		e = ext2fs_bmap2(fs, EXT2_JOURNAL_INO, NULL, NULL, 0,
				 g->journal_blocks - 1, NULL, &last);
	if (e)
		return fail(err, e, "the journal inode's blocks");
	if (first != g->journal_start ||
	    last != g->journal_start + g->journal_blocks - 1)
		return fail(err, 0, "libext2fs put the journal at %llu-%llu, the "
			    "model at %llu-%llu", (unsigned long long)first,
			    (unsigned long long)last,
			    (unsigned long long)g->journal_start,
			    (unsigned long long)(g->journal_start +
						 g->journal_blocks - 1));
	return true;
}

/* The model's on-disk bitmaps and descriptor counts. */
static void load_bitmaps(ext2_filsys fs, const struct judge_img_src *src)
{
	const struct judge_geom *g = &src->geom;
	blk64_t free_total = 0;

	for (unsigned i = 0; i < g->groups; i++) {
		const struct judge_img_group *mg = &src->groups[i];
		uint64_t first = group_first(g, i);
		uint64_t n = MIN((uint64_t)g->blocks_per_group, g->blocks - first);

		for (uint64_t b = 0; b < n; b++)
			if (mg->bitmap[b >> 3] & (1u << (b & 7)))
				ext2fs_mark_block_bitmap2(fs->block_map, first + b);
			else
				ext2fs_unmark_block_bitmap2(fs->block_map, first + b);
		ext2fs_bg_free_blocks_count_set(fs, i, mg->free_blocks);
		ext2fs_bg_flags_clear(fs, i, EXT2_BG_BLOCK_UNINIT);
		ext2fs_bg_flags_set(fs, i, EXT2_BG_INODE_ZEROED);
		free_total += mg->free_blocks;
	}
	ext2fs_free_blocks_count_set(fs->super, free_total);
}

static bool write_file(ext2_filsys fs, const struct judge_img_file *f,
		       GError **err)
{
	struct ext2_inode_large in;
	errcode_t e;

	memset(&in, 0, sizeof(in));
	in.i_mode = LINUX_S_IFREG | 0644;
	in.i_links_count = 1;
	in.i_size = (__u32)f->size;
	in.i_size_high = (__u32)(f->size >> 32);
	in.i_blocks = (__u32)f->i_blocks;
	in.osd2.linux2.l_i_blocks_hi = (__u16)(f->i_blocks >> 32);
	in.i_flags = EXT4_EXTENTS_FL;
	memcpy(in.i_block, f->i_block, sizeof(in.i_block));
	in.i_atime = in.i_ctime = in.i_mtime = in.i_crtime = JUDGE_IMAGE_TIME;
	in.i_extra_isize = sizeof(struct ext2_inode_large) -
			   EXT2_GOOD_OLD_INODE_SIZE;
	ext2fs_inode_alloc_stats2(fs, f->ino, +1, 0);
	e = ext2fs_write_inode_full(fs, f->ino, (struct ext2_inode *)&in,
				    sizeof(in));
	if (e)
		return fail(err, e, "inode %u (%s)", f->ino, f->name);
	e = ext2fs_link(fs, EXT2_ROOT_INO, f->name, f->ino, EXT2_FT_REG_FILE);
	if (e == EXT2_ET_DIR_NO_SPACE) {
		e = ext2fs_expand_dir(fs, EXT2_ROOT_INO);
		if (!e)
			e = ext2fs_link(fs, EXT2_ROOT_INO, f->name, f->ino,
					EXT2_FT_REG_FILE);
	}
	if (e)
		return fail(err, e, "linking %s", f->name);
	return true;
}

struct hold_ctx {
	ext2_filsys fs;
	GArray *held;               /* blocks marked for the time being */
};

static void hold_block(gpointer key, gpointer value, gpointer user)
{
	struct hold_ctx *h = user;
	uint64_t blk = (uint64_t)(uintptr_t)key - 1;

	(void)value;
	if (blk < ext2fs_blocks_count(h->fs->super) &&
	    !ext2fs_test_block_bitmap2(h->fs->block_map, blk)) {
		ext2fs_mark_block_bitmap2(h->fs->block_map, blk);
		g_array_append_val(h->held, blk);
	}
}

bool judge_image_write(const struct judge_img_src *src, const char *path,
		       struct judge_image_stats *st, GError **err)
{
	const struct judge_geom *g = &src->geom;
	struct ext2_super_block param;
	struct raw_ctx rc = { 0 };
	struct post_ctx pc = { .fd = -1, .bs = g->blocksize };
	struct hold_ctx hold = { 0 };
	ext2_filsys fs = NULL;
	unsigned log_bs = 0;
	errcode_t e;
	int fd;

	judge_error_table_init();
	memset(st, 0, sizeof(*st));
	while ((1024u << log_bs) < g->blocksize)
		log_bs++;
	/* a sparse file of the file system's size */
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || ftruncate(fd, (off_t)(g->blocks * g->blocksize)) != 0) {
		int en = errno;

		if (fd >= 0)
			close(fd);
		g_set_error(err, G_FILE_ERROR, g_file_error_from_errno(en),
			    "%s: %s", path, g_strerror(en));
		return false;
	}
	close(fd);

	memset(&param, 0, sizeof(param));
	ext2fs_blocks_count_set(&param, g->blocks);
	param.s_log_block_size = log_bs;
	param.s_log_cluster_size = log_bs;
	param.s_first_data_block = (__u32)g->first_data_block;
	param.s_blocks_per_group = g->blocks_per_group;
	param.s_clusters_per_group = g->blocks_per_group;
	param.s_inodes_count = g->inodes_per_group * g->groups;
	param.s_inode_size = (__u16)g->inode_size;
	param.s_rev_level = EXT2_DYNAMIC_REV;
	param.s_feature_compat = EXT2_FEATURE_COMPAT_EXT_ATTR |
				 EXT2_FEATURE_COMPAT_DIR_INDEX;
	param.s_feature_incompat = EXT2_FEATURE_INCOMPAT_FILETYPE |
				   EXT3_FEATURE_INCOMPAT_EXTENTS;
	param.s_feature_ro_compat = EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER |
				    EXT2_FEATURE_RO_COMPAT_LARGE_FILE |
				    EXT4_FEATURE_RO_COMPAT_HUGE_FILE |
				    EXT4_FEATURE_RO_COMPAT_DIR_NLINK |
				    EXT4_FEATURE_RO_COMPAT_EXTRA_ISIZE |
				    EXT4_FEATURE_RO_COMPAT_METADATA_CSUM;
	param.s_min_extra_isize = param.s_want_extra_isize =
		sizeof(struct ext2_inode_large) - EXT2_GOOD_OLD_INODE_SIZE;
	e = ext2fs_initialize(path, EXT2_FLAG_64BITS, &param, unix_io_manager,
			      &fs);
	if (e)
		return fail(err, e, "%s: ext2fs_initialize", path);
	fs->now = JUDGE_IMAGE_TIME;
	memcpy(fs->super->s_uuid, g->uuid, sizeof(fs->super->s_uuid));
	fs->super->s_checksum_type = EXT2_CRC32C_CHKSUM;
	ext2fs_init_csum_seed(fs);
	fs->super->s_mkfs_time = fs->super->s_lastcheck = JUDGE_IMAGE_TIME;
	fs->super->s_max_mnt_count = (__s16)-1;
	fs->super->s_default_mount_opts = EXT2_DEFM_XATTR_USER | EXT2_DEFM_ACL;
	strncpy((char *)fs->super->s_volume_name, "faultline",
		sizeof(fs->super->s_volume_name));

	e = ext2fs_allocate_tables(fs);
	if (e) {
		fail(err, e, "%s: ext2fs_allocate_tables", path);
		goto bad;
	}
	if (!check_layout(fs, src, err))
		goto bad;
	/* as mke2fs: the reserved inodes are in use, the bad-blocks inode
	 * (empty) written */
	for (ext2_ino_t i = EXT2_BAD_INO; i < EXT2_FIRST_INODE(fs->super); i++)
		if (i != EXT2_ROOT_INO)
			ext2fs_inode_alloc_stats2(fs, i, +1, 0);
	e = ext2fs_update_bb_inode(fs, NULL);
	if (e) {
		fail(err, e, "%s: the bad-blocks inode", path);
		goto bad;
	}
	if (g->journal_blocks && !add_journal(fs, g, err))
		goto bad;
	load_bitmaps(fs, src);

	/* every block the model wrote, where it wrote it */
	rc.fs = fs;
	src->data_blocks(src, raw_write, &rc);
	if (rc.err) {
		fail(err, rc.err, "%s: writing the model's blocks", path);
		goto bad;
	}
	st->raw_blocks = rc.n;

	/* the directories take blocks no file's tree uses, even where the
	 * model's bitmap says free (a leaked or doubly owned block) */
	hold.fs = fs;
	hold.held = g_array_new(FALSE, FALSE, sizeof(uint64_t));
	g_hash_table_foreach(src->referenced, hold_block, &hold);
	for (unsigned i = 0; i < src->nfiles; i++)
		ext2fs_mark_inode_bitmap2(fs->inode_map, src->files[i].ino);
	e = ext2fs_mkdir(fs, EXT2_ROOT_INO, EXT2_ROOT_INO, NULL);
	if (!e)
		e = ext2fs_mkdir(fs, EXT2_ROOT_INO, 0, "lost+found");
	for (unsigned i = 0; i < src->nfiles; i++)
		ext2fs_unmark_inode_bitmap2(fs->inode_map, src->files[i].ino);
	if (e) {
		fail(err, e, "%s: the root directory", path);
		goto bad;
	}
	for (unsigned i = 0; i < src->nfiles; i++)
		if (!write_file(fs, &src->files[i], err))
			goto bad;
	for (unsigned i = 0; i < hold.held->len; i++)
		ext2fs_unmark_block_bitmap2(fs->block_map,
					    g_array_index(hold.held, uint64_t, i));
	g_array_free(hold.held, TRUE);
	hold.held = NULL;

	ext2fs_mark_super_dirty(fs);
	ext2fs_mark_bb_dirty(fs);
	ext2fs_mark_ib_dirty(fs);
	e = ext2fs_set_gdt_csum(fs);
	if (!e)
		e = ext2fs_close_free(&fs);
	if (e) {
		fail(err, e, "%s: writing the file system", path);
		goto bad;
	}

	/* metadata blocks a data write clobbered: the data's bytes */
	pc.fd = open(path, O_RDWR | O_CLOEXEC);
	if (pc.fd < 0)
		return fail(err, 0, "%s: %s", path, g_strerror(errno));
	src->clobbered_meta(src, post_write, &pc);
	close(pc.fd);
	if (pc.err)
		return fail(err, 0, "%s: %s", path, g_strerror(pc.err));
	st->clobbered_meta = pc.n;
	return true;
bad:
	if (hold.held)
		g_array_free(hold.held, TRUE);
	if (fs)
		ext2fs_free(fs);
	unlink(path);
	return false;
}
