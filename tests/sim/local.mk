# tests/sim/ — tests of the engine (sim/engine/), the option machinery and
# loader (sim/config/) and the plan/runner/CLI (sim/run/, over the toy
# model in toy-model.c).
ENGINE_TESTS = tests/sim/test-event tests/sim/test-task tests/sim/test-waitq \
	tests/sim/test-deadlock-basic tests/sim/test-mutex tests/sim/test-rwsem \
	tests/sim/test-range-lock \
	tests/sim/test-lockdep tests/sim/test-deadlock tests/sim/test-queueing \
	tests/sim/test-explore
check_PROGRAMS += $(ENGINE_TESTS)
TESTS += $(ENGINE_TESTS)
tests_sim_test_event_SOURCES = tests/sim/test-event.c
tests_sim_test_event_LDADD = $(SIM_TEST_LIBS)
tests_sim_test_task_SOURCES = tests/sim/test-task.c
tests_sim_test_task_LDADD = $(SIM_TEST_LIBS)
tests_sim_test_waitq_SOURCES = tests/sim/test-waitq.c
tests_sim_test_waitq_LDADD = $(SIM_TEST_LIBS)
tests_sim_test_deadlock_basic_SOURCES = tests/sim/test-deadlock-basic.c
tests_sim_test_deadlock_basic_LDADD = $(SIM_TEST_LIBS)
tests_sim_test_mutex_SOURCES = tests/sim/test-mutex.c
tests_sim_test_mutex_LDADD = $(SIM_TEST_LIBS)
tests_sim_test_rwsem_SOURCES = tests/sim/test-rwsem.c
tests_sim_test_rwsem_LDADD = $(SIM_TEST_LIBS)
tests_sim_test_range_lock_SOURCES = tests/sim/test-range-lock.c
tests_sim_test_range_lock_LDADD = $(SIM_TEST_LIBS)
tests_sim_test_lockdep_SOURCES = tests/sim/test-lockdep.c
tests_sim_test_lockdep_LDADD = $(SIM_TEST_LIBS)
tests_sim_test_deadlock_SOURCES = tests/sim/test-deadlock.c
tests_sim_test_deadlock_LDADD = $(SIM_TEST_LIBS)
tests_sim_test_queueing_SOURCES = tests/sim/test-queueing.c
tests_sim_test_queueing_LDADD = $(SIM_TEST_LIBS)
tests_sim_test_explore_SOURCES = tests/sim/test-explore.c
tests_sim_test_explore_LDADD = $(SIM_TEST_LIBS)

# Random streams, distributions, histograms and replica statistics: these
# tests link the statistics sources directly rather than the engine (each
# defines its own sim_bug); libm is the reference they are checked against.
check_PROGRAMS += tests/sim/test-rng tests/sim/test-hist tests/sim/test-stats
TESTS += tests/sim/test-rng tests/sim/test-hist tests/sim/test-stats
tests_sim_test_rng_SOURCES = tests/sim/test-rng.c $(SIM_STATS_SRCS)
tests_sim_test_rng_LDADD = $(GLIB_LIBS) $(JEMALLOC_LIBS) -lm
tests_sim_test_hist_SOURCES = tests/sim/test-hist.c $(SIM_STATS_SRCS)
tests_sim_test_hist_LDADD = $(GLIB_LIBS) $(JEMALLOC_LIBS) -lm
tests_sim_test_stats_SOURCES = tests/sim/test-stats.c sim/engine/stats.c $(SIM_STATS_SRCS)
tests_sim_test_stats_LDADD = $(GLIB_LIBS) $(JEMALLOC_LIBS) -lm

# The option table and the workload-file loader, over a demo schema.
check_PROGRAMS += tests/sim/test-option tests/sim/test-cfg
TESTS += tests/sim/test-option tests/sim/test-cfg
tests_sim_test_option_SOURCES = tests/sim/test-option.c tests/sim/demo-schema.h
tests_sim_test_option_LDADD = $(SIM_TEST_LIBS)
tests_sim_test_cfg_SOURCES = tests/sim/test-cfg.c tests/sim/demo-schema.h
tests_sim_test_cfg_LDADD = $(SIM_TEST_LIBS)

# Fixtures: each bad-*.cfg starts with "; expect: MESSAGE" (test-cfg.c).
CFG_BAD_FIXTURES = \
	tests/sim/cfg/bad-bare-nonbool.cfg \
	tests/sim/cfg/bad-before-section.cfg \
	tests/sim/cfg/bad-bool.cfg \
	tests/sim/cfg/bad-dist-kind.cfg \
	tests/sim/cfg/bad-dist.cfg \
	tests/sim/cfg/bad-double.cfg \
	tests/sim/cfg/bad-dup-key.cfg \
	tests/sim/cfg/bad-dup-section.cfg \
	tests/sim/cfg/bad-empty-section.cfg \
	tests/sim/cfg/bad-enum.cfg \
	tests/sim/cfg/bad-global-typo.cfg \
	tests/sim/cfg/bad-header-junk.cfg \
	tests/sim/cfg/bad-int.cfg \
	tests/sim/cfg/bad-key-of-file-in-job.cfg \
	tests/sim/cfg/bad-key-space.cfg \
	tests/sim/cfg/bad-len-range.cfg \
	tests/sim/cfg/bad-list.cfg \
	tests/sim/cfg/bad-lone-bracket.cfg \
	tests/sim/cfg/bad-missing-key.cfg \
	tests/sim/cfg/bad-missing-required-file.cfg \
	tests/sim/cfg/bad-missing-required.cfg \
	tests/sim/cfg/bad-mix.cfg \
	tests/sim/cfg/bad-negative.cfg \
	tests/sim/cfg/bad-no-equals.cfg \
	tests/sim/cfg/bad-overflow.cfg \
	tests/sim/cfg/bad-range.cfg \
	tests/sim/cfg/bad-size.cfg \
	tests/sim/cfg/bad-time.cfg \
	tests/sim/cfg/bad-type-conflict.cfg \
	tests/sim/cfg/bad-unknown-key.cfg \
	tests/sim/cfg/bad-unknown-type.cfg \
	tests/sim/cfg/bad-unknown-type2.cfg \
	tests/sim/cfg/bad-validate.cfg
EXTRA_DIST += tests/sim/cfg/good.cfg $(CFG_BAD_FIXTURES)

# The runner over the toy model, and sim/sim's CLI over it.
TOY_SRCS = tests/sim/toy-model.c tests/sim/toy-model.h
check_PROGRAMS += tests/sim/toy-sim tests/sim/test-plan tests/sim/test-runner
TESTS += tests/sim/test-plan tests/sim/test-runner
EXTRA_DIST += tests/sim/toy.cfg
tests_sim_toy_sim_SOURCES = tests/sim/toy-sim.c $(TOY_SRCS)
tests_sim_toy_sim_LDADD = sim/run/librun.a $(REPORT_LIBS) $(RUN_LIBS)
tests_sim_test_plan_SOURCES = tests/sim/test-plan.c $(TOY_SRCS)
tests_sim_test_plan_LDADD = $(RUN_LIBS)
tests_sim_test_runner_CPPFLAGS = $(AM_CPPFLAGS) $(JSON_GLIB_CFLAGS)
tests_sim_test_runner_SOURCES = tests/sim/test-runner.c $(TOY_SRCS)
tests_sim_test_runner_LDADD = $(RUN_LIBS)
