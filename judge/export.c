/* judge/export.c — sim --image: export every job's disk, then check the
 * images (see export.h). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "judge/export.h"
#include "judge/e2fsck.h"
#include "judge/geom.h"
#include "judge/image.h"
#include "judge/imgsrc.h"
#include "judge/readback.h"
#include "fs/workload/model.h"
#include "fs/oracle/fsck.h"

/* "<strategy>-r<replica>[-<sweep value>]", the value's odd characters
 * made '_' so it is a file name. */
static char *job_name(const struct sim_plan *plan, unsigned index)
{
	struct sim_job_id id = sim_plan_job(plan, index);
	GString *s = g_string_new(NULL);

	g_string_append_printf(s, "%s-r%u", plan->strategies[id.strategy],
			       id.replica);
	if (plan->sweep_values) {
		const char *v = plan->sweep_values[id.sweep_point];

		g_string_append_c(s, '-');
		for (; *v; v++)
			g_string_append_c(s, g_ascii_isalnum(*v) || *v == '.' ||
					     *v == '_' ? *v : '_');
	}
	return g_string_free(s, FALSE);
}

/* The model's own fsck (fs/oracle/fsck.h) on the disk it is about to
 * export: every file listed, hard findings only (the page cache, which
 * the soft check looks at, is not on the image), the quiescent checks
 * after a clean unmount.  Counted nowhere else: the results are taken. */
struct fsck_acc {
	uint64_t n;
	GString *s;
};

static void fsck_line(void *ctx, const char *check, bool soft,
		      const char *msg)
{
	struct fsck_acc *a = ctx;

	a->n++;
	g_string_append_printf(a->s, "fsck: %s%s: %s\n", check,
			       soft ? " (soft)" : "", msg);
}

static void model_fsck(struct ext4_model *m, struct sim_rec_judge *j)
{
	unsigned n = ext4_model_nfiles(m);
	struct inode **inodes = g_new(struct inode *, n + 1);
	struct fsck_acc a = { .s = g_string_new(NULL) };

	for (unsigned i = 0; i < n; i++)
		inodes[i] = ext4_model_file(m, i)->inode;
	ext4_sim_fsck(ext4_model_sb(m), inodes, n,
		      EXT4_SIM_FSCK_COMPLETE | EXT4_SIM_FSCK_NO_SOFT |
		      (j->clean ? EXT4_SIM_FSCK_QUIESCENT : 0), fsck_line, &a);
	g_free(inodes);
	j->model_fsck = a.n;
	j->model_fsck_findings = a.s->len ? g_string_free(a.s, FALSE) :
				 (g_string_free(a.s, TRUE), NULL);
}

static void export_job(void *ctx, const struct sim_plan *plan, unsigned index,
		       void *model, struct sim_world *w,
		       struct sim_job_rec *rec)
{
	const char *dir = ctx;
	struct ext4_model *m = model;
	struct sim_rec_judge *j = g_new0(struct sim_rec_judge, 1);
	char *name = job_name(plan, index);
	char *img = g_strdup_printf("%s/%s.img", dir, name);
	char *expect = g_strdup_printf("%s/%s.expect", dir, name);
	char *stamps = g_strdup_printf("%s/%s.stamps", dir, name);
	struct judge_image_stats st;
	struct judge_img_src *src;
	GError *err = NULL;
	char why[1024];

	(void)w;
	j->fsck_status = -1;
	j->first_diff = -1;
	rec->judge = j;
	j->clean = ext4_model_unmount(m, JUDGE_UNMOUNT_LIMIT, why,
				      sizeof(why)) == 0;
	if (!j->clean)
		j->note = g_strdup_printf("no clean unmount (%s): the image is "
					  "the disk as the run left it, metadata "
					  "from the buffer cache", why);
	model_fsck(m, j);
	src = judge_img_src_new(m);
	if (judge_image_write(src, img, &st, &err) &&
	    judge_img_write_expect(m, expect, &err) &&
	    judge_img_write_stamps(m, stamps, &err)) {
		j->image = img;
		img = NULL;
	} else {
		char *n = g_strdup_printf("%s%sno image: %s",
					  j->note ? j->note : "",
					  j->note ? "; " : "", err->message);

		g_free(j->note);
		j->note = n;
		g_clear_error(&err);
	}
	judge_img_src_free(src);
	g_free(name);
	g_free(img);
	g_free(expect);
	g_free(stamps);
}

/* Appends kind "e2fsck" to rec: 1 when e2fsck found the image corrupt. */
static void add_kind(struct sim_job_rec *rec, const struct sim_rec_judge *j)
{
	const struct sim_rec_kind *fsck = sim_job_rec_kind(rec, "fsck");
	struct sim_rec_kind k = {
		.name = g_strdup("e2fsck"),
		.first_time = -1,
	};

	if (judge_e2fsck_corrupt(j->fsck_status)) {
		k.count = 1;
		k.first_time = rec->sim_time;
		k.explanation = g_strdup_printf(
			"e2fsck at the end of the job: `e2fsck -fn %s` exited "
			"%d (errors left uncorrected)%s%s\n%s"
			"The model's fsck on the same disk (after the unmount): "
			"%" G_GUINT64_FORMAT " finding%s\n%s"
			"The model's fsck at the end of the job: %s%s",
			j->image, j->fsck_status, j->note ? "; " : "",
			j->note ? j->note : "",
			j->fsck_problems ? j->fsck_problems : "",
			j->model_fsck, j->model_fsck == 1 ? "" : "s",
			j->model_fsck_findings ? j->model_fsck_findings : "",
			fsck && fsck->count ? "\n" : "nothing found\n",
			fsck && fsck->count && fsck->explanation ?
			fsck->explanation : "");
	}
	rec->kinds = g_renew(struct sim_rec_kind, rec->kinds, rec->n_kinds + 1);
	rec->kinds[rec->n_kinds++] = k;
}

static bool check(const char *dir, const struct sim_plan *plan,
		  struct sim_run *run, FILE *log, GError **err)
{
	char *e2fsck = judge_find_tool("e2fsck");
	struct judge_readback rb;
	unsigned n = 0;

	(void)dir;
	if (!e2fsck) {
		g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_NOENT,
			    "--image: e2fsck not found (install e2fsprogs)");
		return false;
	}
	if (!judge_readback_init(&rb, err)) {
		g_free(e2fsck);
		return false;
	}
	if (log && !rb.mount)
		fprintf(log, "sim: --image: cannot loop-mount here (%s): the "
			"images are read back with debugfs, not the kernel\n",
			rb.why);
	for (unsigned i = 0; i < plan->n_jobs; i++) {
		struct sim_job_rec *rec = run->recs[i];
		struct sim_rec_judge *j = rec ? rec->judge : NULL;
		char *expect;

		if (!j)
			continue;
		if (j->image) {
			GError *e = NULL;

			if (!judge_e2fsck(e2fsck, j->image, &j->fsck_status,
					  &j->fsck_problems, &e)) {
				j->fsck_problems = g_strdup(e->message);
				g_error_free(e);
			}
			expect = g_strdup(j->image);
			strcpy(expect + strlen(expect) - strlen(".img"),
			       ".expect");
			judge_readback_image(&rb, j->image, expect, j);
			g_free(expect);
			n++;
		}
		add_kind(rec, j);
	}
	if (log)
		fprintf(log, "sim: --image: %u images in %s checked with e2fsck "
			"and read back%s\n", n, dir,
			rb.mount ? " through the kernel" : " with debugfs");
	judge_readback_destroy(&rb);
	g_free(e2fsck);
	return true;
}

const struct sim_cli_image judge_image_ops = {
	.export_job = export_job,
	.check = check,
};
