/* judge/fsxgen.h — random fsx op logs for kcheck (sim kcheck --random N):
 * byte-granular offsets and lengths, every op kind fsx replays (read,
 * write, mapread, mapwrite, truncate, fallocate with and without
 * keep_size, punch_hole, zero_range with and without keep_size,
 * collapse_range, insert_range, fsync), files that grow and shrink, and
 * now and then close_open.  Log k of seed S is the same on every machine
 * (sim_rng streams).  SIZE_BEFORE is what fsx's own model (fs/fsx.c) says
 * the size is, so the logs read like fsx's own.
 */
#ifndef JUDGE_FSXGEN_H
#define JUDGE_FSXGEN_H

#include <stdint.h>

/* The text of log `index` of `seed`: nops ops for a file of at most
 * maxfilelen bytes on a file system of block size bs.  g_free. */
char *judge_fsxgen(uint64_t seed, unsigned index, unsigned nops,
		   uint64_t maxfilelen, unsigned bs);

#endif /* JUDGE_FSXGEN_H */
