/* judge/readback.c — reading an exported image back through the kernel
 * (or debugfs) and comparing it with the oracle (see readback.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "judge/readback.h"
#include "judge/expect.h"
#include "judge/geom.h"
#include "judge/stamp.h"

bool judge_readback_init(struct judge_readback *rb, GError **err)
{
	char why[200];

	memset(rb, 0, sizeof(*rb));
	rb->scratch = judge_scratch_new("readback", err);
	if (!rb->scratch)
		return false;
	rb->mount = judge_loop_permitted(why, sizeof(why));
	if (!rb->mount)
		rb->why = g_strdup(why);
	rb->debugfs = judge_find_tool("debugfs");
	rb->dump = judge_scratch_path(rb->scratch, "dump", true);
	return true;
}

void judge_readback_destroy(struct judge_readback *rb)
{
	judge_scratch_cleanup(rb->scratch);
	g_free(rb->why);
	g_free(rb->debugfs);
	g_free(rb->dump);
	memset(rb, 0, sizeof(*rb));
}

G_GNUC_PRINTF(2, 3)
static void note(struct sim_rec_judge *j, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	if (j->readback_note) {
		char *both = g_strconcat(j->readback_note, "; ", msg, NULL);

		g_free(j->readback_note);
		g_free(msg);
		j->readback_note = both;
	} else {
		j->readback_note = msg;
	}
}

/* The file's bytes: read() through the mount, or debugfs's dump. */
static GByteArray *read_file(struct judge_readback *rb, const char *dir,
			     const char *img, const char *name,
			     struct sim_rec_judge *j)
{
	GByteArray *a = g_byte_array_new();
	char *path;
	int fd;

	if (dir) {
		path = g_build_filename(dir, name, NULL);
	} else {
		char *spec = g_strdup_printf("/%s", name);
		char *out = g_strdup(rb->dump);
		char *cmd = g_strdup_printf("dump %s %s", spec, out);
		char *argv[] = { rb->debugfs, "-R", cmd, (char *)img, NULL };
		char *text = NULL;
		int status = 0;

		unlink(out);
		if (!judge_run(argv, &text, &status, NULL) || status != 0 ||
		    !g_file_test(out, G_FILE_TEST_EXISTS)) {
			note(j, "%s: debugfs could not dump it: %s", name,
			     text ? g_strstrip(text) : "");
			g_free(text);
			g_free(cmd);
			g_free(spec);
			g_free(out);
			g_byte_array_unref(a);
			return NULL;
		}
		g_free(text);
		g_free(cmd);
		g_free(spec);
		path = out;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		note(j, "%s: %s", name, g_strerror(errno));
		g_free(path);
		g_byte_array_unref(a);
		return NULL;
	}
	for (;;) {
		guint at = a->len;
		ssize_t r;

		g_byte_array_set_size(a, at + 65536);
		r = read(fd, a->data + at, 65536);
		if (r <= 0) {
			g_byte_array_set_size(a, at);
			if (r < 0)
				/* a corrupt tree: the kernel says
				 * "Structure needs cleaning" */
				note(j, "%s: read at 0x%x: %s", name, at,
				     g_strerror(errno));
			break;
		}
		g_byte_array_set_size(a, at + (guint)r);
	}
	close(fd);
	if (!dir)
		unlink(path);
	g_free(path);
	return a;
}

static void compare_file(const struct judge_expect_file *f,
			 const GByteArray *got, struct sim_rec_judge *j)
{
	uint8_t *want = NULL;
	size_t cap = 0;

	if (got->len != f->size)
		note(j, "%s: %u bytes read, i_size says 0x%" G_GINT64_MODIFIER "x",
		     f->name, got->len, f->size);
	for (guint i = 0; i < f->runs->len; i++) {
		const struct judge_expect_run *r =
			&g_array_index(f->runs, struct judge_expect_run, i);
		uint64_t end = MIN(r->off + r->len, (uint64_t)got->len);

		if (!r->known || r->off >= end)
			continue;
		if (cap < end - r->off) {
			cap = end - r->off;
			want = g_realloc(want, cap);
		}
		judge_stamp_render(r->stamp, r->origin, want, end - r->off);
		j->bytes_compared += end - r->off;
		for (uint64_t k = 0; k < end - r->off; k++) {
			char a[64], w[64];

			if (got->data[r->off + k] == want[k])
				continue;
			j->bytes_differ++;
			if (j->first_diff >= 0)
				continue;
			j->first_diff = (int64_t)(r->off + k);
			j->first_diff_file = g_strdup(f->name);
			judge_stamp_describe(got->data, got->len, r->off + k, a,
					     sizeof(a));
			if (r->stamp)
				snprintf(w, sizeof(w), "stamp #%" G_GUINT64_FORMAT
					 " byte 0x%" G_GINT64_MODIFIER "x",
					 r->stamp, r->origin + k);
			else
				snprintf(w, sizeof(w), "zero");
			j->first_diff_what = g_strdup_printf(
				"the image has %s, the oracle says %s", a, w);
		}
	}
	g_free(want);
}

bool judge_readback_image(struct judge_readback *rb, const char *img,
			  const char *expect_path, struct sim_rec_judge *j)
{
	GError *err = NULL;
	struct judge_expect *e = judge_expect_load(expect_path, &err);
	char *mnt = NULL;
	bool ok = true;

	j->first_diff = -1;
	if (!e) {
		note(j, "%s", err->message);
		g_error_free(err);
		return false;
	}
	if (rb->mount) {
		if (judge_loop_mount(rb->scratch, img, "rb", true, "noload",
				     &mnt, &err)) {
			j->readback = g_strdup("kernel");
		} else {
			note(j, "the kernel refused to mount it (%s)",
			     err->message);
			g_clear_error(&err);
		}
	} else {
		note(j, "not read by the kernel: cannot loop-mount here (%s)",
		     rb->why);
	}
	if (!mnt) {
		if (!rb->debugfs) {
			note(j, "debugfs not found: not read back");
			judge_expect_free(e);
			return false;
		}
		j->readback = g_strdup("debugfs");
	}
	for (guint i = 0; i < e->files->len; i++) {
		const struct judge_expect_file *f = g_ptr_array_index(e->files, i);
		GByteArray *got = read_file(rb, mnt, img, f->name, j);

		if (!got) {
			ok = false;
			continue;
		}
		compare_file(f, got, j);
		g_byte_array_unref(got);
	}
	if (mnt) {
		if (!judge_loop_umount(rb->scratch, mnt, &err)) {
			note(j, "%s", err->message);
			g_clear_error(&err);
		}
		g_free(mnt);
	}
	judge_expect_free(e);
	return ok;
}
