/* bench/bench-fault.c — wall-clock cost of the read and fault paths
 * (make bench only): a sequential read(2) of a cold 16 MiB file (readahead
 * windows, read bios), mapped loads faulting every page of the cached file
 * (fault-around), the same after madvise(DONTNEED), and random mapped
 * loads by 4 threads of one process after another DONTNEED (faults with
 * fault-around first, then loads through present PTEs).  Prints wall ns per operation,
 * simulated time and engine events per wall second.
 */
#include "config.h"

#include <stdio.h>

#include "tests/fs/fixture/faults-harness.h"

#define NBLOCKS 4096u            /* 16 MiB of 4 KiB blocks */
#define NTHREADS 4
#define RANDOM_LOADS 20000u

struct bench {
	struct fh *h;
	struct vm_area_struct *vma;
	unsigned long ops;
	unsigned id;
};

static void report(struct fh *h, const char *what, gint64 t0, uint64_t ev0,
		   sim_time_t s0, unsigned long n)
{
	double wall_ns = (double)(g_get_monotonic_time() - t0) * 1000.0;
	double events = (double)(sim_world_events(h->w) - ev0);

	printf("%-40s %8.1f ns/op  %8.0f k events/s  sim %8.3f ms  (%lu ops)\n",
	       what, wall_ns / (double)n, events / wall_ns * 1e6,
	       (double)(sim_world_now(h->w) - s0) / 1e6, n);
}

static void seq_read(struct sim_task *t, void *arg)
{
	struct bench *b = arg;
	loff_t pos = 0;

	(void)t;
	while (ext4_sim_read(&b->h->file, &pos, PAGE_SIZE, NULL, NULL) > 0)
		b->ops++;
}

static void touch_all(struct sim_task *t, void *arg)
{
	struct bench *b = arg;

	(void)t;
	for (unsigned i = 0; i < NBLOCKS; i++, b->ops++)
		if (mm_sim_user_load(b->h->proc, b->vma->vm_start + i * PAGE_SIZE,
				     8, NULL))
			g_error("load failed");
}

static void dontneed(struct sim_task *t, void *arg)
{
	struct bench *b = arg;

	(void)t;
	sys_madvise(b->h->proc, b->vma->vm_start, NBLOCKS * PAGE_SIZE,
		    MADV_DONTNEED);
}

static void random_loads(struct sim_task *t, void *arg)
{
	struct bench *b = arg;
	uint64_t x = 0x9e3779b97f4a7c15ull * (b->id + 1);

	(void)t;
	for (unsigned i = 0; i < RANDOM_LOADS; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;   /* xorshift */
		mm_sim_user_load(b->h->proc, b->vma->vm_start +
				 (x % NBLOCKS) * PAGE_SIZE + (x >> 40) % 4000,
				 64, NULL);
	}
}

int main(void)
{
	struct fh_opts o = { .file_blocks = NBLOCKS };
	struct fh *h = fh_new(&o);
	struct bench b = { .h = h };
	struct bench th[NTHREADS];
	uint64_t ev0;
	sim_time_t s0;
	gint64 t0;

	b.vma = fh_mmap(h, NBLOCKS, true, false);

#define PHASE(name, fn, arg, n)                                          \
	do {                                                             \
		t0 = g_get_monotonic_time();                             \
		ev0 = sim_world_events(h->w);                            \
		s0 = sim_world_now(h->w);                                \
		fh_spawn(h, name, fn, arg);                              \
		fh_run(h);                                               \
		report(h, name, t0, ev0, s0, n);                         \
	} while (0)

	PHASE("read(2) 4 KiB, cold, sequential", seq_read, &b, NBLOCKS);
	b.ops = 0;
	PHASE("mapped load per page, cached", touch_all, &b, NBLOCKS);
	PHASE("madvise(DONTNEED) 16 MiB", dontneed, &b, 1);
	b.ops = 0;
	PHASE("mapped load per page, after DONTNEED", touch_all, &b, NBLOCKS);

	PHASE("madvise(DONTNEED) 16 MiB", dontneed, &b, 1);
	t0 = g_get_monotonic_time();
	ev0 = sim_world_events(h->w);
	s0 = sim_world_now(h->w);
	for (unsigned i = 0; i < NTHREADS; i++) {
		th[i] = (struct bench){ .h = h, .vma = b.vma, .id = i };
		fh_spawn(h, "random", random_loads, &th[i]);
	}
	fh_run(h);
	report(h, "random mapped loads, 4 threads", t0, ev0, s0,
	       NTHREADS * RANDOM_LOADS);
	fh_free(h);
	return 0;
}
