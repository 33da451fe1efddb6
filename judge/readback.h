/* judge/readback.h — the kernel reads an exported image back: the image
 * mounted read-only without journal replay (-o ro,noload, through a loop
 * device), every workload file read through the real ext4 driver and
 * compared with what the oracle says each byte must be (NAME.expect, where
 * it allows exactly one value; judge/stamp.h renders it).  Where this
 * process may not loop-mount, `debugfs -R "dump /NAME OUT"` reads the files
 * instead (libext2fs, no kernel in the loop), and the result says so.
 */
#ifndef JUDGE_READBACK_H
#define JUDGE_READBACK_H

#include <stdbool.h>

#include <glib.h>

#include "judge/loop.h"
#include "sim/run/record.h"

struct judge_readback {
	struct judge_scratch *scratch;
	bool mount;                 /* loop mounts permitted */
	char *why;                  /* if not: why (one line) */
	char *debugfs;              /* the fallback's path, or NULL */
	char *dump;                 /* debugfs dumps a file here */
};

/* Sets up the scratch directory; probes whether mounting is permitted. */
bool judge_readback_init(struct judge_readback *rb, GError **err);
void judge_readback_destroy(struct judge_readback *rb);
/* Reads img's files back, compares with expect_path; fills j's readback
 * fields (readback, readback_note, bytes_*, first_diff*).  false only when
 * nothing could be read (j->readback_note says why). */
bool judge_readback_image(struct judge_readback *rb, const char *img,
			  const char *expect_path, struct sim_rec_judge *j);

#endif /* JUDGE_READBACK_H */
