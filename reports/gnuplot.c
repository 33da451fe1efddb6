/* reports/gnuplot.c — finds gnuplot, reads its terminal list, runs the
 * plot scripts.
 *
 * All scripts go to one gnuplot process (`gnuplot a.gp b.gp ...`): each
 * begins with `reset` and sets its own terminal and output, and one process
 * saves a start-up (fonts, cairo) per plot, about half the time of a
 * render.  gnuplot stops at the first error, so if the batch fails the
 * scripts are rerun one by one, which names the culprit and still draws
 * the rest.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "reports/gnuplot.h"

/* Drains fd into buf; FALSE at end of file. */
static gboolean drain(int fd, GString *buf)
{
	char chunk[4096];
	ssize_t n = read(fd, chunk, sizeof(chunk));

	if (n > 0) {
		g_string_append_len(buf, chunk, n);
		return TRUE;
	}
	return n < 0 && (errno == EINTR || errno == EAGAIN);
}

/* g_spawn_sync(), but a SIGINT or SIGTERM (report_interrupted) kills the
 * child within 50 ms and fails with "interrupted". */
static gboolean spawn_wait(const char *dir, char **argv, char **out,
			   char **errs, int *status, GError **err)
{
	GString *ob = g_string_new(NULL), *eb = g_string_new(NULL);
	int ofd = -1, efd = -1;
	GPid pid;
	gboolean killed = FALSE;

	if (!g_spawn_async_with_pipes(dir, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD |
				      G_SPAWN_STDIN_FROM_DEV_NULL, NULL, NULL,
				      &pid, NULL, &ofd, &efd, err)) {
		g_string_free(ob, TRUE);
		g_string_free(eb, TRUE);
		return FALSE;
	}
	while (ofd >= 0 || efd >= 0) {
		struct pollfd p[2] = { { ofd, POLLIN, 0 }, { efd, POLLIN, 0 } };

		if (report_interrupted()) {
			kill(pid, SIGKILL);
			killed = TRUE;
			break;
		}
		if (poll(p, 2, 50) < 0 && errno != EINTR)
			break;
		if (ofd >= 0 && (p[0].revents & (POLLIN | POLLHUP | POLLERR)) &&
		    !drain(ofd, ob)) {
			close(ofd);
			ofd = -1;
		}
		if (efd >= 0 && (p[1].revents & (POLLIN | POLLHUP | POLLERR)) &&
		    !drain(efd, eb)) {
			close(efd);
			efd = -1;
		}
	}
	if (ofd >= 0)
		close(ofd);
	if (efd >= 0)
		close(efd);
	while (waitpid(pid, status, 0) < 0 && errno == EINTR)
		;
	g_spawn_close_pid(pid);
	*out = g_string_free(ob, FALSE);
	*errs = g_string_free(eb, FALSE);
	if (killed || report_interrupted()) {
		g_set_error(err, G_SPAWN_ERROR, G_SPAWN_ERROR_FAILED, "interrupted");
		return FALSE;
	}
	return TRUE;
}

static char *locate(void)
{
	const char *env = g_getenv("FAULTLINE_GNUPLOT");

	if (env)
		return *env ? g_find_program_in_path(env) : NULL;
#ifdef SIM_GNUPLOT
	if (g_file_test(SIM_GNUPLOT, G_FILE_TEST_IS_EXECUTABLE))
		return g_strdup(SIM_GNUPLOT);
#endif
	return g_find_program_in_path("gnuplot");
}

/* True if a line of `set terminal`'s list starts with name. */
static gboolean has_terminal(const char *list, const char *name)
{
	char **lines = g_strsplit(list, "\n", -1);
	gboolean found = FALSE;
	char **l;

	for (l = lines; *l && !found; l++) {
		const char *p = *l;
		size_t n = strlen(name);

		while (*p == ' ' || *p == '\t')
			p++;
		found = strncmp(p, name, n) == 0 && (p[n] == ' ' || p[n] == '\t');
	}
	g_strfreev(lines);
	return found;
}

void report_gnuplot_find(struct report_gnuplot *gp)
{
	char *argv[] = { NULL, (char *)"-e", (char *)"set terminal", NULL };
	char *out = NULL, *errs = NULL;
	int status;

	memset(gp, 0, sizeof(*gp));
	gp->path = locate();
	if (!gp->path)
		return;
	argv[0] = gp->path;
	/* The list goes to stderr; stdin from /dev/null keeps gnuplot from
	 * paging it ("Press return for more"). */
	if (!g_spawn_sync(NULL, argv, NULL, G_SPAWN_STDIN_FROM_DEV_NULL, NULL, NULL,
			  &out, &errs, &status, NULL) ||
	    !g_spawn_check_wait_status(status, NULL)) {
		g_clear_pointer(&gp->path, g_free);
	} else {
		char *all = g_strconcat(out, "\n", errs, NULL);

		gp->cairo = has_terminal(all, "pngcairo");
		gp->svg = has_terminal(all, "svg");
		if (!gp->cairo && !has_terminal(all, "png"))
			g_clear_pointer(&gp->path, g_free);   /* cannot draw PNG */
		g_free(all);
	}
	g_free(out);
	g_free(errs);
}

void report_gnuplot_clear(struct report_gnuplot *gp)
{
	g_clear_pointer(&gp->path, g_free);
}

static void log_lines(FILE *log, const char *text)
{
	char **lines, **l;

	if (!log || !text)
		return;
	lines = g_strsplit(text, "\n", -1);
	for (l = lines; *l; l++) {
		g_strstrip(*l);
		if (**l)
			fprintf(log, "%s: gnuplot: %s\n", g_get_prgname() ?
				g_get_prgname() : "sim-report", *l);
	}
	g_strfreev(lines);
}

/* One gnuplot process over scripts[from, to); TRUE if it exited 0.  Its
 * messages are logged only when `quiet_on_failure` is false or it
 * succeeded (a failed batch is rerun script by script, which logs them). */
static gboolean run_batch(const struct report_gnuplot *gp, const char *dir,
			  GPtrArray *scripts, guint from, guint to, FILE *log,
			  gboolean quiet_on_failure)
{
	GPtrArray *argv = g_ptr_array_new();
	char *out = NULL, *errs = NULL;
	GError *e = NULL;
	gboolean ok;
	int status;
	guint i;

	g_ptr_array_add(argv, gp->path);
	for (i = from; i < to; i++)
		g_ptr_array_add(argv, scripts->pdata[i]);
	g_ptr_array_add(argv, NULL);
	ok = spawn_wait(dir, (char **)argv->pdata, &out, &errs, &status, &e) &&
	     g_spawn_check_wait_status(status, &e);
	if (report_interrupted())
		quiet_on_failure = TRUE;
	if (ok || !quiet_on_failure) {
		log_lines(log, out);
		log_lines(log, errs);
		if (!ok && log)
			fprintf(log, "%s: gnuplot failed on plots/%s: %s\n",
				g_get_prgname() ? g_get_prgname() : "sim-report",
				(const char *)scripts->pdata[from], e->message);
	}
	g_clear_error(&e);
	g_free(out);
	g_free(errs);
	g_ptr_array_unref(argv);
	return ok;
}

void report_gnuplot_run(const struct report_gnuplot *gp, const char *dir,
			GPtrArray *scripts, FILE *log)
{
	guint i;

	if (!gp->path || !scripts->len)
		return;
	if (run_batch(gp, dir, scripts, 0, scripts->len, log, TRUE))
		return;
	for (i = 0; i < scripts->len && !report_interrupted(); i++)
		run_batch(gp, dir, scripts, i, i + 1, log, FALSE);
}
