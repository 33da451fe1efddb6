# sim/stats.mk — random streams, distributions, histograms, replica
# statistics (see sim/local.mk).
sim_libsim_a_SOURCES += \
	sim/rng.c sim/fmath.c sim/dist.c sim/ziggurat.c sim/ziggurat.h sim/hist.c

# The tests link these objects directly rather than libsim.a, so they do
# not wait for (or drag in) the engine; each test defines its own sim_bug.
# libm is linked for the tests only, as the reference the code is checked
# against.
SIM_STATS_SRCS = sim/rng.c sim/fmath.c sim/dist.c sim/ziggurat.c sim/hist.c

check_PROGRAMS += tests/sim/test-rng tests/sim/test-hist
TESTS += tests/sim/test-rng tests/sim/test-hist
tests_sim_test_rng_SOURCES = tests/sim/test-rng.c $(SIM_STATS_SRCS)
tests_sim_test_rng_LDADD = $(GLIB_LIBS) $(JEMALLOC_LIBS) -lm
tests_sim_test_hist_SOURCES = tests/sim/test-hist.c $(SIM_STATS_SRCS)
tests_sim_test_hist_LDADD = $(GLIB_LIBS) $(JEMALLOC_LIBS) -lm

sim_libsim_a_SOURCES += sim/stats.c sim/stats.h
check_PROGRAMS += tests/sim/test-stats
TESTS += tests/sim/test-stats
tests_sim_test_stats_SOURCES = tests/sim/test-stats.c sim/stats.c $(SIM_STATS_SRCS)
tests_sim_test_stats_LDADD = $(GLIB_LIBS) $(JEMALLOC_LIBS) -lm

EXTRA_PROGRAMS += bench/bench-stats
BENCH_LIST += bench/bench-stats
bench_bench_stats_SOURCES = bench/bench-stats.c $(SIM_STATS_SRCS)
bench_bench_stats_LDADD = $(GLIB_LIBS) $(JEMALLOC_LIBS)
