# sim/ — the engine (libsim.a) and the program sim/sim.
noinst_LIBRARIES += sim/libsim.a
sim_libsim_a_SOURCES = \
	sim/types.h sim/sim.h sim/engine.h sim/lock.h sim/hist.h sim/rng.h \
	sim/option.h sim/internal.h

# Per-module fragments while the engine is being assembled; each adds its
# sources, tests and benchmarks.
include sim/engine.mk
include sim/locks.mk
include sim/stats.mk
include sim/config.mk

# sim/sim itself (sim/main.c) is built by sim/runner.mk.
include sim/runner.mk

# Everything a test or benchmark links against.
SIM_TEST_LIBS = sim/libsim.a $(GLIB_LIBS) $(JEMALLOC_LIBS)
FS_TEST_LIBS = fs/libfs.a $(SIM_TEST_LIBS)
