# bench/ — benchmarks, built and run by `make bench` only (never part of
# `make check`).  The fs benchmarks link the fs test fixture library.
EXTRA_PROGRAMS += bench/bench-engine bench/bench-locks bench/bench-stats \
	bench/bench-runner bench/bench-alloc bench/bench-extents \
	bench/bench-fault bench/bench-pagecache bench/bench-oracle
BENCH_LIST += bench/bench-engine bench/bench-locks bench/bench-stats \
	bench/bench-runner bench/bench-alloc bench/bench-extents \
	bench/bench-fault bench/bench-pagecache bench/bench-oracle
bench_bench_engine_SOURCES = bench/bench-engine.c
bench_bench_engine_LDADD = $(SIM_TEST_LIBS)
bench_bench_locks_SOURCES = bench/bench-locks.c
bench_bench_locks_LDADD = $(SIM_TEST_LIBS)
bench_bench_stats_SOURCES = bench/bench-stats.c $(SIM_STATS_SRCS)
bench_bench_stats_LDADD = $(GLIB_LIBS) $(JEMALLOC_LIBS)
bench_bench_runner_SOURCES = bench/bench-runner.c $(TOY_SRCS)
bench_bench_runner_LDADD = $(RUN_LIBS)
bench_bench_alloc_SOURCES = bench/bench-alloc.c
bench_bench_alloc_LDADD = $(FS_FIXTURE_LIBS)
bench_bench_extents_SOURCES = bench/bench-extents.c
bench_bench_extents_LDADD = $(FS_FIXTURE_LIBS) -lm
bench_bench_fault_SOURCES = bench/bench-fault.c
bench_bench_fault_LDADD = $(FS_FIXTURE_LIBS)
bench_bench_pagecache_SOURCES = bench/bench-pagecache.c
bench_bench_pagecache_LDADD = $(FS_FIXTURE_LIBS)
bench_bench_oracle_SOURCES = bench/bench-oracle.c
bench_bench_oracle_LDADD = $(FS_FIXTURE_LIBS)

# The main job (sim/sim on workloads/punch_heavy.cfg, -j1 and -j2): wall
# time, events/s, speed-up, memory per job (bench/bench-main.py says how
# to shorten it).  `make bench` runs ./bench/bench-main, a wrapper that
# points the script at this build and the source tree.
EXTRA_DIST += bench/bench-main.py
BENCH_LIST += bench/bench-main
CLEANFILES += bench/bench-main
bench/bench-main: $(top_srcdir)/bench/bench-main.py sim/sim
	$(AM_V_GEN)$(MKDIR_P) bench && { \
	  echo '#!/bin/sh'; \
	  echo "FAULTLINE_BUILDDIR='$(abs_top_builddir)'; export FAULTLINE_BUILDDIR"; \
	  echo "FAULTLINE_SRCDIR='$(abs_top_srcdir)'; export FAULTLINE_SRCDIR"; \
	  echo "exec python3 '$(abs_top_srcdir)/bench/bench-main.py' \"\$$@\""; \
	} > $@.tmp && chmod +x $@.tmp && mv $@.tmp $@

# What --explore buys (bench/bench-explore.py): time to the first violation
# from process start, plain replicas vs the schedule search, on
# punch_heavy.cfg and every regression scenario, schedules/s, and the size
# of the shrunk reproducers and the shrinking time.
EXTRA_DIST += bench/bench-explore.py
BENCH_LIST += bench/bench-explore
CLEANFILES += bench/bench-explore
bench/bench-explore: $(top_srcdir)/bench/bench-explore.py sim/sim
	$(AM_V_GEN)$(MKDIR_P) bench && { \
	  echo '#!/bin/sh'; \
	  echo "FAULTLINE_BUILDDIR='$(abs_top_builddir)'; export FAULTLINE_BUILDDIR"; \
	  echo "FAULTLINE_SRCDIR='$(abs_top_srcdir)'; export FAULTLINE_SRCDIR"; \
	  echo "exec python3 '$(abs_top_srcdir)/bench/bench-explore.py' \"\$$@\""; \
	} > $@.tmp && chmod +x $@.tmp && mv $@.tmp $@

# Cost as the disk, the file and the task count grow (set-up time and
# memory vs fs_size and file size, events per CPU-second vs file size and
# mapping tasks, mpirun -n 2 vs -j2 in an MPI build): bench/bench-scale.py.
EXTRA_DIST += bench/bench-scale.py
BENCH_LIST += bench/bench-scale
CLEANFILES += bench/bench-scale
bench/bench-scale: $(top_srcdir)/bench/bench-scale.py sim/sim
	$(AM_V_GEN)$(MKDIR_P) bench && { \
	  echo '#!/bin/sh'; \
	  echo "FAULTLINE_BUILDDIR='$(abs_top_builddir)'; export FAULTLINE_BUILDDIR"; \
	  echo "FAULTLINE_SRCDIR='$(abs_top_srcdir)'; export FAULTLINE_SRCDIR"; \
	  echo "exec python3 '$(abs_top_srcdir)/bench/bench-scale.py' \"\$$@\""; \
	} > $@.tmp && chmod +x $@.tmp && mv $@.tmp $@
