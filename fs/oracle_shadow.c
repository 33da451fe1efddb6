/* fs/oracle_shadow.c — per-file shadow contents (see fs/oracle_internal.h).
 * First cut: records nothing, accepts every read (filled in next). */
#include "config.h"

#include "fs/oracle_internal.h"

void oracle_shadow_init(struct oracle_shadow *s, unsigned blocksize)
{
	*s = (struct oracle_shadow){ .blocksize = blocksize };
	while ((1u << s->blockbits) < blocksize)
		s->blockbits++;
}

void oracle_shadow_destroy(struct oracle_shadow *s)
{
	(void)s;
}

void oracle_shadow_begin(struct oracle_shadow *s, uint64_t off, uint64_t len,
			 sim_stamp_t stamp, int64_t delta, uint64_t op,
			 uint32_t task, sim_time_t now)
{
	(void)s; (void)off; (void)len; (void)stamp; (void)delta; (void)op;
	(void)task; (void)now;
}

void oracle_shadow_end(struct oracle_shadow *s, uint64_t off, uint64_t len,
		       uint64_t op, sim_time_t t_begin, bool definite,
		       sim_time_t now)
{
	(void)s; (void)off; (void)len; (void)op; (void)t_begin;
	(void)definite; (void)now;
}

void oracle_shadow_shift(struct oracle_shadow *s, uint64_t from,
			 int64_t shift, sim_time_t now)
{
	(void)s; (void)from; (void)shift; (void)now;
}

void oracle_shadow_prune(struct oracle_shadow *s, sim_time_t horizon)
{
	(void)s; (void)horizon;
}

bool oracle_shadow_check(const struct oracle_shadow *s, uint64_t off,
			 uint64_t len, sim_stamp_t stamp, uint32_t origin,
			 sim_time_t tb, sim_time_t te,
			 struct oracle_mismatch *mm)
{
	(void)s; (void)off; (void)len; (void)stamp; (void)origin; (void)tb;
	(void)te; (void)mm;
	return true;
}

bool oracle_shadow_final(const struct oracle_shadow *s, uint64_t off,
			 sim_stamp_t *stamp, uint32_t *origin, uint32_t *run,
			 uint32_t *task)
{
	(void)s; (void)off;
	*stamp = 0; *origin = 0; *run = 1; *task = 0;
	return true;
}

uint64_t oracle_shadow_nvals(const struct oracle_shadow *s)
{
	(void)s;
	return 0;
}
