/* judge/expect.h — NAME.expect, written next to each exported image: what
 * the model's oracle says every byte of every file must read after the
 * job (fs_oracle_expected), for the read-back (judge/readback.c) and for
 * anyone who wants to predict a file's bytes with the stamp function
 * (docs/judge.md).  Text, one item per line, numbers in hex:
 *
 *	# comment
 *	file NAME ino INO size SIZE
 *	OFFSET LENGTH STAMP ORIGIN     bytes [OFFSET, OFFSET+LENGTH) are bytes
 *	                               [ORIGIN, ...) of stamp STAMP (0: zeros)
 *	OFFSET LENGTH ?                more than one value is legal there
 *
 * The runs of a file cover [0, SIZE) in order.
 */
#ifndef JUDGE_EXPECT_H
#define JUDGE_EXPECT_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

struct judge_expect_run {
	uint64_t off, len;
	uint64_t stamp;             /* 0: zeros */
	uint64_t origin;
	bool known;                 /* false: "?" */
};

struct judge_expect_file {
	char *name;
	uint32_t ino;
	uint64_t size;
	GArray *runs;               /* struct judge_expect_run */
};

struct judge_expect {
	GPtrArray *files;           /* struct judge_expect_file * */
};

struct judge_expect *judge_expect_load(const char *path, GError **err);
void judge_expect_free(struct judge_expect *e);

#endif /* JUDGE_EXPECT_H */
