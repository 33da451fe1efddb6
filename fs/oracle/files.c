/* fs/oracle/files.c — the oracle's table of files (model-only): an
 * open-addressing hash table from inode number to struct oracle_file (its
 * shadow contents, its operations), grown by doubling; looked up on every
 * hook, never iterated for results (iteration order would be the table's,
 * and results are ordered by inode number where they list files).
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

/* ---- files ------------------------------------------------------------------ */

static unsigned file_slot(const struct fs_oracle *o, uint64_t ino, bool *found)
{
	unsigned lo = 0, hi = o->nfiles;

	while (lo < hi) {
		unsigned mid = (lo + hi) / 2;

		if (o->files[mid]->ino < ino)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = lo < o->nfiles && o->files[lo]->ino == ino;
	return lo;
}

struct oracle_file *oracle_file_get(struct fs_oracle *o, struct inode *inode)
{
	bool found;
	unsigned i = file_slot(o, inode->i_ino, &found);
	struct oracle_file *f;

	if (found) {
		o->files[i]->inode = inode;
		return o->files[i];
	}
	if (o->nfiles == o->files_cap) {
		o->files_cap = o->files_cap ? 2 * o->files_cap : 8;
		o->files = g_renew(struct oracle_file *, o->files, o->files_cap);
	}
	memmove(&o->files[i + 1], &o->files[i],
		(o->nfiles - i) * sizeof(o->files[0]));
	f = g_new0(struct oracle_file, 1);
	f->inode = inode;
	f->ino = inode->i_ino;
	oracle_shadow_init(&f->shadow, inode->i_sb->s_blocksize);
	o->files[i] = f;
	o->nfiles++;
	return f;
}

void oracle_file_free(struct oracle_file *f)
{
	oracle_shadow_destroy(&f->shadow);
	if (f->setup_exts)
		g_array_free(f->setup_exts, TRUE);
	g_free(f);
}

void fs_oracle_setup_done(struct fs_oracle *o)
{
	if (!o)
		return;
	for (unsigned i = 0; i < o->nfiles; i++) {
		struct oracle_file *f = o->files[i];

		oracle_shadow_mark_pristine(&f->shadow);
		if (f->setup_exts)
			g_array_free(f->setup_exts, TRUE);
		f->setup_exts = oracle_file_extents(f);
	}
}

struct oracle_file *oracle_file_find(struct fs_oracle *o, uint64_t ino)
{
	bool found;
	unsigned i = file_slot(o, ino, &found);

	return found ? o->files[i] : NULL;
}

void fs_oracle_add_inode(struct inode *inode)
{
	struct fs_oracle *o = oracle_of_inode(inode);

	if (o)
		oracle_file_get(o, inode);
}

void fs_oracle_remove_inode(struct inode *inode)
{
	struct fs_oracle *o = oracle_of_inode(inode);
	bool found;
	unsigned i;

	if (!o)
		return;
	i = file_slot(o, inode->i_ino, &found);
	if (!found)
		return;
	oracle_file_free(o->files[i]);
	memmove(&o->files[i], &o->files[i + 1],
		(o->nfiles - i - 1) * sizeof(o->files[0]));
	o->nfiles--;
}
