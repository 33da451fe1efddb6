/* judge/loop.h — a private scratch directory, and ext4 images loop-mounted
 * in it (kcheck's twin file system, the read-back of exported images).
 *
 * Everything lives in one mkdtemp directory under $TMPDIR; judge_scratch_
 * cleanup unmounts and removes it, and is also run from SIGINT, SIGTERM
 * and SIGHUP handlers and at exit (async-signal-safe system calls only), so
 * no exit path leaves a mount, a loop device or a file behind.  Loop
 * devices are attached with LO_FLAGS_AUTOCLEAR: the kernel detaches them
 * at unmount (or when a failed mount drops the last reference).
 */
#ifndef JUDGE_LOOP_H
#define JUDGE_LOOP_H

#include <stdbool.h>
#include <stddef.h>

#include <glib.h>

#define JUDGE_MAX_MOUNTS 4

struct judge_scratch {
	char dir[256];                         /* the mkdtemp directory */
	char mnt[JUDGE_MAX_MOUNTS][300];       /* mount points in use ("" free) */
	char file[8][300];                     /* files to remove ("" free) */
};

/* A fresh scratch directory "faultline-WHAT-XXXXXX"; registers it for the
 * signal and exit clean-up.  One scratch per process at a time. */
struct judge_scratch *judge_scratch_new(const char *what, GError **err);
/* A path inside it (g_free); with track, removed at clean-up. */
char *judge_scratch_path(struct judge_scratch *s, const char *name, bool track);
/* Unmounts, removes what it created, frees s (NULL is fine). */
void judge_scratch_cleanup(struct judge_scratch *s);

/* Can this process loop-mount (root, /dev/loop-control, ext4 known to the
 * kernel)?  If not, why (one line).  FAULTLINE_JUDGE_NO_MOUNT set in the
 * environment answers no (tests of the paths taken without a mount). */
bool judge_loop_permitted(char *why, size_t len);

/* Attaches img to a free loop device and mounts it as ext4 on a new
 * directory NAME in the scratch; *mnt_out is that directory (g_free). */
bool judge_loop_mount(struct judge_scratch *s, const char *img,
		      const char *name, bool ro, const char *data,
		      char **mnt_out, GError **err);
bool judge_loop_umount(struct judge_scratch *s, const char *mnt, GError **err);

/* Runs argv (argv[0] a path) to its end: *out (if non-NULL) its stdout
 * then its stderr, *status its exit status (128 + signal when killed).
 * false with *err only when it cannot be run at all. */
bool judge_run(char **argv, char **out, int *status, GError **err);

#endif /* JUDGE_LOOP_H */
