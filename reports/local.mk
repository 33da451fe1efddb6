# reports/ — the report writer: run dir (results.json) -> .dat + .gp ->
# gnuplot -> PNG/SVG + index.html.  Reads the run-dir format only: nothing
# here includes sim/ or fs/ (tests/layering.sh checks).
noinst_LIBRARIES += reports/libreport.a
reports_libreport_a_CPPFLAGS = $(AM_CPPFLAGS) $(JSON_GLIB_CFLAGS)
reports_libreport_a_SOURCES = \
	reports/report.h reports/render.c \
	reports/results.h reports/results.c \
	reports/validate.h reports/validate.c \
	reports/fmt.h reports/fmt.c \
	reports/plot.h reports/plot.c reports/plot-curves.c \
	reports/plot-violations.c reports/plot-latency.c reports/plot-sweep.c \
	reports/plot-locks.c reports/plot-timeline.c \
	reports/gnuplot.h reports/gnuplot.c \
	reports/html.h reports/html.c reports/html-tables.c

# What a program calling report_render() links (sim/sim too).
REPORT_LIBS = reports/libreport.a $(JSON_GLIB_LIBS) $(GLIB_LIBS) -lm

bin_PROGRAMS += reports/sim-report
reports_sim_report_SOURCES = reports/sim-report.c
reports_sim_report_LDADD = $(REPORT_LIBS) $(JEMALLOC_LIBS)

