# sim/runner.mk — plan, runner, outputs, shards, traces and the command
# line (see sim/local.mk).  A library of their own: they need json-glib,
# the engine does not.
noinst_LIBRARIES += sim/librun.a
sim_librun_a_CPPFLAGS = $(AM_CPPFLAGS) $(JSON_GLIB_CFLAGS)
sim_librun_a_SOURCES = \
	sim/model.h sim/record.c sim/record.h sim/plan.c sim/plan.h \
	sim/runner.c sim/runner.h sim/trace.c sim/trace.h \
	sim/jsonw.c sim/jsonw.h sim/output.c sim/output.h \
	sim/output_text.c sim/output_json.c sim/merge.c sim/merge.h \
	sim/cli.c sim/cli.h

RUN_LIBS = sim/librun.a sim/libsim.a $(JSON_GLIB_LIBS) $(GLIB_LIBS) $(JEMALLOC_LIBS) -lm

# The program: sim/main.c composes the CLI with the ext4 model (fs/) and
# the report writer (reports/).  Workload files not found as given are
# looked up in the installed, then the source workloads/ directory.
bin_PROGRAMS += sim/sim
sim_sim_SOURCES = sim/main.c sim/demo.c sim/demo.h
sim_sim_CPPFLAGS = $(AM_CPPFLAGS) \
	-DFAULTLINE_WORKLOADS_DIR='"$(pkgdatadir)/workloads"' \
	-DFAULTLINE_SRC_WORKLOADS_DIR='"$(abs_top_srcdir)/workloads"'
sim_sim_LDADD = judge/libjudge.a sim/librun.a fs/libfs.a reports/libreport.a \
	sim/libsim.a $(EXT2FS_LIBS) $(JSON_GLIB_LIBS) $(GLIB_LIBS) \
	$(JEMALLOC_LIBS) -lm

workloadsdir = $(pkgdatadir)/workloads
# every workload file (add new ones here), so `sim NAME.cfg` works from
# anywhere once installed
workloads_DATA = \
	workloads/collapse_insert.cfg \
	workloads/dax.cfg \
	workloads/fault_heavy.cfg \
	workloads/fsx_mix.cfg \
	workloads/punch_heavy.cfg \
	workloads/read_vs_punch.cfg \
	workloads/sweep_punchers.cfg \
	workloads/truncate.cfg

# The toy model the runner is tested with, and sim/sim's CLI over it.
TOY_SRCS = tests/sim/toy-model.c tests/sim/toy-model.h
check_PROGRAMS += tests/sim/toy-sim tests/sim/test-plan tests/sim/test-runner
TESTS += tests/sim/test-plan tests/sim/test-runner tests/cli-run.sh
EXTRA_DIST += tests/cli-run.sh tests/sim/toy.cfg
tests_sim_toy_sim_SOURCES = tests/sim/toy-sim.c $(TOY_SRCS)
tests_sim_toy_sim_LDADD = sim/librun.a $(REPORT_LIBS) $(RUN_LIBS)
tests_sim_test_plan_SOURCES = tests/sim/test-plan.c $(TOY_SRCS)
tests_sim_test_plan_LDADD = $(RUN_LIBS)
tests_sim_test_runner_CPPFLAGS = $(AM_CPPFLAGS) $(JSON_GLIB_CFLAGS)
tests_sim_test_runner_SOURCES = tests/sim/test-runner.c $(TOY_SRCS)
tests_sim_test_runner_LDADD = $(RUN_LIBS)

EXTRA_PROGRAMS += bench/bench-runner
BENCH_LIST += bench/bench-runner
bench_bench_runner_SOURCES = bench/bench-runner.c $(TOY_SRCS)
bench_bench_runner_LDADD = $(RUN_LIBS)
