/* tests/fs/test-io-wait.c — waits for page IO in the wait-for graph.
 *
 * The design-A hang (FIDELITY 3.4): ext4_writepages puts a page under
 * writeback into its ext4_io_submit bio, does not submit it yet, and blocks
 * on i_data_sem to map the next extent; the puncher holds i_data_sem (w)
 * (strategy i_data_sem_held) and waits in truncate_inode_pages_range for
 * that page's writeback.  Nothing will ever submit the bio: a deadlock,
 * which the engine must report (page writeback waits name the bio's
 * builder) instead of running to the time limit.  With the bio submitted
 * before the writer blocks, the same waits are no cycle (the device ends
 * the IO), and no deadlock may be reported.
 *
 * All steps are ordered by state, not by timing: helper tasks poll (1 us
 * steps, bounded) until the others reach the wait the scenario needs.
 *   L  holds the lock of the delalloc page W will need to map, so W stops
 *      with its bio open (or, in the control, after submitting it);
 *   M  holds i_mutex so the puncher stops after its
 *      filemap_write_and_wait_range (which must find page 0 clean) and
 *      before taking i_data_sem;
 *   W  dirties page 0 by a mapped store (buffers mapped: writepages sends
 *      it straight into the open bio), then writes the file back.
 * The device is slowed to 1 ms per write so a submitted bio is still in
 * flight while the control's waits line up.
 *
 * The read side has the same shape (ext4_mpage_readpages keeps a read bio
 * of locked pages across the next page's ext4_map_blocks): lock_page on a
 * page held by an unsubmitted read bio waits for the bio's builder.  That
 * is checked on the bio API directly (the readpages interleaving needs an
 * es-cache miss at the right page; stale-hole.cfg shows it in a workload).
 */
#include "config.h"

#include <string.h>

#include "tests/fs/fixture/removes-harness.h"
#include "fs/ext4/ext4_map.h"
#include "fs/ext4/writes_internal.h"
#include "fs/writeback.h"
#include "fs/block/disk.h"
#include "fs/mm/fault.h"

#define BS 4096u
#define POLL_MAX 20000   /* 1 us steps: 20 ms of simulated time */

struct scen {
	struct rh *h;
	struct rh_task *w, *p;
	pgoff_t locked;          /* the delalloc page L holds */
	int punch_ret;
	bool w_saw_open_bio;     /* page 0's bio was unsubmitted when W blocked */
	bool p_waited_wb;        /* the puncher slept in wait_on_page_writeback */
};

static bool blocked(const struct rh_task *t)
{
	return t->t && !t->done && sim_task_waiting_on(t->t) != NULL;
}

static struct page *peek(struct rh *h, pgoff_t index)
{
	return page_cache_sim_peek(h->inode->i_mapping, index);
}

static void setup_fn(struct rh *h, void *arg)
{
	const pgoff_t *delalloc = arg;

	/* page 0: allocated, cached clean with mapped buffers */
	rh_fill(h, 0, 1, rh_stamp(h, 0, BS), false);
	rh_cache_page(h, 0, false);
	/* the delalloc pages: buffered writes into holes */
	for (const pgoff_t *i = delalloc; *i != (pgoff_t)-1; i++)
		g_assert_cmpint(ext4_sim_sys_write(&h->file,
						   (loff_t)(*i * BS), BS,
						   false, false, 1, NULL),
				==, BS);
}

static void holder_l_fn(struct rh *h, void *arg)
{
	struct scen *s = arg;
	struct page *page = find_lock_page(h->inode->i_mapping, s->locked);
	struct page *p0 = peek(h, 0);
	unsigned n = 0;

	g_assert_nonnull(page);
	g_assert_true(PageDirty(page));
	/* until the puncher sleeps on page 0's writeback */
	while (!(s->p->t && sim_task_waiting_on(s->p->t) == &p0->wb_wo)) {
		g_assert_cmpuint(++n, <, POLL_MAX);
		sim_task_sleep(current, SIM_USEC);
	}
	s->p_waited_wb = true;
	unlock_page(page);
	put_page(page);
}

static void holder_m_fn(struct rh *h, void *arg)
{
	struct scen *s = arg;
	struct page *p0 = peek(h, 0);
	unsigned n = 0;

	mutex_lock(&h->inode->i_mutex);
	/* until W sleeps on L's page with page 0 under writeback */
	while (!(blocked(s->w) && PageWriteback(p0))) {
		g_assert_cmpuint(++n, <, POLL_MAX);
		sim_task_sleep(current, SIM_USEC);
	}
	s->w_saw_open_bio = p0->wb_via &&
		container_of(p0->wb_via, struct ext4_sim_wbio, wo)->holder;
	mutex_unlock(&h->inode->i_mutex);
}

static void puncher_fn(struct rh *h, void *arg)
{
	struct scen *s = arg;

	sim_task_sleep(current, SIM_USEC);
	s->punch_ret = (int)rh_fallocate(h, FALLOC_FL_PUNCH_HOLE |
					 FALLOC_FL_KEEP_SIZE, 0, BS);
}

/* Other activity, as a workload has: without it a world whose tasks all
 * sleep forever also ends ("no event pending"), with or without the
 * wait-for edge under test.  Ticks until the others are done, at most
 * TICKER_END. */
#define TICKER_END (5 * SIM_MSEC)

static void ticker_fn(struct rh *h, void *arg)
{
	struct scen *s = arg;

	(void)h;
	while (!(s->p->done && s->w->done) &&
	       sim_task_now(current) < TICKER_END)
		sim_task_sleep(current, 10 * SIM_USEC);
}

static void writer_fn(struct rh *h, void *arg)
{
	struct scen *s = arg;
	unsigned n = 0;

	/* until the puncher is past its own write-and-wait (page 0 clean
	 * then) and sleeps on i_mutex */
	while (!blocked(s->p)) {
		g_assert_cmpuint(++n, <, POLL_MAX);
		sim_task_sleep(current, SIM_USEC);
	}
	g_assert_false(PageDirty(peek(h, 0)));
	rh_store(h, 0, 0, BS, rh_stamp(h, 0, BS));
	g_assert_cmpint(filemap_fdatawrite(h->inode->i_mapping), ==, 0);
}

/* Run the scenario; the delalloc pages are listed in delalloc (ending
 * with -1), L holds `locked`. */
static enum sim_stop run(const char *strategy, const pgoff_t *delalloc,
			 pgoff_t locked, struct scen *s, struct rh **hp)
{
	struct rh_opts o = { .strategy = strategy };
	struct rh *h = rh_new(&o);
	struct block_device *bdev = &EXT4_SB(h->sb)->s_disk->bdev;

	rh_run(h, setup_fn, (void *)delalloc);
	bdev->prof.write_lat = SIM_MSEC;
	*s = (struct scen){ .h = h, .locked = locked, .punch_ret = -1 };
	h->ntasks = 0;
	rh_spawn(h, "holder-L", holder_l_fn, s);
	rh_spawn(h, "holder-M", holder_m_fn, s);
	s->p = rh_spawn(h, "puncher", puncher_fn, s);
	s->w = rh_spawn(h, "writeback", writer_fn, s);
	rh_spawn(h, "ticker", ticker_fn, s);
	*hp = h;
	return rh_go(h);
}

/* Design A, the page in an unsubmitted bio: a deadlock, reported. */
static void test_unsubmitted_bio_deadlock(void)
{
	static const pgoff_t delalloc[] = { 2, (pgoff_t)-1 };
	struct scen s;
	struct rh *h;
	enum sim_stop stop = run("i_data_sem_held", delalloc, 2, &s, &h);

	if (g_test_verbose() && h->report)
		g_printerr("%s\n", h->report);
	g_assert_true(s.w_saw_open_bio);
	g_assert_true(s.p_waited_wb);
	g_assert_cmpint(stop, ==, SIM_STOP_DEADLOCK);
	g_assert_cmpstr(h->kind, ==, "deadlock");
	/* found when the cycle closed, not when the world ran dry */
	g_assert_cmpint(sim_world_now(h->w), <, TICKER_END);
	g_assert_false(rh_all_done(h));
	/* the cycle is puncher <-> writeback, through the bio */
	g_assert_nonnull(strstr(h->report, "cycle of 2 tasks"));
	g_assert_nonnull(strstr(h->report, "wait_on_page_writeback"));
	g_assert_nonnull(strstr(h->report, "not submitted"));
	g_assert_nonnull(strstr(h->report, "ext4_map_blocks"));
	g_assert_true(sim_task_waiting_on(s.p->t) == &peek(h, 0)->wb_wo);
	h->ntasks = 0;
	rh_free(h);
}

/* The same interleaving without design A: the puncher waits for the
 * writeback without i_data_sem, the writer maps its extent and submits. */
static void test_unsubmitted_bio_lockless(void)
{
	static const pgoff_t delalloc[] = { 2, (pgoff_t)-1 };
	struct scen s;
	struct rh *h;
	enum sim_stop stop = run("lockless", delalloc, 2, &s, &h);

	g_assert_cmpint(stop, !=, SIM_STOP_DEADLOCK);
	g_assert_true(s.w_saw_open_bio);
	g_assert_true(s.p_waited_wb);
	g_assert_true(rh_all_done(h));
	g_assert_cmpuint(h->findings, ==, 0);
	g_assert_cmpint(s.punch_ret, ==, 0);
	rh_free(h);
}

/* Design A with page 0's bio submitted before the writer blocks: page 1
 * (delalloc) ends the first round's extent, so ext4_writepages submits
 * the round's bio before it goes on to page 3 (L's).  The puncher then
 * waits for IO in flight while the writer waits for its i_data_sem: no
 * cycle, no deadlock; the IO ends and both finish. */
static void test_submitted_bio_no_deadlock(void)
{
	static const pgoff_t delalloc[] = { 1, 3, (pgoff_t)-1 };
	struct scen s;
	struct rh *h;
	enum sim_stop stop = run("i_data_sem_held", delalloc, 3, &s, &h);

	if (g_test_verbose() && h->report)
		g_printerr("%s\n", h->report);
	g_assert_false(s.w_saw_open_bio);
	g_assert_true(s.p_waited_wb);
	g_assert_cmpint(stop, !=, SIM_STOP_DEADLOCK);
	g_assert_true(rh_all_done(h));
	g_assert_cmpint(s.punch_ret, ==, 0);
	/* the writer did queue behind the puncher's i_data_sem */
	g_assert_cmpuint(rh_contentions(h, "i_data_sem"), >=, 1);
	rh_free(h);
}

/* ---- read bios ------------------------------------------------------------------- */

struct rscen {
	struct rh_task *r, *p;
	struct page *page;
	uint64_t pblk;
	bool submit_first;
};

static void read_end_io(struct sim_rbio *rb)
{
	for (unsigned i = 0; i < rb->vcnt; i++)
		page_endio(rb->vec[i].page, READ, rb->bio.bi_error);
	sim_rbio_put(rb);
}

/* R: a page locked for a read it has queued in a bio, then i_data_sem (r)
 * (as readpages mapping its next page), then the submission. */
static void reader_fn(struct rh *h, void *arg)
{
	struct rscen *s = arg;
	struct ext4_inode_info *ei = EXT4_I(h->inode);
	struct sim_rbio *rb;

	s->page = page_cache_alloc(h->inode->i_mapping);
	g_assert_cmpint(add_to_page_cache_lru(s->page, h->inode->i_mapping,
					      5), ==, 0);
	rb = sim_rbio_alloc(h->sb, s->pblk, read_end_io);
	g_assert_true(sim_rbio_add_page(rb, s->page, NULL, 0, BS));
	page_sim_lock_hand_to_io(s->page);
	if (s->submit_first)
		sim_rbio_submit(rb);
	down_read(&ei->i_data_sem);
	up_read(&ei->i_data_sem);
	if (!s->submit_first)
		sim_rbio_submit(rb);
}

/* P: i_data_sem (w), then the page's lock (as design A's truncation). */
static void locker_fn(struct rh *h, void *arg)
{
	struct rscen *s = arg;
	struct ext4_inode_info *ei = EXT4_I(h->inode);
	unsigned n = 0;

	down_write(&ei->i_data_sem);
	while (!blocked(s->r)) {
		g_assert_cmpuint(++n, <, POLL_MAX);
		sim_task_sleep(current, SIM_USEC);
	}
	lock_page(s->page);
	g_assert_true(PageUptodate(s->page));
	unlock_page(s->page);
	put_page(s->page);   /* page_cache_alloc's reference */
	up_write(&ei->i_data_sem);
}

static void check_read_bio(bool submit_first)
{
	struct rh_opts o = { .strategy = "i_data_sem_held" };
	struct rh *h = rh_new(&o);
	struct rscen s = { .submit_first = submit_first };
	struct scen tick = { 0 };
	ext4_fsblk_t pblk;
	bool unwritten;
	enum sim_stop stop;

	rh_run(h, setup_fn, (void *)(const pgoff_t[]){ (pgoff_t)-1 });
	g_assert_true(rh_lookup(h, 0, &pblk, &unwritten));
	s.pblk = pblk;
	h->ntasks = 0;
	s.r = rh_spawn(h, "reader", reader_fn, &s);
	s.p = rh_spawn(h, "locker", locker_fn, &s);
	tick.p = s.p;
	tick.w = s.r;
	rh_spawn(h, "ticker", ticker_fn, &tick);
	stop = rh_go(h);
	if (g_test_verbose() && h->report)
		g_printerr("%s\n", h->report);
	if (!submit_first) {
		g_assert_cmpint(stop, ==, SIM_STOP_DEADLOCK);
		g_assert_cmpstr(h->kind, ==, "deadlock");
		g_assert_cmpint(sim_world_now(h->w), <, TICKER_END);
		g_assert_nonnull(strstr(h->report, "cycle of 2 tasks"));
		g_assert_nonnull(strstr(h->report,
					"read bio of 1 pages built by reader"));
		h->ntasks = 0;
	} else {
		g_assert_cmpint(stop, !=, SIM_STOP_DEADLOCK);
		g_assert_true(rh_all_done(h));
		g_assert_cmpuint(h->findings, ==, 0);
	}
	rh_free(h);
}

static void test_read_bio_unsubmitted_deadlock(void)
{
	check_read_bio(false);
}

static void test_read_bio_submitted_no_deadlock(void)
{
	check_read_bio(true);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/io-wait/unsubmitted-bio-deadlock",
			test_unsubmitted_bio_deadlock);
	g_test_add_func("/io-wait/unsubmitted-bio-lockless",
			test_unsubmitted_bio_lockless);
	g_test_add_func("/io-wait/submitted-bio-no-deadlock",
			test_submitted_bio_no_deadlock);
	g_test_add_func("/io-wait/read-bio-unsubmitted-deadlock",
			test_read_bio_unsubmitted_deadlock);
	g_test_add_func("/io-wait/read-bio-submitted-no-deadlock",
			test_read_bio_submitted_no_deadlock);
	return g_test_run();
}
