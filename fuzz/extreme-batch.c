/* fuzz/extreme-batch.c — runs many workload files through sim/sim's command
 * line in one sanitizer process, for fuzz/gen-extreme.py: starting an
 * ASan+UBSan sim/sim per workload costs more than most extreme workloads
 * take to run.
 *
 *	extreme-batch TIMEOUT [SIM OPTION...] < PATHS
 *
 * For each line of stdin (a workload path) it runs
 *	sim SIM-OPTION... PATH
 * through sim_cli_main with stderr sent to PATH.err, then a
 * LeakSanitizer check (its report goes to PATH.err too),
 * and prints "PATH EXIT" on stdout, flushed.  A LeakSanitizer report
 * counts as exit 98 and ends the batch (the leak would be reported again
 * by every later check; the caller goes on in a fresh process).  Before
 * each workload it prints "> PATH" and arms alarm(TIMEOUT): a crash, a
 * halting sanitizer report or a hang (SIGALRM)
 * ends the process, and the caller knows which workload was running and
 * finds its report in PATH.err.  The caller reruns a failing workload in a
 * fresh sim/sim to confirm it (state left over from an earlier workload of
 * the batch must not be blamed on it).
 */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fs/workload/model.h"
#include "fs/workload/options.h"
#include "sim/run/cli.h"

#if defined(__SANITIZE_ADDRESS__)
#define SIM_BATCH_LSAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SIM_BATCH_LSAN 1
#endif
#endif
#ifdef SIM_BATCH_LSAN
#include <sanitizer/lsan_interface.h>
#endif

static void help_config(FILE *out)
{
	fs_options_print_help(out);
}

int main(int argc, char **argv)
{
	const struct sim_cli_env env = {
		.model = &ext4_model_ops,
		.help_config = help_config,
	};
	char line[4096];
	int saved, timeout;

	if (argc < 2) {
		fprintf(stderr, "usage: extreme-batch TIMEOUT [SIM OPTION...] "
			"< PATHS\n");
		return 2;
	}
	timeout = atoi(argv[1]);
	saved = dup(2);
	if (saved < 0)
		return 2;
	while (fgets(line, sizeof(line), stdin)) {
		char **v = g_new0(char *, (size_t)argc + 1);
		char *errpath;
		int fd, rc, n = 0;

		line[strcspn(line, "\n")] = '\0';
		if (!line[0]) {
			g_free(v);
			continue;
		}
		v[n++] = (char *)"sim";
		for (int i = 2; i < argc; i++)
			v[n++] = argv[i];
		v[n++] = line;
		printf("> %s\n", line);
		fflush(stdout);
		errpath = g_strconcat(line, ".err", NULL);
		fd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		g_free(errpath);
		if (fd < 0 || dup2(fd, 2) < 0)
			return 2;
		close(fd);
		alarm((unsigned)timeout);
		rc = sim_cli_main(&env, n, v);
#ifdef SIM_BATCH_LSAN
		if (__lsan_do_recoverable_leak_check())
			rc = 98;
#endif
		alarm(0);
		fflush(stderr);
		dup2(saved, 2);
		printf("%s %d\n", line, rc);
		fflush(stdout);
		g_free(v);
		/* a leak stays in the heap: every later check would report it
		 * again.  Stop here (no exit-time check); the caller starts a
		 * fresh process for the rest. */
		if (rc == 98)
			_exit(0);
	}
	return 0;
}
