/* judge/geom.c — the model's geometry for mke2fs and mount (see geom.h). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "judge/geom.h"
#include "fs/ext4/ext4.h"
#include "fs/ext4/mballoc.h"

const char judge_geom_features[] =
	"has_journal,ext_attr,dir_index,filetype,extent,sparse_super,"
	"large_file,huge_file,dir_nlink,extra_isize,metadata_csum";

void judge_geom_from_sb(struct super_block *sb, struct judge_geom *g)
{
	struct ext4_sb_info *sbi = EXT4_SB(sb);
	struct ext4_sim_mb *mb = EXT4_SIM_MB(sb);
	const struct ext4_sim_mount_opts *o = sbi->s_sim_opts;

	*g = (struct judge_geom){
		.blocksize = sb->s_blocksize,
		.blocks = sbi->s_blocks_count,
		.first_data_block = sbi->s_first_data_block,
		.blocks_per_group = sbi->s_blocks_per_group,
		.groups = sbi->s_groups_count,
		/* the inode table holds whole blocks of 256-byte inodes */
		.inodes_per_group = mb->itable_blocks * sb->s_blocksize / 256u,
		.inode_size = 256,
		.journal_start = sbi->s_journal ? sbi->s_sim_journal_start : 0,
		.journal_blocks = sbi->s_journal ? sbi->s_sim_journal_blocks : 0,
		.data = o->data == EXT4_SIM_DATA_JOURNAL ? "journal" :
			o->data == EXT4_SIM_DATA_WRITEBACK || !o->journal ?
			"writeback" : "ordered",
		.delalloc = o->delalloc,
		.dax = o->dax,
		.commit_s = (unsigned)MAX((o->commit_interval + SIM_SEC - 1) /
					  SIM_SEC, 1),
	};
	memcpy(g->uuid, sb->s_uuid, sizeof(g->uuid));
}

void judge_geom_uuid_str(const uint8_t u[16], char out[37])
{
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
		 "%02x%02x%02x%02x%02x%02x", u[0], u[1], u[2], u[3], u[4], u[5],
		 u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14],
		 u[15]);
}

char **judge_geom_mke2fs_argv(const struct judge_geom *g, const char *mke2fs,
			      const char *img)
{
	GPtrArray *v = g_ptr_array_new();
	char uuid[37];
	GString *feat = g_string_new("none,");

	g_string_append(feat, judge_geom_features);
	if (!g->journal_blocks) {
		/* drop has_journal */
		char *p = strstr(feat->str, "has_journal,");

		g_string_erase(feat, p - feat->str, strlen("has_journal,"));
	}
	judge_geom_uuid_str(g->uuid, uuid);
	g_ptr_array_add(v, g_strdup(mke2fs));
	g_ptr_array_add(v, g_strdup("-q"));
	g_ptr_array_add(v, g_strdup("-F"));
	g_ptr_array_add(v, g_strdup("-t"));
	g_ptr_array_add(v, g_strdup("ext4"));
	g_ptr_array_add(v, g_strdup("-O"));
	g_ptr_array_add(v, g_string_free(feat, FALSE));
	g_ptr_array_add(v, g_strdup("-b"));
	g_ptr_array_add(v, g_strdup_printf("%u", g->blocksize));
	g_ptr_array_add(v, g_strdup("-g"));
	g_ptr_array_add(v, g_strdup_printf("%u", g->blocks_per_group));
	g_ptr_array_add(v, g_strdup("-N"));
	g_ptr_array_add(v, g_strdup_printf("%u", g->inodes_per_group * g->groups));
	g_ptr_array_add(v, g_strdup("-I"));
	g_ptr_array_add(v, g_strdup_printf("%u", g->inode_size));
	if (g->journal_blocks) {
		/* -J size= is in MiB; the model's journal_size is whole MiB
		 * unless set otherwise (then the twin's journal differs, which
		 * changes no file's blocks) */
		uint64_t mib = g->journal_blocks * g->blocksize >> 20;

		g_ptr_array_add(v, g_strdup("-J"));
		g_ptr_array_add(v, g_strdup_printf("size=%" G_GUINT64_FORMAT,
						   mib ? mib : 1));
	}
	g_ptr_array_add(v, g_strdup("-U"));
	g_ptr_array_add(v, g_strdup(uuid));
	g_ptr_array_add(v, g_strdup("-E"));
	g_ptr_array_add(v, g_strdup("lazy_itable_init=1,lazy_journal_init=1,nodiscard"));
	g_ptr_array_add(v, g_strdup(img));
	g_ptr_array_add(v, g_strdup_printf("%" G_GUINT64_FORMAT, g->blocks));
	g_ptr_array_add(v, NULL);
	return (char **)g_ptr_array_free(v, FALSE);
}

char *judge_geom_mount_data(const struct judge_geom *g)
{
	GString *s = g_string_new(NULL);

	/* no data= without a journal: the kernel refuses it there */
	if (g->journal_blocks)
		g_string_append_printf(s, "data=%s,", g->data);
	g_string_append_printf(s, "%s,commit=%u%s",
			       g->delalloc ? "delalloc" : "nodelalloc",
			       g->commit_s, g->dax ? ",dax" : "");
	return g_string_free(s, FALSE);
}

char *judge_find_tool(const char *name)
{
	const char *dirs[] = { "/usr/sbin", "/sbin" };
	char *p = g_find_program_in_path(name);

	if (p)
		return p;
	for (unsigned i = 0; i < G_N_ELEMENTS(dirs); i++) {
		p = g_build_filename(dirs[i], name, NULL);
		if (g_file_test(p, G_FILE_TEST_IS_EXECUTABLE))
			return p;
		g_free(p);
	}
	return NULL;
}
