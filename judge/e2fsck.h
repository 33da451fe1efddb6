/* judge/e2fsck.h — e2fsck's verdict on an exported image: `e2fsck -fn`
 * (force a full check, answer no to every question: the image is not
 * changed).  Exit status 0: clean; 4: errors left uncorrected; 8: an
 * operational error (e2fsck could not check); e2fsck(8) lists the rest.
 * The problem lines are its output without the pass headers, the
 * version banner and the closing summary.
 */
#ifndef JUDGE_E2FSCK_H
#define JUDGE_E2FSCK_H

#include <stdbool.h>

#include <glib.h>

/* Runs e2fsck (its path) on img.  true with *status and *problems (NULL
 * when it printed none); false with *err when it cannot be run at all. */
bool judge_e2fsck(const char *e2fsck, const char *img, int *status,
		  char **problems, GError **err);
/* The image is corrupt in e2fsck's eyes (bit 4: errors left
 * uncorrected; 1 and 2 cannot happen with -n). */
static inline bool judge_e2fsck_corrupt(int status)
{
	return status >= 0 && (status & 4);
}

#endif /* JUDGE_E2FSCK_H */
