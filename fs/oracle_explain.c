/* fs/oracle_explain.c — explanations of violations (first cut: headline,
 * detail and the replay line; the side-by-side notes come next). */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>

#include "fs/oracle_internal.h"

void oracle_fmt_time(char *buf, size_t len, sim_time_t t)
{
	snprintf(buf, len, "%" PRId64 ".%03" PRId64 "us", t / 1000, t % 1000);
}

void oracle_explain(struct fs_oracle *o, enum fs_oracle_kind k,
		    const char *headline, const char *detail,
		    const uint32_t *tasks, unsigned ntasks)
{
	GString *s = g_string_new(NULL);
	uint64_t seed = o->w ? sim_world_seed(o->w) : 0;
	uint64_t job = o->w ? sim_world_job(o->w) : 0;

	(void)tasks; (void)ntasks;
	g_string_append_printf(s, "%s\n", headline);
	g_string_append_printf(s, "seed %" PRIu64 " job %" PRIu64
			       ": replay with sim/sim --replay %" PRIu64
			       ":%" PRIu64 " %s\n", seed, job, seed, job,
			       o->cfg);
	if (detail)
		g_string_append(s, detail);
	g_ptr_array_add(o->explain[k], g_string_free(s, FALSE));
}
