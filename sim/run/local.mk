# sim/run/ — plan, runner, job records, outputs (text, JSON), shards and
# merge, the command line (librun.a, which needs json-glib), and the
# program sim/sim (main.c composes the CLI with the ext4 model and the
# report writer).
noinst_LIBRARIES += sim/run/librun.a
sim_run_librun_a_CPPFLAGS = $(AM_CPPFLAGS) $(JSON_GLIB_CFLAGS) $(MPI_CFLAGS)
sim_run_librun_a_SOURCES = \
	sim/run/cli.c sim/run/cli.h sim/run/journal.c sim/run/journal.h \
	sim/run/mpi.c sim/run/mpi.h \
	sim/run/merge.c sim/run/merge.h sim/run/output.c \
	sim/run/output.h sim/run/output_json.c sim/run/output_text.c \
	sim/run/plan.c sim/run/plan.h sim/run/record.c sim/run/record.h \
	sim/run/runner.c sim/run/runner.h

# Everything a test or benchmark links against.
SIM_TEST_LIBS = sim/config/libconfig.a sim/engine/libengine.a $(GLIB_LIBS) $(JEMALLOC_LIBS)
RUN_LIBS = sim/run/librun.a $(SIM_TEST_LIBS) $(JSON_GLIB_LIBS) $(MPI_LIBS) -lm

# Workload files not found as given are looked up in the installed, then
# the source workloads/ directory.
bin_PROGRAMS += sim/sim
sim_sim_SOURCES = sim/run/main.c sim/run/demo.c sim/run/demo.h
sim_sim_CPPFLAGS = $(AM_CPPFLAGS) $(MPI_CFLAGS) \
	-DFAULTLINE_WORKLOADS_DIR='"$(pkgdatadir)/workloads"' \
	-DFAULTLINE_SRC_WORKLOADS_DIR='"$(abs_top_srcdir)/workloads"'
sim_sim_LDADD = judge/libjudge.a sim/run/librun.a fs/libfs.a \
	reports/libreport.a sim/config/libconfig.a sim/engine/libengine.a \
	$(EXT2FS_LIBS) $(JSON_GLIB_LIBS) $(GLIB_LIBS) $(JEMALLOC_LIBS) $(MPI_LIBS) -lm
