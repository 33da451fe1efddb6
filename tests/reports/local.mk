# tests/reports/ — a synthetic results.json generator (also a program, to look at a
# rendered report by hand: tests/reports/report-fixture DIR [--sweep]),
# and the render/error tests.
check_PROGRAMS += tests/reports/test-report tests/reports/report-fixture
TESTS += tests/reports/test-report
tests_reports_test_report_CPPFLAGS = $(AM_CPPFLAGS) $(JSON_GLIB_CFLAGS)
tests_reports_test_report_SOURCES = tests/reports/test-report.c \
	tests/reports/fixture.c tests/reports/fixture.h
tests_reports_test_report_LDADD = $(REPORT_LIBS) $(JEMALLOC_LIBS)
tests_reports_report_fixture_CPPFLAGS = $(AM_CPPFLAGS) $(JSON_GLIB_CFLAGS)
tests_reports_report_fixture_SOURCES = tests/reports/report-fixture.c \
	tests/reports/fixture.c tests/reports/fixture.h
tests_reports_report_fixture_LDADD = $(REPORT_LIBS) $(JEMALLOC_LIBS)
