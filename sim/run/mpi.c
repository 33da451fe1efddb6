/* sim/run/mpi.c — the plan's jobs over MPI ranks (see mpi.h). */
#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "sim/run/merge.h"
#include "sim/run/mpi.h"
#include "sim/run/output.h"

#ifdef HAVE_MPI
#include <mpi.h>

enum { TAG_HELLO = 1, TAG_ASK, TAG_JOB, TAG_DONE, TAG_FAIL };

#define MPI_RUN_ERROR (mpi_run_error_quark())
static G_DEFINE_QUARK(sim-mpi-error-quark, mpi_run_error)

static int mpi_rank, mpi_size = 1;
static bool mpi_on;

bool sim_mpi_init(int *argc, char ***argv)
{
	int provided;

	if (MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided) !=
	    MPI_SUCCESS)
		return false;
	MPI_Comm_rank(MPI_COMM_WORLD, &mpi_rank);
	MPI_Comm_size(MPI_COMM_WORLD, &mpi_size);
	mpi_on = true;
	return true;
}

void sim_mpi_finalize(void)
{
	if (mpi_on)
		MPI_Finalize();
	mpi_on = false;
}

int sim_mpi_rank(void)
{
	return mpi_rank;
}

int sim_mpi_size(void)
{
	return mpi_size;
}

/* SIGINT/SIGTERM: stop handing out (rank 0) or cut the running jobs
 * short (workers); the flag is polled, never acted on in the handler. */
static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
	(void)sig;
	got_signal = 1;
}

static void catch_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/* Receives the next message from anyone into a g_malloc'd, NUL-ended
 * buffer, polling so a signal is noticed within a millisecond. */
static char *recv_any(int *src, int *tag, int *len, gint *stop)
{
	MPI_Status st;
	int flag = 0;
	char *buf;

	for (;;) {
		MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st);
		if (flag)
			break;
		if (got_signal && stop)
			g_atomic_int_set(stop, 1);
		g_usleep(1000);
	}
	MPI_Get_count(&st, MPI_CHAR, len);
	buf = g_malloc((gsize)*len + 1);
	MPI_Recv(buf, *len, MPI_CHAR, st.MPI_SOURCE, st.MPI_TAG, MPI_COMM_WORLD,
		 MPI_STATUS_IGNORE);
	buf[*len] = '\0';
	*src = st.MPI_SOURCE;
	*tag = st.MPI_TAG;
	return buf;
}

/* A model error as a worker sends it: "M\n" then phase, file, line,
 * time, events, task ("" for none) and message, one per line. */
static char *merr_format(const struct sim_model_error *e)
{
	return g_strdup_printf("M\n%s\n%s\n%d\n%" G_GINT64_FORMAT "\n%"
			       G_GUINT64_FORMAT "\n%s\n%s", e->phase ? e->phase : "",
			       e->file ? e->file : "", e->line, (gint64)e->time,
			       (guint64)e->events, e->task ? e->task : "",
			       e->message ? e->message : "");
}

static struct sim_model_error *merr_parse(const struct sim_plan *plan,
					  unsigned idx, const char *text)
{
	struct sim_model_error *e = g_new0(struct sim_model_error, 1);
	char **f = g_strsplit(text, "\n", 7);
	unsigned n = g_strv_length(f);

	e->id = sim_plan_job(plan, idx);
	e->phase = g_strdup(n > 0 ? f[0] : "run");
	e->file = g_strdup(n > 1 ? f[1] : "?");
	e->line = n > 2 ? atoi(f[2]) : 0;
	e->time = n > 3 ? (sim_time_t)g_ascii_strtoll(f[3], NULL, 10) : 0;
	e->events = n > 4 ? g_ascii_strtoull(f[4], NULL, 10) : 0;
	e->task = n > 5 && f[5][0] ? g_strdup(f[5]) : NULL;
	e->message = g_strdup(n > 6 ? f[6] : "?");
	g_strfreev(f);
	return e;
}

struct sim_run *sim_mpi_run(const struct sim_model_ops *ops,
			    const struct sim_plan *plan,
			    const struct sim_runner_opts *o, GError **err)
{
	struct sim_run *run = sim_run_new(plan);
	GArray *todo = g_array_new(FALSE, FALSE, sizeof(guint));
	char *ident = sim_out_plan_ident(plan);
	unsigned workers = (unsigned)mpi_size - 1, told = 0;
	unsigned handed = 0, received = 0, npre = 0, finished = 0, i;
	gint64 t0 = g_get_monotonic_time();
	GError *first = NULL;
	struct sim_sched *sched;
	gint stop = 0;

	SIM_BUG_ON(mpi_rank != 0 || mpi_size < 2);
	for (i = 0; i < plan->n_jobs; i++) {
		if (o->preloaded && o->preloaded[i]) {
			run->recs[i] = o->preloaded[i];
			o->preloaded[i] = NULL;
			npre++;
		} else if (sim_plan_in_shard(plan, i)) {
			g_array_append_val(todo, i);
		}
	}
	sched = sim_sched_new(plan, todo);
	if (o->catch_sigint)
		catch_signals();
	while (told < workers || received < handed) {
		int src, tag, len;
		char *msg = recv_any(&src, &tag, &len, &stop);

		switch (tag) {
		case TAG_HELLO:
			if (strcmp(msg, ident) != 0 && !first) {
				g_set_error(&first, MPI_RUN_ERROR, 0, "rank %d "
					    "built another plan than rank 0 "
					    "(same command line, same files on "
					    "every node?)", src);
				g_atomic_int_set(&stop, 1);
			}
			break;
		case TAG_ASK: {
			int32_t idx = -1;

			if (!g_atomic_int_get(&stop) && handed < todo->len) {
				idx = (int32_t)sim_sched_pick(sched);
				handed++;
			} else {
				told++;
			}
			MPI_Send(&idx, 1, MPI_INT32_T, src, TAG_JOB,
				 MPI_COMM_WORLD);
			break;
		}
		case TAG_DONE: {
			unsigned idx;
			double cpu;
			int used = 0;
			struct sim_job_rec *rec = NULL;
			GError *rerr = NULL;

			received++;
			if (sscanf(msg, "%u %lf\n%n", &idx, &cpu, &used) != 2 ||
			    idx >= plan->n_jobs || run->recs[idx]) {
				if (!first)
					g_set_error(&first, MPI_RUN_ERROR, 0,
						    "rank %d sent a damaged "
						    "result", src);
				g_atomic_int_set(&stop, 1);
				break;
			}
			if (used == len)        /* cut short by a signal */
				break;
			if (msg[used] == 'M' && msg[used + 1] == '\n') {
				sim_run_add_error(run, merr_parse(plan, idx,
								  msg + used + 2));
				sim_sched_done(sched, idx, cpu);
				break;
			}
			{
				char *what = g_strdup_printf("rank %d: job %u",
							     src, idx);

				rec = sim_merge_read_job(plan, what, msg + used,
							 (gsize)(len - used), &rerr);
				g_free(what);
			}
			if (!rec) {
				if (!first)
					first = rerr;
				else
					g_clear_error(&rerr);
				g_atomic_int_set(&stop, 1);
				break;
			}
			run->recs[idx] = rec;
			finished++;
			sim_sched_done(sched, idx, cpu);
			if (o->journal &&
			    !sim_journal_append(o->journal, rec, &rerr)) {
				g_printerr("sim: %s\n", rerr->message);
				g_clear_error(&rerr);
			}
			break;
		}
		case TAG_FAIL: {
			char *nl = strchr(msg, '\n');

			received++;
			if (!first)
				g_set_error(&first, MPI_RUN_ERROR, 0, "%s",
					    nl ? nl + 1 : msg);
			g_atomic_int_set(&stop, 1);
			break;
		}
		default:
			break;
		}
		g_free(msg);
	}
	sim_sched_free(sched);
	g_free(ident);
	run->wall_s = (double)(g_get_monotonic_time() - t0) / 1e6;
	run->threads = workers;
	for (i = 0; i < plan->n_jobs; i++)
		if (run->recs[i])
			sim_run_count(run, run->recs[i]);
	run->interrupted = finished + run->model_errors < todo->len;
	g_array_unref(todo);
	if (first) {
		g_propagate_error(err, first);
		sim_run_free(run);
		return NULL;
	}
	return run;
}

/* ---- workers ------------------------------------------------------------------ */

struct wk {
	const struct sim_model_ops *ops;
	const struct sim_plan *plan;
	GAsyncQueue *done;          /* char *: a TAG_DONE/TAG_FAIL message */
	gint stop;
};

/* A finished job's message: "I CPU\n" + record (TAG_DONE), "I CPU\n"
 * alone when it was cut short, or "I\n" + error ('!' first: TAG_FAIL). */
static void wk_job(gpointer data, gpointer user)
{
	struct wk *wk = user;
	unsigned idx = GPOINTER_TO_UINT(data) - 1;
	GError *err = NULL;
	struct sim_model_error *merr = NULL;
	double cpu = 0;
	struct sim_job_rec *rec = sim_runner_run_job(wk->ops, wk->plan, idx,
						     &wk->stop, &merr, &cpu,
						     &err);
	char *msg;

	if (err) {
		msg = g_strdup_printf("!%u\n%s", idx, err->message);
		g_error_free(err);
	} else if (merr) {
		char *m = merr_format(merr);

		msg = g_strdup_printf("%u %.9f %s", idx, cpu, m);
		g_free(m);
		sim_model_error_free(merr);
	} else if (!rec) {
		msg = g_strdup_printf("%u %.9f\n", idx, cpu);
	} else {
		char *json = sim_out_job_json(rec);

		msg = g_strdup_printf("%u %.9f\n%s", idx, cpu, json);
		g_free(json);
		sim_job_rec_free(rec);
	}
	g_async_queue_push(wk->done, msg);
}

bool sim_mpi_work(const struct sim_model_ops *ops, const struct sim_plan *plan,
		  unsigned threads, GError **err)
{
	struct wk wk = { .ops = ops, .plan = plan };
	char *ident = sim_out_plan_ident(plan);
	unsigned inflight = 0;
	bool more = true;
	GThreadPool *pool;

	SIM_BUG_ON(mpi_rank == 0);
	catch_signals();
	MPI_Send(ident, (int)strlen(ident), MPI_CHAR, 0, TAG_HELLO,
		 MPI_COMM_WORLD);
	g_free(ident);
	wk.done = g_async_queue_new();
	pool = g_thread_pool_new(wk_job, &wk, (gint)MAX(threads, 1u), TRUE, NULL);
	while (more || inflight) {
		char *msg;

		while (more && inflight < MAX(threads, 1u)) {
			int32_t idx;

			MPI_Send(NULL, 0, MPI_CHAR, 0, TAG_ASK, MPI_COMM_WORLD);
			MPI_Recv(&idx, 1, MPI_INT32_T, 0, TAG_JOB,
				 MPI_COMM_WORLD, MPI_STATUS_IGNORE);
			if (idx < 0) {
				more = false;
				break;
			}
			g_thread_pool_push(pool, GUINT_TO_POINTER((unsigned)idx + 1),
					   NULL);
			inflight++;
		}
		if (!inflight)
			break;
		/* poll, so a signal cuts the running jobs short */
		while (!(msg = g_async_queue_timeout_pop(wk.done, 1000)))
			if (got_signal)
				g_atomic_int_set(&wk.stop, 1);
		if (msg[0] == '!')
			MPI_Send(msg + 1, (int)strlen(msg + 1), MPI_CHAR, 0,
				 TAG_FAIL, MPI_COMM_WORLD);
		else
			MPI_Send(msg, (int)strlen(msg), MPI_CHAR, 0, TAG_DONE,
				 MPI_COMM_WORLD);
		g_free(msg);
		inflight--;
	}
	g_thread_pool_free(pool, FALSE, TRUE);
	g_async_queue_unref(wk.done);
	(void)err;
	return true;
}

#else /* !HAVE_MPI */

bool sim_mpi_init(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return false;
}

void sim_mpi_finalize(void)
{
}

int sim_mpi_rank(void)
{
	return 0;
}

int sim_mpi_size(void)
{
	return 1;
}

struct sim_run *sim_mpi_run(const struct sim_model_ops *ops,
			    const struct sim_plan *plan,
			    const struct sim_runner_opts *o, GError **err)
{
	return sim_runner_run(ops, plan, o, err);
}

bool sim_mpi_work(const struct sim_model_ops *ops, const struct sim_plan *plan,
		  unsigned threads, GError **err)
{
	(void)ops;
	(void)plan;
	(void)threads;
	(void)err;
	return true;
}

#endif /* HAVE_MPI */
