/* judge/loop.c — scratch directories and loop mounts (see loop.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/loop.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "judge/loop.h"

/* The one scratch of this process, for the handlers. */
static struct judge_scratch *volatile active;

static void cleanup_raw(struct judge_scratch *s)
{
	for (unsigned i = 0; i < JUDGE_MAX_MOUNTS; i++)
		if (s->mnt[i][0]) {
			umount2(s->mnt[i], MNT_DETACH);
			rmdir(s->mnt[i]);
			s->mnt[i][0] = '\0';
		}
	for (unsigned i = 0; i < G_N_ELEMENTS(s->file); i++)
		if (s->file[i][0]) {
			unlink(s->file[i]);
			s->file[i][0] = '\0';
		}
	if (s->dir[0])
		rmdir(s->dir);
	s->dir[0] = '\0';
}

static void on_signal(int sig)
{
	struct judge_scratch *s = active;

	if (s)
		cleanup_raw(s);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void on_exit_cleanup(void)
{
	struct judge_scratch *s = active;

	if (s)
		cleanup_raw(s);
}

struct judge_scratch *judge_scratch_new(const char *what, GError **err)
{
	static bool hooked;
	struct judge_scratch *s;
	char *tmpl;

	if (active) {
		g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_EXIST,
			    "a scratch directory is already in use");
		return NULL;
	}
	s = g_new0(struct judge_scratch, 1);
	tmpl = g_strdup_printf("%s/faultline-%s-XXXXXX", g_get_tmp_dir(), what);
	if (strlen(tmpl) >= sizeof(s->dir) - 40 || !mkdtemp(tmpl)) {
		g_set_error(err, G_FILE_ERROR, g_file_error_from_errno(errno),
			    "cannot create a temporary directory %s: %s", tmpl,
			    g_strerror(errno));
		g_free(tmpl);
		g_free(s);
		return NULL;
	}
	g_strlcpy(s->dir, tmpl, sizeof(s->dir));
	g_free(tmpl);
	active = s;
	if (!hooked) {
		/* a crash must not leave a mount behind either; a signal the
		 * caller ignores (sim ignores ^C while it writes its outputs)
		 * stays ignored */
		static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGSEGV,
					    SIGBUS, SIGABRT, SIGFPE };
		struct sigaction sa = { .sa_handler = on_signal }, old;

		sigemptyset(&sa.sa_mask);
		for (unsigned i = 0; i < G_N_ELEMENTS(sigs); i++)
			if (sigaction(sigs[i], NULL, &old) == 0 &&
			    old.sa_handler != SIG_IGN)
				sigaction(sigs[i], &sa, NULL);
		atexit(on_exit_cleanup);
		hooked = true;
	}
	return s;
}

char *judge_scratch_path(struct judge_scratch *s, const char *name, bool track)
{
	char *p = g_build_filename(s->dir, name, NULL);

	if (track)
		for (unsigned i = 0; i < G_N_ELEMENTS(s->file); i++)
			if (!s->file[i][0]) {
				g_strlcpy(s->file[i], p, sizeof(s->file[i]));
				break;
			}
	return p;
}

void judge_scratch_cleanup(struct judge_scratch *s)
{
	if (!s)
		return;
	if (active == s)
		active = NULL;
	cleanup_raw(s);
	g_free(s);
}

bool judge_loop_permitted(char *why, size_t len)
{
	char *fs = NULL;

	/* test hook: the tests of the paths taken where mounting is not
	 * permitted run them as root too */
	if (g_getenv("FAULTLINE_JUDGE_NO_MOUNT")) {
		snprintf(why, len, "FAULTLINE_JUDGE_NO_MOUNT is set");
		return false;
	}
	if (geteuid() != 0) {
		snprintf(why, len, "not root (euid %u)", (unsigned)geteuid());
		return false;
	}
	if (access("/dev/loop-control", R_OK | W_OK) != 0) {
		snprintf(why, len, "/dev/loop-control: %s", g_strerror(errno));
		return false;
	}
	if (g_file_get_contents("/proc/filesystems", &fs, NULL, NULL) &&
	    !strstr(fs, "\text4\n")) {
		snprintf(why, len, "the kernel has no ext4 (/proc/filesystems)");
		g_free(fs);
		return false;
	}
	g_free(fs);
	return true;
}

/* A free loop device with img attached (autoclear); its fd, or -1. */
static int loop_attach(const char *img, bool ro, char *dev, size_t devlen,
		       GError **err)
{
	int ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
	int ffd = open(img, (ro ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	int lfd = -1;

	if (ctl < 0 || ffd < 0) {
		g_set_error(err, G_FILE_ERROR, g_file_error_from_errno(errno),
			    "%s: %s", ctl < 0 ? "/dev/loop-control" : img,
			    g_strerror(errno));
		goto out;
	}
	/* another process may take the device between the two calls */
	for (int tries = 0; tries < 16 && lfd < 0; tries++) {
		struct loop_config cfg = { .fd = (uint32_t)ffd };
		int n = ioctl(ctl, LOOP_CTL_GET_FREE);

		if (n < 0) {
			g_set_error(err, G_FILE_ERROR,
				    g_file_error_from_errno(errno),
				    "no free loop device: %s", g_strerror(errno));
			goto out;
		}
		snprintf(dev, devlen, "/dev/loop%d", n);
		lfd = open(dev, (ro ? O_RDONLY : O_RDWR) | O_CLOEXEC);
		if (lfd < 0)
			continue;
		cfg.info.lo_flags = LO_FLAGS_AUTOCLEAR |
				    (ro ? LO_FLAGS_READ_ONLY : 0);
		if (ioctl(lfd, LOOP_CONFIGURE, &cfg) == 0)
			break;
		if (errno != EBUSY) {
			g_set_error(err, G_FILE_ERROR,
				    g_file_error_from_errno(errno),
				    "%s: LOOP_CONFIGURE: %s", dev,
				    g_strerror(errno));
			close(lfd);
			lfd = -1;
			goto out;
		}
		close(lfd);
		lfd = -1;
	}
	if (lfd < 0 && err && !*err)
		g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_AGAIN,
			    "no loop device could be attached (all busy)");
out:
	if (ctl >= 0)
		close(ctl);
	if (ffd >= 0)
		close(ffd);
	return lfd;
}

bool judge_loop_mount(struct judge_scratch *s, const char *img,
		      const char *name, bool ro, const char *data,
		      char **mnt_out, GError **err)
{
	char dev[64];
	char *mnt = g_build_filename(s->dir, name, NULL);
	unsigned slot;
	int lfd;

	for (slot = 0; slot < JUDGE_MAX_MOUNTS && s->mnt[slot][0]; slot++)
		;
	if (slot == JUDGE_MAX_MOUNTS || strlen(mnt) >= sizeof(s->mnt[0])) {
		g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_NOSPC,
			    "too many mounts in the scratch directory");
		g_free(mnt);
		return false;
	}
	if (mkdir(mnt, 0700) != 0 && errno != EEXIST) {
		g_set_error(err, G_FILE_ERROR, g_file_error_from_errno(errno),
			    "mkdir %s: %s", mnt, g_strerror(errno));
		g_free(mnt);
		return false;
	}
	lfd = loop_attach(img, ro, dev, sizeof(dev), err);
	if (lfd < 0) {
		rmdir(mnt);
		g_free(mnt);
		return false;
	}
	/* registered before mount(2): a signal between the two unmounts */
	g_strlcpy(s->mnt[slot], mnt, sizeof(s->mnt[slot]));
	if (mount(dev, mnt, "ext4", ro ? MS_RDONLY : 0, data) != 0) {
		int e = errno;

		g_set_error(err, G_FILE_ERROR, g_file_error_from_errno(e),
			    "mount -t ext4 -o %s%s %s (%s) %s: %s (dmesg says why)",
			    ro ? "ro," : "", data ? data : "", img, dev, mnt,
			    g_strerror(e));
		close(lfd);   /* autoclear detaches it */
		s->mnt[slot][0] = '\0';
		rmdir(mnt);
		g_free(mnt);
		return false;
	}
	close(lfd);           /* the mount holds the device now */
	*mnt_out = mnt;
	return true;
}

bool judge_loop_umount(struct judge_scratch *s, const char *mnt, GError **err)
{
	for (unsigned i = 0; i < JUDGE_MAX_MOUNTS; i++) {
		if (strcmp(s->mnt[i], mnt) != 0)
			continue;
		if (umount2(mnt, 0) != 0) {
			g_set_error(err, G_FILE_ERROR,
				    g_file_error_from_errno(errno),
				    "umount %s: %s", mnt, g_strerror(errno));
			return false;
		}
		s->mnt[i][0] = '\0';
		rmdir(mnt);
		return true;
	}
	g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_NOENT,
		    "%s is not mounted here", mnt);
	return false;
}

bool judge_run(char **argv, char **out, int *status, GError **err)
{
	char *o = NULL, *e = NULL;
	int st = 0;

	if (!g_spawn_sync(NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &o,
			  &e, &st, err))
		return false;
	if (status)
		*status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	if (out) {
		*out = g_strconcat(o ? o : "", e ? e : "", NULL);
	}
	g_free(o);
	g_free(e);
	return true;
}
