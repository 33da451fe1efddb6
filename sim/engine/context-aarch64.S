/* sim/engine/context-aarch64.S — coroutine stack switch for AArch64 (AAPCS64).
 *
 * Saves only what the procedure call standard makes callee-saved: x19-x28,
 * the frame pointer x29, the link register x30, sp, and the low halves of
 * v8-v15 (d8-d15).  FPCR is left alone: nothing in faultline changes
 * rounding modes.
 *
 * Frame left on a suspended stack (160 bytes, 16-byte aligned):
 *   [sp+0]  x19 x20 ... x29 x30   (96 bytes)
 *   [sp+96] d8 ... d15            (64 bytes)
 */
	.text

/* void sim_context_swap_asm(void **save_sp, void *new_sp) */
	.globl	sim_context_swap_asm
	.hidden	sim_context_swap_asm
	.type	sim_context_swap_asm, %function
	.p2align 4
sim_context_swap_asm:
	.cfi_startproc
	sub	sp, sp, #160
	stp	x19, x20, [sp, #0]
	stp	x21, x22, [sp, #16]
	stp	x23, x24, [sp, #32]
	stp	x25, x26, [sp, #48]
	stp	x27, x28, [sp, #64]
	stp	x29, x30, [sp, #80]
	stp	d8, d9, [sp, #96]
	stp	d10, d11, [sp, #112]
	stp	d12, d13, [sp, #128]
	stp	d14, d15, [sp, #144]
	mov	x2, sp
	str	x2, [x0]
	mov	sp, x1
	ldp	x19, x20, [sp, #0]
	ldp	x21, x22, [sp, #16]
	ldp	x23, x24, [sp, #32]
	ldp	x25, x26, [sp, #48]
	ldp	x27, x28, [sp, #64]
	ldp	x29, x30, [sp, #80]
	ldp	d8, d9, [sp, #96]
	ldp	d10, d11, [sp, #112]
	ldp	d12, d13, [sp, #128]
	ldp	d14, d15, [sp, #144]
	add	sp, sp, #160
	ret
	.cfi_endproc
	.size	sim_context_swap_asm, .-sim_context_swap_asm

/* First code run on a new stack: sim_context_init() left the entry function
 * in x19 and its argument in x20, and x30 pointing here.  The entry never
 * returns. */
	.globl	sim_context_start_asm
	.hidden	sim_context_start_asm
	.type	sim_context_start_asm, %function
	.p2align 4
sim_context_start_asm:
	.cfi_startproc
	.cfi_undefined x30	/* outermost frame: debuggers stop unwinding here */
	mov	x29, #0
	mov	x0, x20
	blr	x19
	brk	#0
	.cfi_endproc
	.size	sim_context_start_asm, .-sim_context_start_asm

	.section .note.GNU-stack,"",%progbits
