/* sim/run/journal.c — the run journal (see journal.h for the format). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "sim/run/journal.h"
#include "sim/run/merge.h"
#include "sim/run/output.h"

#define JOURNAL_MAGIC "faultline-journal 1 "

#define JOURNAL_ERROR (journal_error_quark())
static G_DEFINE_QUARK(sim-journal-error-quark, journal_error)

struct sim_journal {
	char *path;
	int fd;
	GMutex lock;        /* one record at a time */
};

char *sim_journal_path(const char *output)
{
	return g_strconcat(output, ".journal", NULL);
}

static bool write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		buf += n;
		len -= (size_t)n;
	}
	return true;
}

static bool sys_fail(GError **err, const char *path, const char *what)
{
	int e = errno;

	g_set_error(err, JOURNAL_ERROR, 0, "%s: cannot %s the run journal: %s",
		    path, what, g_strerror(e));
	return false;
}

/* Parses the journal's text: fills recs, returns the length of its valid
 * prefix (a torn last record is left out), or -1 with *err. */
static gssize parse(const char *path, const char *text, gsize len,
		    const struct sim_plan *plan, const char *ident,
		    struct sim_job_rec **recs, unsigned *loaded, GError **err)
{
	const char *p = text, *end = text + len, *nl;
	size_t ml = strlen(JOURNAL_MAGIC);

	nl = memchr(p, '\n', len);
	if (!nl)        /* died while writing the header: start afresh */
		return 0;
	if ((size_t)(nl - p) != ml + strlen(ident) ||
	    memcmp(p, JOURNAL_MAGIC, ml) != 0) {
		g_set_error(err, JOURNAL_ERROR, 0, "%s: not a faultline run "
			    "journal (header '" JOURNAL_MAGIC "DIGEST')", path);
		return -1;
	}
	if (memcmp(p + ml, ident, strlen(ident)) != 0) {
		g_set_error(err, JOURNAL_ERROR, 0, "%s: the journal of another "
			    "plan (config, seed, strategies, replicas, sweep, "
			    "shard or version differ); run without --resume to "
			    "start over", path);
		return -1;
	}
	p = nl + 1;
	while (p < end) {
		unsigned long long idx, n;
		char head[64], *what;
		int used = 0;
		struct sim_job_rec *rec;
		GError *rerr = NULL;

		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			break;                  /* torn record head */
		if ((size_t)(nl - p) >= sizeof(head))
			goto bad;
		memcpy(head, p, (size_t)(nl - p));
		head[nl - p] = '\0';
		if (sscanf(head, "job %llu %llu%n", &idx, &n, &used) != 2 ||
		    head[used] != '\0' || idx >= plan->n_jobs)
			goto bad;
		if ((unsigned long long)(end - (nl + 1)) < n + 1)
			break;                  /* torn record body */
		if (nl[1 + n] != '\n')
			goto bad;
		if (recs[idx]) {
			g_set_error(err, JOURNAL_ERROR, 0, "%s: job %llu "
				    "journaled twice", path, idx);
			return -1;
		}
		what = g_strdup_printf("%s: job %llu", path, idx);
		rec = sim_merge_read_job(plan, what, nl + 1, (gsize)n, &rerr);
		g_free(what);
		if (!rec) {
			g_propagate_error(err, rerr);
			return -1;
		}
		if (rec->id.index != idx) {
			sim_job_rec_free(rec);
			goto bad;
		}
		recs[idx] = rec;
		(*loaded)++;
		p = nl + 1 + n + 1;
	}
	return p - text;
bad:
	g_set_error(err, JOURNAL_ERROR, 0, "%s: damaged at byte %td (expected "
		    "'job INDEX LENGTH' and a record of the plan)", path,
		    p - text);
	return -1;
}

struct sim_journal *sim_journal_open(const char *path,
				     const struct sim_plan *plan, bool resume,
				     struct sim_job_rec **recs,
				     unsigned *loaded, GError **err)
{
	char *ident = sim_out_plan_ident(plan);
	struct sim_journal *j;
	gssize keep = 0;
	int fd;

	*loaded = 0;
	if (resume && g_file_test(path, G_FILE_TEST_EXISTS)) {
		char *text = NULL;
		gsize len = 0;

		if (!g_file_get_contents(path, &text, &len, err)) {
			g_free(ident);
			return NULL;
		}
		keep = parse(path, text, len, plan, ident, recs, loaded, err);
		g_free(text);
		if (keep < 0) {
			for (unsigned i = 0; i < plan->n_jobs; i++)
				g_clear_pointer(&recs[i], sim_job_rec_free);
			*loaded = 0;
			g_free(ident);
			return NULL;
		}
	}
	fd = g_open(path, O_WRONLY | O_CREAT | O_CLOEXEC | (keep ? 0 : O_TRUNC),
		    0644);
	if (fd < 0 || (keep && ftruncate(fd, (off_t)keep) != 0) ||
	    lseek(fd, 0, SEEK_END) < 0) {
		sys_fail(err, path, "open");
		if (fd >= 0)
			close(fd);
		g_free(ident);
		return NULL;
	}
	if (!keep) {
		char *head = g_strconcat(JOURNAL_MAGIC, ident, "\n", NULL);
		bool ok = write_all(fd, head, strlen(head)) && fdatasync(fd) == 0;

		g_free(head);
		if (!ok) {
			sys_fail(err, path, "write");
			close(fd);
			g_free(ident);
			return NULL;
		}
	}
	g_free(ident);
	j = g_new0(struct sim_journal, 1);
	j->path = g_strdup(path);
	j->fd = fd;
	g_mutex_init(&j->lock);
	return j;
}

bool sim_journal_append(struct sim_journal *j, const struct sim_job_rec *rec,
			GError **err)
{
	char *json = sim_out_job_json(rec);
	size_t n = strlen(json);
	GString *buf = g_string_sized_new(n + 64);
	bool ok;

	g_string_printf(buf, "job %u %zu\n", rec->id.index, n);
	g_string_append_len(buf, json, (gssize)n);
	g_string_append_c(buf, '\n');
	g_free(json);
	g_mutex_lock(&j->lock);
	ok = write_all(j->fd, buf->str, buf->len) && fdatasync(j->fd) == 0;
	if (!ok)
		sys_fail(err, j->path, "append to");
	g_mutex_unlock(&j->lock);
	g_string_free(buf, TRUE);
	return ok;
}

void sim_journal_close(struct sim_journal *j, bool remove)
{
	if (!j)
		return;
	close(j->fd);
	if (remove)
		g_unlink(j->path);
	g_mutex_clear(&j->lock);
	g_free(j->path);
	g_free(j);
}
