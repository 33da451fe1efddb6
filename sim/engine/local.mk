# sim/engine/ — the engine (libengine.a): events, tasks and their stack
# switch, wait queues, locks with lock_stat and lockdep, the deadlock
# check, random streams and distributions, histograms and statistics,
# traces.  Knows nothing of filesystems.
noinst_LIBRARIES += sim/engine/libengine.a
sim_engine_libengine_a_SOURCES = \
	sim/engine/context.h sim/engine/deadlock.c sim/engine/dist.c \
	sim/engine/engine.h sim/engine/event.c sim/engine/event.h \
	sim/engine/explore.c \
	sim/engine/fmath.c sim/engine/hist.c sim/engine/hist.h \
	sim/engine/internal.h sim/engine/jsonw.c sim/engine/jsonw.h \
	sim/engine/lock.c sim/engine/lock.h sim/engine/lockdep.c \
	sim/engine/lockdep.h sim/engine/model.h sim/engine/mutex.c \
	sim/engine/range_lock.c sim/engine/result.c sim/engine/rng.c sim/engine/rng.h \
	sim/engine/rwsem.c sim/engine/sim.h \
	sim/engine/stats.c sim/engine/stats.h sim/engine/task.c \
	sim/engine/task.h sim/engine/trace.c sim/engine/trace.h \
	sim/engine/types.h sim/engine/waitq.c sim/engine/world.c \
	sim/engine/ziggurat.c sim/engine/ziggurat.h

# Context switch backend, chosen by configure (--with-context).
if CONTEXT_ASM_X86_64
sim_engine_libengine_a_SOURCES += sim/engine/context-asm.c sim/engine/context-x86_64.S
endif
if CONTEXT_ASM_AARCH64
sim_engine_libengine_a_SOURCES += sim/engine/context-asm.c sim/engine/context-aarch64.S
endif
if CONTEXT_PORTABLE
# Built on its own so it can go without _FORTIFY_SOURCE (longjmp_chk
# refuses to jump between stacks); its object joins libengine.a.
noinst_LIBRARIES += sim/engine/libsimctx.a
sim_engine_libsimctx_a_SOURCES = sim/engine/context-portable.c
sim_engine_libsimctx_a_CPPFLAGS = $(AM_CPPFLAGS) -U_FORTIFY_SOURCE
sim_engine_libengine_a_LIBADD = sim/engine/libsimctx_a-context-portable.$(OBJEXT)
endif
EXTRA_DIST += sim/engine/context-x86_64.S sim/engine/context-aarch64.S \
	sim/engine/context-asm.c sim/engine/context-portable.c

# Statistics sources linked directly by tests that must not drag in the
# engine (each defines its own sim_bug); see tests/sim/local.mk.
SIM_STATS_SRCS = sim/engine/rng.c sim/engine/fmath.c sim/engine/dist.c \
	sim/engine/ziggurat.c sim/engine/hist.c
