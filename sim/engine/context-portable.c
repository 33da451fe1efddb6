/* sim/engine/context-portable.c — the portable context backend: makecontext() sets
 * a new stack up once, _setjmp/_longjmp switch.
 *
 * Setting up: makecontext + swapcontext run a trampoline on the new stack
 * just far enough to _setjmp() there, then setcontext() back.  From then on
 * every switch is _setjmp(from) + _longjmp(to): user-space only, no signal
 * mask (swapcontext does a sigprocmask syscall per switch, ~300 ns).
 *
 * Jumping "sideways" onto another stack is what _FORTIFY_SOURCE's
 * longjmp_chk refuses, so this file is built with -U_FORTIFY_SOURCE
 * (sim/engine.mk) and is the only one that calls _longjmp.
 */
/* Whatever the build flags say (sim/engine.mk also passes -U). */
#undef _FORTIFY_SOURCE
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>

#include "sim/engine/context.h"

struct sim_context_boot {
	struct sim_context *c;
	sim_context_entry_fn entry;
	void *arg;
	ucontext_t back;
#ifdef SIM_CONTEXT_TSAN
	void *creator_fiber;
#endif
};

void sim_context_swap_portable(struct sim_context *from,
			       struct sim_context *to)
{
	if (_setjmp(from->jb) == 0) {
#ifdef SIM_CONTEXT_TSAN
		sim_context_tsan_switch(from, to);
#endif
		_longjmp(to->jb, 1);
	}
}

static void sim_context_trampoline(unsigned hi, unsigned lo)
{
	struct sim_context_boot *b = (struct sim_context_boot *)
		(((uintptr_t)hi << 32) | (uintptr_t)lo);
	/* volatile: read again after _setjmp returns the second time; the
	 * boot record lives on the creator's stack and is gone by then. */
	struct sim_context *volatile c = b->c;
	sim_context_entry_fn volatile entry = b->entry;
	void *volatile arg = b->arg;

#ifdef SIM_CONTEXT_ASAN
	const void *from_bottom;
	size_t from_size;

	__sanitizer_finish_switch_fiber(NULL, &from_bottom, &from_size);
#endif
	if (_setjmp(c->jb) == 0) {
#ifdef SIM_CONTEXT_ASAN
		__sanitizer_start_switch_fiber(&c->fake_stack, from_bottom,
					       from_size);
#endif
#ifdef SIM_CONTEXT_TSAN
		__tsan_switch_to_fiber(b->creator_fiber, 0);
#endif
		setcontext(&b->back);
		abort();
	}
	/* First real switch to this context. */
	entry(arg);
	abort();
}

void sim_context_init(struct sim_context *c, void *stack, size_t size,
		      struct sim_context *parent, sim_context_entry_fn entry,
		      void *arg)
{
	struct sim_context_boot b = { .c = c, .entry = entry, .arg = arg };
	ucontext_t uc;
#ifdef SIM_CONTEXT_ASAN
	void *fake = NULL;
#endif

	memset(c, 0, sizeof(*c));
#ifdef SIM_CONTEXT_ASAN
	c->stack_bottom = stack;
	c->stack_size = size;
	c->parent = parent;
#else
	(void)parent;
#endif
#ifdef SIM_CONTEXT_TSAN
	c->tsan_fiber = __tsan_create_fiber(0);
	b.creator_fiber = __tsan_get_current_fiber();
#endif
	if (getcontext(&uc) != 0)
		abort();
	uc.uc_stack.ss_sp = stack;
	uc.uc_stack.ss_size = size;
	uc.uc_link = NULL;
	makecontext(&uc, (void (*)(void))sim_context_trampoline, 2,
		    (unsigned)((uintptr_t)&b >> 32), (unsigned)(uintptr_t)&b);
#ifdef SIM_CONTEXT_ASAN
	__sanitizer_start_switch_fiber(&fake, stack, size);
#endif
#ifdef SIM_CONTEXT_TSAN
	/* the trampoline runs (and _setjmps) as c's fiber */
	__tsan_switch_to_fiber(c->tsan_fiber, 0);
#endif
	if (swapcontext(&b.back, &uc) != 0)
		abort();
#ifdef SIM_CONTEXT_ASAN
	__sanitizer_finish_switch_fiber(fake, NULL, NULL);
#endif
}
