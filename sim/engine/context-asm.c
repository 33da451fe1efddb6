/* sim/engine/context-asm.c — setting up a new stack for the assembly backends
 * (context-x86_64.S, context-aarch64.S): lay out the frame the switch
 * routine pops, so that its `ret` lands in sim_context_start_asm with the
 * entry function and argument in callee-saved registers.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "sim/engine/context.h"

void sim_context_start_asm(void);

void sim_context_init(struct sim_context *c, void *stack, size_t size,
		      struct sim_context *parent, sim_context_entry_fn entry,
		      void *arg)
{
	uintptr_t top = ((uintptr_t)stack + size) & ~(uintptr_t)15;
	void **f;

	memset(c, 0, sizeof(*c));
#if defined(__x86_64__)
	/* r15 r14 r13 r12 rbx rbp ret; after the ret rsp must be 16-aligned
	 * so the `call` in sim_context_start_asm enters entry as the ABI says. */
	f = (void **)(top - 16 - 7 * sizeof(void *));
	f[0] = NULL;                   /* r15 */
	f[1] = NULL;                   /* r14 */
	f[2] = arg;                    /* r13 */
	f[3] = (void *)entry;          /* r12 */
	f[4] = NULL;                   /* rbx */
	f[5] = NULL;                   /* rbp */
	f[6] = (void *)sim_context_start_asm;
#elif defined(__aarch64__)
	f = (void **)(top - 160);
	memset(f, 0, 160);
	f[0] = (void *)entry;          /* x19 */
	f[1] = arg;                    /* x20 */
	f[11] = (void *)sim_context_start_asm;  /* x30 */
#else
#error "no assembly context backend for this CPU"
#endif
	c->sp = f;
#ifdef SIM_CONTEXT_TSAN
	c->tsan_fiber = __tsan_create_fiber(0);
#endif
#ifdef SIM_CONTEXT_ASAN
	c->stack_bottom = stack;
	c->stack_size = size;
	c->parent = parent;
#else
	(void)parent;
#endif
}
