/* judge/kreal.c — kcheck's kernel side (see kreal.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "judge/kreal.h"
#include "judge/stamp.h"

void kc_op_free(struct kc_op *op)
{
	if (op->data)
		g_byte_array_unref(op->data);
	if (op->tail)
		g_byte_array_unref(op->tail);
	g_free(op->error);
}

void kc_end_free(struct kc_end *e)
{
	if (e->bytes)
		g_byte_array_unref(e->bytes);
	if (e->map)
		g_byte_array_unref(e->map);
	if (e->extents)
		g_string_free(e->extents, TRUE);
}

G_GNUC_PRINTF(2, 3)
static void real_fail(struct kc_op *o, const char *fmt, ...)
{
	va_list ap;

	if (o->error)
		return;
	va_start(ap, fmt);
	o->error = g_strdup_vprintf(fmt, ap);
	va_end(ap);
}

/* check_eofpage's bytes: [size, page end) through the mapping p of file
 * offset mo. */
static void real_tail(long pagesize, struct kc_op *o, const uint8_t *p,
		      uint64_t mo, uint64_t off, uint64_t len, uint64_t size)
{
	uint64_t ps = (uint64_t)pagesize;
	uint64_t tail = (size + ps - 1) / ps * ps - size;

	if (off + len <= size / ps * ps || tail == 0)
		return;
	o->tail = g_byte_array_sized_new((guint)tail);
	g_byte_array_append(o->tail, p + (size - mo), (guint)tail);
	o->tail_off = size;
}

static void real_mapread(int fd, long pagesize, struct kc_op *o, uint64_t off,
			 uint64_t len, uint64_t file_size)
{
	uint64_t pg = off % (uint64_t)pagesize, mo = off - pg;
	size_t msize = (size_t)(pg + len);
	uint8_t *p = mmap(NULL, msize, PROT_READ, MAP_SHARED, fd, (off_t)mo);

	if (p == MAP_FAILED) {
		real_fail(o, "mmap: %s", g_strerror(errno));
		return;
	}
	o->data = g_byte_array_sized_new((guint)len);
	g_byte_array_append(o->data, p + pg, (guint)len);
	o->data_off = off;
	real_tail(pagesize, o, p, mo, off, len, file_size);
	munmap(p, msize);
}

static void real_mapwrite(int fd, long pagesize, struct kc_op *o,
			  const struct fsx_step *st, const uint8_t *buf)
{
	uint64_t off = st->offset, len = st->length;
	uint64_t pg = off % (uint64_t)pagesize, mo = off - pg;
	size_t msize = (size_t)(pg + len);
	struct stat sb;
	uint8_t *p;

	/* domapwrite: ftruncate up first */
	if (st->grows && fstat(fd, &sb) == 0 &&
	    (uint64_t)sb.st_size < st->size_after &&
	    ftruncate(fd, (off_t)st->size_after) != 0) {
		real_fail(o, "mapwrite: ftruncate: %s", g_strerror(errno));
		return;
	}
	p = mmap(NULL, msize, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)mo);
	if (p == MAP_FAILED) {
		real_fail(o, "mapwrite: mmap: %s", g_strerror(errno));
		return;
	}
	memcpy(p + pg, buf, len);
	if (msync(p, msize, MS_SYNC) != 0)
		real_fail(o, "mapwrite: msync: %s", g_strerror(errno));
	real_tail(pagesize, o, p, mo, off, len, st->size_after);
	munmap(p, msize);
}

static void real_falloc(struct kc_op *o, int fd, int mode, uint64_t off,
			uint64_t len, const char *what)
{
	if (fallocate(fd, mode, (off_t)off, (off_t)len) != 0)
		real_fail(o, "%s: %s", what, g_strerror(errno));
}

void kreal_step(int fd, long pagesize, struct kc_op *o,
		const struct fsx_step *st, uint64_t file_size,
		sim_stamp_t stamp)
{
	uint64_t off = st->offset, len = st->length;
	int keep = st->keep_size ? FALLOC_FL_KEEP_SIZE : 0;
	uint8_t *buf = NULL;
	ssize_t r;

	if (st->kind == FSX_WRITE || st->kind == FSX_MAPWRITE) {
		buf = g_malloc(len ? len : 1);
		judge_stamp_render(stamp, 0, buf, len);
	}
	switch (st->kind) {
	case FSX_READ:
		o->data = g_byte_array_sized_new((guint)len);
		g_byte_array_set_size(o->data, (guint)len);
		o->data_off = off;
		r = pread(fd, o->data->data, len, (off_t)off);
		if (r < 0)
			real_fail(o, "read: %s", g_strerror(errno));
		else if ((uint64_t)r != len)
			real_fail(o, "short read: 0x%zx bytes", (size_t)r);
		break;
	case FSX_MAPREAD:
		real_mapread(fd, pagesize, o, off, len, file_size);
		break;
	case FSX_WRITE:
		r = pwrite(fd, buf, len, (off_t)off);
		if (r < 0)
			real_fail(o, "write: %s", g_strerror(errno));
		else if ((uint64_t)r != len)
			real_fail(o, "short write: 0x%zx bytes", (size_t)r);
		break;
	case FSX_MAPWRITE:
		real_mapwrite(fd, pagesize, o, st, buf);
		break;
	case FSX_TRUNCATE:
		if (ftruncate(fd, (off_t)len) != 0)
			real_fail(o, "ftruncate: %s", g_strerror(errno));
		break;
	case FSX_FALLOCATE:
		real_falloc(o, fd, keep, off, len, "fallocate");
		break;
	case FSX_PUNCH_HOLE:
		real_falloc(o, fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
			    off, len, "punch hole");
		break;
	case FSX_ZERO_RANGE:
		real_falloc(o, fd, FALLOC_FL_ZERO_RANGE | keep, off, len,
			    "zero range");
		break;
	case FSX_COLLAPSE_RANGE:
		real_falloc(o, fd, FALLOC_FL_COLLAPSE_RANGE, off, len,
			    "collapse range");
		break;
	case FSX_INSERT_RANGE:
		real_falloc(o, fd, FALLOC_FL_INSERT_RANGE, off, len,
			    "insert range");
		break;
	case FSX_FSYNC:
		if (fsync(fd) != 0)
			real_fail(o, "fsync: %s", g_strerror(errno));
		break;
	default:
		SIM_BUG_ON(1);
	}
	g_free(buf);
}

/* FIEMAP with FIEMAP_FLAG_SYNC: per block 'h' 'u' 'w' 'd'. */
bool kreal_map(int fd, unsigned bs, GByteArray *map, GString *extents,
	       uint64_t *n, char *why, size_t whylen)
{
	enum { N = 256 };
	struct fiemap *fm = g_malloc0(sizeof(*fm) +
				      N * sizeof(struct fiemap_extent));
	uint64_t start = 0;
	bool last = false, ok = true;

	while (!last) {
		memset(fm, 0, sizeof(*fm));
		fm->fm_start = start;
		fm->fm_length = FIEMAP_MAX_OFFSET - start;
		fm->fm_flags = FIEMAP_FLAG_SYNC;
		fm->fm_extent_count = N;
		if (ioctl(fd, FS_IOC_FIEMAP, fm) != 0) {
			snprintf(why, whylen, "FIEMAP: %s", g_strerror(errno));
			ok = false;
			break;
		}
		if (fm->fm_mapped_extents == 0)
			break;
		for (unsigned i = 0; i < fm->fm_mapped_extents; i++) {
			const struct fiemap_extent *fe = &fm->fm_extents[i];
			uint64_t b0 = fe->fe_logical / bs;
			uint64_t b1 = (fe->fe_logical + fe->fe_length + bs - 1) / bs;
			char c = fe->fe_flags & FIEMAP_EXTENT_DELALLOC ? 'd' :
				 fe->fe_flags & FIEMAP_EXTENT_UNWRITTEN ? 'u' :
				 'w';

			if (map->len < b1) {
				guint old = map->len;

				g_byte_array_set_size(map, (guint)b1);
				memset(map->data + old, 'h', map->len - old);
			}
			memset(map->data + b0, c, b1 - b0);
			(*n)++;
			g_string_append_printf(extents, "%s%llu+%llu@%llu%s",
					       extents->len ? " " : "",
					       (unsigned long long)b0,
					       (unsigned long long)(b1 - b0),
					       (unsigned long long)(fe->fe_physical / bs),
					       c == 'w' ? "" : c == 'u' ? "u" : "d");
			start = fe->fe_logical + fe->fe_length;
			if (fe->fe_flags & FIEMAP_EXTENT_LAST)
				last = true;
		}
	}
	g_free(fm);
	return ok;
}

void kreal_corrupt(int fd, uint64_t off)
{
	uint8_t b;

	if (pread(fd, &b, 1, (off_t)off) == 1) {
		b ^= 0xff;
		if (pwrite(fd, &b, 1, (off_t)off) != 1)
			perror("kcheck: --corrupt-after");
	}
}
