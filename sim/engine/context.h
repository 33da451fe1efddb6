/* sim/engine/context.h — stack switching for task coroutines, and nothing else.
 *
 * A context is a suspended stack.  sim_context_switch() saves the running
 * one into `from` and resumes `to`; the only callers are sim/task.[ch].  The
 * topology is a star: the event loop switches to a task, the task switches
 * back to the loop.
 *
 * Backends, chosen at configure time (--with-context):
 *   asm       context-x86_64.S / context-aarch64.S: push the callee-saved
 *             registers, swap the stack pointer, pop (a few ns).
 *   portable  context-portable.c: makecontext() once to set a new stack up,
 *             _setjmp/_longjmp to switch (no signal mask syscalls; never
 *             swapcontext per switch, which costs ~300 ns).
 *
 * Under AddressSanitizer every switch is announced with the fiber hooks;
 * under ThreadSanitizer every context is a TSan fiber and every switch a
 * synchronising __tsan_switch_to_fiber (a hand-off on one thread: each
 * task's run happens after the loop's, and the loop's next step after the
 * task's), so TSan keeps one shadow stack per context and checks only
 * what really crosses threads; under valgrind task stacks are registered
 * by sim/engine/task.c, which owns them.
 */
#ifndef SIM_CONTEXT_H
#define SIM_CONTEXT_H

#include <stddef.h>

#if defined(SIM_CONTEXT_ASM) == defined(SIM_CONTEXT_PORTABLE)
#error "include config.h first: exactly one of SIM_CONTEXT_ASM / SIM_CONTEXT_PORTABLE"
#endif

#ifdef SIM_CONTEXT_PORTABLE
#include <setjmp.h>
#endif

/* GCC says -fsanitize=address/thread with __SANITIZE_ADDRESS__ /
 * __SANITIZE_THREAD__; clang (before 17) only through __has_feature.
 * Missing either leaves a sanitizer build without the fiber hooks: ASan
 * then keeps the scope poison of abandoned task frames and blames a later
 * mapping at the same address (stack-use-after-scope in sim_task_map). */
#if defined(__SANITIZE_ADDRESS__)
#define SIM_CONTEXT_ASAN 1
#endif
#if defined(__SANITIZE_THREAD__)
#define SIM_CONTEXT_TSAN 1
#endif
#if defined(__has_feature)
#if __has_feature(address_sanitizer) && !defined(SIM_CONTEXT_ASAN)
#define SIM_CONTEXT_ASAN 1
#endif
#if __has_feature(thread_sanitizer) && !defined(SIM_CONTEXT_TSAN)
#define SIM_CONTEXT_TSAN 1
#endif
#endif
#ifdef SIM_CONTEXT_ASAN
#include <sanitizer/common_interface_defs.h>
#endif
#ifdef SIM_CONTEXT_TSAN
#include <sanitizer/tsan_interface.h>
#endif

typedef void (*sim_context_entry_fn)(void *arg);

struct sim_context {
#ifdef SIM_CONTEXT_ASM
	void *sp;                    /* saved stack pointer */
#else
	jmp_buf jb;
#endif
#ifdef SIM_CONTEXT_ASAN
	void *fake_stack;            /* ASan's fake frames of this context */
	const void *stack_bottom;    /* lowest usable address */
	size_t stack_size;
	struct sim_context *parent;  /* learns its bounds on our first entry */
#endif
#ifdef SIM_CONTEXT_TSAN
	/* A task's own fiber (sim_context_init); the loop's is the thread's
	 * current one, noted at each switch away from it (a world may run on
	 * any worker thread). */
	void *tsan_fiber;
#endif
};

/* Prepares c to run entry(arg) on [stack, stack + size) when first switched
 * to.  entry must never return: it ends with sim_context_exit_to().
 * `parent` is the context that will switch to c (the event loop). */
void sim_context_init(struct sim_context *c, void *stack, size_t size,
		      struct sim_context *parent, sim_context_entry_fn entry,
		      void *arg);

/* Frees what sim_context_init set up beyond the stack (the TSan fiber).
 * Never called on c itself: from the loop, after c exited or for good. */
static inline void sim_context_destroy(struct sim_context *c)
{
#ifdef SIM_CONTEXT_TSAN
	if (c->tsan_fiber)
		__tsan_destroy_fiber(c->tsan_fiber);
	c->tsan_fiber = NULL;
#else
	(void)c;
#endif
}

/* Names c in sanitizer reports; name must outlive c. */
static inline void sim_context_set_name(struct sim_context *c,
					const char *name)
{
#ifdef SIM_CONTEXT_TSAN
	__tsan_set_fiber_name(c->tsan_fiber, name);
#else
	(void)c, (void)name;
#endif
}

#ifdef SIM_CONTEXT_TSAN
/* Immediately before the stack changes (TSan's rule): from here on TSan
 * attributes accesses, and setjmp/longjmp bookkeeping, to `to`. */
static inline void sim_context_tsan_switch(struct sim_context *from,
					   struct sim_context *to)
{
	from->tsan_fiber = __tsan_get_current_fiber();
	__tsan_switch_to_fiber(to->tsan_fiber, 0);
}
#endif

/* Backend primitive: save into from, resume to.  The portable one is out
 * of line so only context-portable.c (built without _FORTIFY_SOURCE, whose
 * longjmp_chk refuses to jump to another stack) calls _longjmp. */
#ifdef SIM_CONTEXT_ASM
void sim_context_swap_asm(void **save_sp, void *new_sp);
#else
void sim_context_swap_portable(struct sim_context *from,
			       struct sim_context *to);
#endif

/* The entry function calls this first thing on its new stack. */
static inline void sim_context_entered(struct sim_context *c)
{
#ifdef SIM_CONTEXT_ASAN
	const void *bottom;
	size_t size;

	__sanitizer_finish_switch_fiber(c->fake_stack, &bottom, &size);
	if (c->parent) {
		c->parent->stack_bottom = bottom;
		c->parent->stack_size = size;
	}
#else
	(void)c;
#endif
}

static inline void sim_context__raw(struct sim_context *from,
				    struct sim_context *to)
{
#ifdef SIM_CONTEXT_ASM
#ifdef SIM_CONTEXT_TSAN
	sim_context_tsan_switch(from, to);
#endif
	sim_context_swap_asm(&from->sp, to->sp);
#else
	/* announces the fiber switch itself, between _setjmp and _longjmp:
	 * TSan files a jmp_buf under the fiber current at _setjmp and looks
	 * it up under the one current at _longjmp */
	sim_context_swap_portable(from, to);
#endif
}

static inline void sim_context_switch(struct sim_context *from,
				      struct sim_context *to)
{
#ifdef SIM_CONTEXT_ASAN
	const void *bottom;
	size_t size;

	__sanitizer_start_switch_fiber(&from->fake_stack, to->stack_bottom,
				       to->stack_size);
	sim_context__raw(from, to);
	/* Resumed: a task learns (again) where the loop's stack is. */
	__sanitizer_finish_switch_fiber(from->fake_stack, &bottom, &size);
	if (from->parent) {
		from->parent->stack_bottom = bottom;
		from->parent->stack_size = size;
	}
#else
	sim_context__raw(from, to);
#endif
}

/* Hint: c will be switched to soon; fetch the top of its stack. */
static inline void sim_context_prefetch(const struct sim_context *c)
{
#ifdef SIM_CONTEXT_ASM
	__builtin_prefetch(c->sp);
	__builtin_prefetch((const char *)c->sp + 64);
	__builtin_prefetch((const char *)c->sp + 128);
#else
	(void)c;
#endif
}

/* Leaves a context for good (its stack may be unmapped afterwards). */
static inline void sim_context_exit_to(struct sim_context *from,
				       struct sim_context *to)
{
#ifdef SIM_CONTEXT_ASAN
	/* NULL: ASan may drop this context's fake stack. */
	__sanitizer_start_switch_fiber(NULL, to->stack_bottom, to->stack_size);
#endif
	sim_context__raw(from, to);
	__builtin_unreachable();
}

#endif /* SIM_CONTEXT_H */
