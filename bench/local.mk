# bench/ — benchmarks, built and run by `make bench` only.

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
