/* tests/sim/test-event.c — the event list against a plain reference:
 * random schedules, reschedules and cancels fire in (time, scheduling
 * order); zero-delay events (the ring) interleave correctly with heap
 * entries at the same time; determinism of the trace hash; tie-shuffle
 * keeps time order, changes tie order, and not an order-insensitive result;
 * lazy cancellation stays bounded. */
#include "config.h"

#include <string.h>

#include <glib.h>

#include "sim/engine/event.h"

#define NEV 200

static uint64_t xorshift(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}

/* One random action after an event fires: the same decisions drive the
 * engine and the reference, so their logs must agree. */
struct ops {
	void (*schedule)(void *ctx, unsigned i, sim_time_t delay);
	void (*cancel)(void *ctx, unsigned i);
	void *ctx;
};

static void random_actions(const struct ops *o, uint64_t *rng, unsigned k)
{
	for (unsigned n = 0; n < k; n++) {
		uint64_t r = xorshift(rng);
		unsigned i = (unsigned)(r >> 8) % NEV;
		/* small delays: lots of ties, and zero delays for the ring */
		static const sim_time_t delays[] = { 0, 0, 0, 1, 1, 2, 3, 10, 50 };
		sim_time_t d = delays[(r >> 40) % SIM_ARRAY_SIZE(delays)];

		if ((r & 7) == 0)
			o->cancel(o->ctx, i);
		else
			o->schedule(o->ctx, i, d);
	}
}

struct fired {
	sim_time_t time;
	unsigned id;
};

/* ---- the engine side ----------------------------------------------------- */

struct eng {
	struct sim_world *w;
	struct sim_event ev[NEV];
	struct fired log[20000];
	unsigned nlog, limit;
	uint64_t rng;
	struct ops ops;
};

static void eng_schedule(void *ctx, unsigned i, sim_time_t d)
{
	struct eng *e = ctx;

	sim_event_schedule(e->w, &e->ev[i], d);
}

static void eng_cancel(void *ctx, unsigned i)
{
	struct eng *e = ctx;

	sim_event_cancel(e->w, &e->ev[i]);
	g_assert_false(sim_event_pending(&e->ev[i]));
}

static void eng_fire(struct sim_world *w, struct sim_event *ev)
{
	struct eng *e = sim_world_model(w);
	unsigned id = (unsigned)(ev - e->ev);

	g_assert_false(sim_event_pending(ev));
	e->log[e->nlog++] = (struct fired){ sim_world_now(w), id };
	if (e->nlog < e->limit)
		random_actions(&e->ops, &e->rng, 2);
}

/* ---- the reference: linear scan for the minimum (time, seq) --------------- */

struct ref {
	sim_time_t now;
	sim_time_t time[NEV];
	uint64_t seq[NEV];
	bool armed[NEV];
	uint64_t next_seq;
	struct fired log[20000];
	unsigned nlog, limit;
	uint64_t rng;
	struct ops ops;
};

static void ref_schedule(void *ctx, unsigned i, sim_time_t d)
{
	struct ref *r = ctx;

	r->time[i] = r->now + d;
	r->seq[i] = ++r->next_seq;
	r->armed[i] = true;
}

static void ref_cancel(void *ctx, unsigned i)
{
	struct ref *r = ctx;

	r->armed[i] = false;
}

static void ref_run(struct ref *r)
{
	for (;;) {
		int best = -1;

		for (unsigned i = 0; i < NEV; i++) {
			if (!r->armed[i])
				continue;
			if (best < 0 || r->time[i] < r->time[best] ||
			    (r->time[i] == r->time[best] && r->seq[i] < r->seq[best]))
				best = (int)i;
		}
		if (best < 0)
			return;
		r->armed[best] = false;
		r->now = r->time[best];
		r->log[r->nlog++] = (struct fired){ r->now, (unsigned)best };
		if (r->nlog < r->limit)
			random_actions(&r->ops, &r->rng, 2);
	}
}

static void run_pair(uint64_t seed, unsigned initial, unsigned limit)
{
	struct sim_world_params p = { .seed = seed };
	struct eng *e = g_new0(struct eng, 1);
	struct ref *r = g_new0(struct ref, 1);
	uint64_t setup = seed * 0x9e3779b97f4a7c15 | 1;

	e->w = sim_world_new(&p);
	sim_world_set_model(e->w, e);
	for (unsigned i = 0; i < NEV; i++)
		sim_event_init(e->w, &e->ev[i], eng_fire);
	e->ops = (struct ops){ eng_schedule, eng_cancel, e };
	r->ops = (struct ops){ ref_schedule, ref_cancel, r };
	e->rng = r->rng = setup;
	e->limit = r->limit = limit;

	/* initial schedule, with reschedules and cancels before the run */
	random_actions(&e->ops, &e->rng, initial);
	random_actions(&r->ops, &r->rng, initial);

	g_assert_cmpint(sim_world_run(e->w, SIM_TIME_MAX), ==, SIM_STOP_IDLE);
	ref_run(r);
	g_assert_cmpuint(e->nlog, ==, r->nlog);
	g_assert_cmpuint(sim_world_events(e->w), ==, e->nlog);
	for (unsigned i = 0; i < e->nlog; i++) {
		g_assert_cmpint(e->log[i].time, ==, r->log[i].time);
		g_assert_cmpuint(e->log[i].id, ==, r->log[i].id);
	}
	for (unsigned i = 0; i < NEV; i++)
		sim_event_destroy(e->w, &e->ev[i]);
	sim_world_free(e->w);
	g_free(e);
	g_free(r);
}

static void test_vs_reference(void)
{
	for (uint64_t seed = 1; seed <= 40; seed++)
		run_pair(seed, 300, 5000);
}

/* ---- ordering details ----------------------------------------------------- */

struct seqlog {
	struct sim_world *w;
	struct sim_event ev[8];
	unsigned order[16];
	unsigned n;
};

static void seq_fire(struct sim_world *w, struct sim_event *ev)
{
	struct seqlog *s = sim_world_model(w);
	unsigned id = (unsigned)(ev - s->ev);

	s->order[s->n++] = id;
	/* event 0 at time 10 schedules 5 now: it must come after 1..4, which
	 * were scheduled for time 10 long before (smaller seq) */
	if (id == 0)
		sim_event_schedule(w, &s->ev[5], 0);
}

static void test_equal_times_fifo(void)
{
	struct sim_world_params p = { .seed = 1 };
	struct seqlog s = { 0 };

	s.w = sim_world_new(&p);
	sim_world_set_model(s.w, &s);
	for (unsigned i = 0; i < 8; i++)
		sim_event_init(s.w, &s.ev[i], seq_fire);
	for (unsigned i = 0; i < 5; i++)
		sim_event_schedule_at(s.w, &s.ev[i], 10);
	/* rescheduling moves 2 behind 4 */
	sim_event_schedule_at(s.w, &s.ev[2], 10);
	/* cancelled: never fires */
	sim_event_schedule(s.w, &s.ev[6], 3);
	sim_event_cancel(s.w, &s.ev[6]);
	/* destroyed while pending: never fires, its slot may be reused */
	sim_event_schedule(s.w, &s.ev[7], 4);
	sim_event_destroy(s.w, &s.ev[7]);
	g_assert_cmpint(sim_world_run(s.w, SIM_TIME_MAX), ==, SIM_STOP_IDLE);
	g_assert_cmpuint(s.n, ==, 6);
	g_assert_cmpuint(s.order[0], ==, 0);
	g_assert_cmpuint(s.order[1], ==, 1);
	g_assert_cmpuint(s.order[2], ==, 3);
	g_assert_cmpuint(s.order[3], ==, 4);
	g_assert_cmpuint(s.order[4], ==, 2);
	g_assert_cmpuint(s.order[5], ==, 5);
	sim_world_free(s.w);
}

static void nop_fire(struct sim_world *w, struct sim_event *ev)
{
}

/* A timer re-armed far more often than it fires leaves stale entries; the
 * queue must compact them instead of growing with every re-arm. */
static void test_lazy_cancel_bounded(void)
{
	struct sim_world_params p = { .seed = 1 };
	struct sim_world *w = sim_world_new(&p);
	struct sim_event ev, other;

	sim_event_init(w, &ev, nop_fire);
	sim_event_init(w, &other, nop_fire);
	sim_event_schedule(w, &other, 5);
	for (int i = 0; i < 100000; i++)
		sim_event_schedule(w, &ev, 1000 + i % 17);
	g_assert_cmpuint(sim_eq_size(w->q), <, 10000);
	g_assert_true(sim_event_pending(&ev));
	g_assert_true(sim_event_pending(&other));
	g_assert_cmpint(sim_world_run(w, SIM_TIME_MAX), ==, SIM_STOP_IDLE);
	g_assert_cmpuint(sim_world_events(w), ==, 2);
	g_assert_cmpint(sim_world_now(w), ==, 1000 + 99999 % 17);
	sim_world_free(w);
}

/* The same through the ring: re-arming at delay 0 leaves stale ring
 * entries; compaction must keep the live ones in FIFO order. */
static void test_lazy_cancel_ring(void)
{
	struct sim_world_params p = { .seed = 1 };
	struct seqlog s = { 0 };
	unsigned last = 0;

	s.w = sim_world_new(&p);
	sim_world_set_model(s.w, &s);
	for (unsigned i = 1; i < 5; i++)
		sim_event_init(s.w, &s.ev[i], seq_fire);
	sim_event_schedule(s.w, &s.ev[4], 1);   /* a heap entry, later */
	for (unsigned k = 0; k < 30001; k++) {
		last = 1 + k % 3;
		sim_event_schedule(s.w, &s.ev[last], 0);
	}
	g_assert_cmpuint(last, ==, 1);
	g_assert_cmpuint(sim_eq_size(s.w->q), <, 10000);
	g_assert_cmpint(sim_world_run(s.w, SIM_TIME_MAX), ==, SIM_STOP_IDLE);
	/* the last three schedules were 2, 3, 1 (k = 29998, 29999, 30000) */
	g_assert_cmpuint(s.n, ==, 4);
	g_assert_cmpuint(s.order[0], ==, 2);
	g_assert_cmpuint(s.order[1], ==, 3);
	g_assert_cmpuint(s.order[2], ==, 1);
	g_assert_cmpuint(s.order[3], ==, 4);
	sim_world_free(s.w);
}

/* ---- determinism and tie-shuffle -------------------------------------------- */

#define NWL 64

struct wl {
	struct sim_world *w;
	struct sim_event ev[NWL];
	uint64_t rng;
	unsigned fired, limit;
	unsigned count[NWL];
	uint64_t sum;              /* order-insensitive result */
	sim_time_t last;
	uint64_t tie_sig;          /* order of ids among equal times */
	bool time_order_ok;
};

static void wl_fire(struct sim_world *w, struct sim_event *ev)
{
	struct wl *s = sim_world_model(w);
	unsigned id = (unsigned)(ev - s->ev);
	sim_time_t now = sim_world_now(w);

	if (now < s->last)
		s->time_order_ok = false;
	s->last = now;
	s->tie_sig = s->tie_sig * 31 + id;
	s->sum += (uint64_t)now * (id + 1);
	s->fired++;
	if (++s->count[id] < s->limit)
		/* the delay and the count depend on the event only, so the
		 * multiset of (time, id) firings is order-insensitive */
		sim_event_schedule(w, ev, 10 * (1 + id % 4));
}

static void wl_run(struct wl *s, uint64_t seed, bool shuffle, bool random_delays)
{
	struct sim_world_params p = { .seed = seed, .tie_shuffle = shuffle };

	memset(s, 0, sizeof(*s));
	s->w = sim_world_new(&p);
	s->rng = seed | 1;
	s->limit = 300;
	s->time_order_ok = true;
	sim_world_set_model(s->w, s);
	for (unsigned i = 0; i < NWL; i++) {
		sim_event_init(s->w, &s->ev[i], wl_fire);
		sim_event_schedule(s->w, &s->ev[i],
				   random_delays ? xorshift(&s->rng) % 100 : 0);
	}
	g_assert_cmpint(sim_world_run(s->w, SIM_TIME_MAX), ==, SIM_STOP_IDLE);
}

static void test_determinism(void)
{
	struct wl *a = g_new(struct wl, 1), *b = g_new(struct wl, 1);
	uint64_t h1, h2, h3;

	wl_run(a, 7, false, true);
	h1 = sim_world_trace_hash(a->w);
	wl_run(b, 7, false, true);
	h2 = sim_world_trace_hash(b->w);
	g_assert_cmpuint(h1, ==, h2);
	g_assert_cmpuint(a->sum, ==, b->sum);
	sim_world_free(a->w);
	sim_world_free(b->w);

	wl_run(a, 8, false, true);
	h3 = sim_world_trace_hash(a->w);
	g_assert_cmpuint(h1, !=, h3);
	sim_world_free(a->w);
	g_free(a);
	g_free(b);
}

static void test_tie_shuffle(void)
{
	struct wl *fifo = g_new(struct wl, 1), *sh = g_new(struct wl, 1);
	uint64_t sig[3], hash[3];

	/* all start at 0, delays of 10..40: many ties at every time */
	wl_run(fifo, 3, false, false);
	g_assert_true(fifo->time_order_ok);
	for (int k = 0; k < 3; k++) {
		wl_run(sh, 100 + k, true, false);
		g_assert_true(sh->time_order_ok);
		/* the same firings, in another order among ties */
		g_assert_cmpuint(sh->fired, ==, fifo->fired);
		g_assert_cmpuint(sh->sum, ==, fifo->sum);
		g_assert_cmpint(sim_world_now(sh->w), ==, sim_world_now(fifo->w));
		g_assert_cmpuint(sh->tie_sig, !=, fifo->tie_sig);
		sig[k] = sh->tie_sig;
		hash[k] = sim_world_trace_hash(sh->w);
		sim_world_free(sh->w);
	}
	/* different seeds, different tie orders */
	g_assert_cmpuint(sig[0], !=, sig[1]);
	g_assert_cmpuint(sig[1], !=, sig[2]);
	/* and the same seed reproduces its order exactly */
	wl_run(sh, 101, true, false);
	g_assert_cmpuint(sh->tie_sig, ==, sig[1]);
	g_assert_cmpuint(sim_world_trace_hash(sh->w), ==, hash[1]);
	sim_world_free(sh->w);
	sim_world_free(fifo->w);
	g_free(fifo);
	g_free(sh);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/event/vs-reference", test_vs_reference);
	g_test_add_func("/event/equal-times-fifo", test_equal_times_fifo);
	g_test_add_func("/event/lazy-cancel-bounded", test_lazy_cancel_bounded);
	g_test_add_func("/event/lazy-cancel-ring", test_lazy_cancel_ring);
	g_test_add_func("/event/determinism", test_determinism);
	g_test_add_func("/event/tie-shuffle", test_tie_shuffle);
	return g_test_run();
}
