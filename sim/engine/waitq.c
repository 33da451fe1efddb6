/* sim/engine/waitq.c — wait queues and completions: every sleep in the model is
 * built on these (or on sim_task_block directly, for the locks).
 *
 * Mirrors kernel/sched/wait.c and kernel/sched/completion.c (v4.4):
 * wait_event(), wake_up() (one exclusive waiter), wake_up_all(),
 * wait_for_completion(), complete(), complete_all().
 *
 * Simplifications: no exclusive/non-exclusive distinction (every waiter is
 * exclusive for wake_one, all go for wake_all); no timeouts or signals
 * (interruptible waits are not modelled); complete_all() sets done to
 * UINT_MAX as kernels since v5.x do, rather than v4.4's done += UINT_MAX/2
 * — the same for any count of waiters we can have.  Waiters are queued in
 * arrival order and woken FIFO.
 */
#include "config.h"

#include <limits.h>
#include <stdio.h>

#include "sim/engine/internal.h"

void sim_waitq_init(struct sim_waitq *q)
{
	sim_list_init(&q->head);
}

void sim_waitq_sleep(struct sim_task *t, struct sim_waitq *q,
		     const struct sim_waitobj *on, const char *where)
{
	sim_list_add_tail(&t->wq_node, &q->head);
	sim_task_block(t, on, where);
	/* finish_wait(): a wake-up that did not come through this queue
	 * (sim_task_wake directly) leaves us queued. */
	if (!sim_list_empty(&t->wq_node))
		sim_list_del(&t->wq_node);
}

bool sim_waitq_wake_one(struct sim_waitq *q)
{
	struct sim_task *t;

	if (sim_list_empty(&q->head))
		return false;
	t = sim_list_first_entry(&q->head, struct sim_task, wq_node);
	sim_list_del(&t->wq_node);
	sim_task_wake(t);
	return true;
}

unsigned sim_waitq_wake_all(struct sim_waitq *q)
{
	unsigned n = 0;

	while (sim_waitq_wake_one(q))
		n++;
	return n;
}

bool sim_waitq_active(const struct sim_waitq *q)
{
	return !sim_list_empty(&q->head);
}

/* ---- completions --------------------------------------------------------- */

static void sim_completion_blockers(const struct sim_waitobj *o,
				    const struct sim_task *waiter,
				    sim_blocker_fn fn, void *ctx)
{
	const struct sim_completion *c =
		container_of(o, struct sim_completion, wo);

	if (c->signaller)
		fn(c->signaller, ctx);
}

static void sim_completion_describe(const struct sim_waitobj *o, char *buf,
				    size_t len)
{
	const struct sim_completion *c =
		container_of(o, struct sim_completion, wo);
	const struct sim_list *pos;
	unsigned waiters = 0;

	sim_list_for_each(pos, &c->wq.head)
		waiters++;
	if (c->signaller)
		snprintf(buf, len, "completion %s: done=%u, %u waiting, "
			 "signalled by %s/%u", o->name, c->done, waiters,
			 c->signaller->name, c->signaller->id);
	else
		snprintf(buf, len, "completion %s: done=%u, %u waiting, "
			 "signaller unknown", o->name, c->done, waiters);
}

static const struct sim_waitobj_ops sim_completion_ops = {
	.kind = "completion",
	.for_each_blocker = sim_completion_blockers,
	.describe = sim_completion_describe,
};

void sim_completion_init(struct sim_completion *c, const char *name)
{
	c->wo.ops = &sim_completion_ops;
	c->wo.name = name;
	c->done = 0;
	sim_waitq_init(&c->wq);
	c->signaller = NULL;
}

void sim_completion_reinit(struct sim_completion *c)
{
	c->done = 0;
}

void sim_completion_set_signaller(struct sim_completion *c,
				  struct sim_task *t)
{
	c->signaller = t;
}

void sim_wait_for_completion(struct sim_task *t, struct sim_completion *c,
			     const char *where)
{
	/* a wait point: a step boundary (before waiting) */
	if (c->done == 0)
		sim_task_step_inline(t, where);
	/* A woken waiter re-checks: another task may have consumed the count
	 * first, as in do_wait_for_common(). */
	while (c->done == 0)
		sim_waitq_sleep(t, &c->wq, &c->wo, where);
	if (c->done != UINT_MAX)
		c->done--;
}

void sim_complete(struct sim_completion *c)
{
	if (c->done != UINT_MAX)
		c->done++;
	sim_waitq_wake_one(&c->wq);
}

void sim_complete_all(struct sim_completion *c)
{
	c->done = UINT_MAX;
	sim_waitq_wake_all(&c->wq);
}
