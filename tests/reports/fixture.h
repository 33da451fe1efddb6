/* tests/reports/fixture.h — a synthetic but realistic results.json
 * (schema faultline-results v1) for the report writer's tests.
 */
#ifndef TESTS_REPORTS_FIXTURE_H
#define TESTS_REPORTS_FIXTURE_H

#include <glib.h>

/* Without sweep: 3 strategies (lockless, i_data_sem, i_mmap_sem), 4
 * replicas, ops mmap_read / mmap_write / punch_hole, lock classes
 * i_mmap_sem / i_data_sem / jbd2_handle, violations spanning decades with
 * explanations full of <, > and &.  With sweep: puncher.numjobs = 1, 4;
 * 2 strategies, 2 ops, 2 lock classes.  Deterministic (fixed-seed GRand).
 * Returns the JSON text (g_free). */
char *report_fixture_json(gboolean sweep);

/* The same written to path; aborts the test on failure. */
void report_fixture_write(const char *path, gboolean sweep);

/* What the fixture contains, for the tests' expectations. */
/* An op kind and a lock class every strategy lists with no sample. */
#define FIXTURE_UNUSED_OP "collapse_range"
#define FIXTURE_UNUSED_LOCK "invalidate_lock"
#define FIXTURE_EXPLANATION_RAW "if (page->index < end && bh->b_blocknr > 0) & stale"
#define FIXTURE_EXPLANATION_ESCAPED \
	"if (page-&gt;index &lt; end &amp;&amp; bh-&gt;b_blocknr &gt; 0) &amp; stale"

#endif /* TESTS_REPORTS_FIXTURE_H */
