# sim/engine.mk — the engine core: events, tasks, context switch, wait
# queues, deadlock detection (see sim/local.mk).
sim_libsim_a_SOURCES += \
	sim/context.h sim/event.h sim/event.c sim/task.h sim/task.c sim/waitq.c \
	sim/world.c sim/deadlock.c

# Context switch backend, chosen by configure (--with-context).
if CONTEXT_ASM_X86_64
sim_libsim_a_SOURCES += sim/context-asm.c sim/context-x86_64.S
endif
if CONTEXT_ASM_AARCH64
sim_libsim_a_SOURCES += sim/context-asm.c sim/context-aarch64.S
endif
if CONTEXT_PORTABLE
# Built on its own so it can go without _FORTIFY_SOURCE (longjmp_chk
# refuses to jump between stacks); its object joins libsim.a.
noinst_LIBRARIES += sim/libsimctx.a
sim_libsimctx_a_SOURCES = sim/context-portable.c
sim_libsimctx_a_CPPFLAGS = $(AM_CPPFLAGS) -U_FORTIFY_SOURCE
sim_libsim_a_LIBADD = sim/libsimctx_a-context-portable.$(OBJEXT)
endif
EXTRA_DIST += sim/context-x86_64.S sim/context-aarch64.S \
	sim/context-asm.c sim/context-portable.c

check_PROGRAMS += tests/sim/test-event tests/sim/test-task \
	tests/sim/test-waitq tests/sim/test-deadlock-basic
TESTS += tests/sim/test-event tests/sim/test-task \
	tests/sim/test-waitq tests/sim/test-deadlock-basic
tests_sim_test_event_SOURCES = tests/sim/test-event.c
tests_sim_test_event_LDADD = $(SIM_TEST_LIBS)
tests_sim_test_task_SOURCES = tests/sim/test-task.c
tests_sim_test_task_LDADD = $(SIM_TEST_LIBS)
tests_sim_test_waitq_SOURCES = tests/sim/test-waitq.c
tests_sim_test_waitq_LDADD = $(SIM_TEST_LIBS)
tests_sim_test_deadlock_basic_SOURCES = tests/sim/test-deadlock-basic.c
tests_sim_test_deadlock_basic_LDADD = $(SIM_TEST_LIBS)

EXTRA_PROGRAMS += bench/bench-engine
BENCH_LIST += bench/bench-engine
bench_bench_engine_SOURCES = bench/bench-engine.c
bench_bench_engine_LDADD = $(SIM_TEST_LIBS)
