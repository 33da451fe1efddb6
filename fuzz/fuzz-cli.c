/* fuzz/fuzz-cli.c — libFuzzer target: sim/sim's command line.  The input
 * is the arguments, one per line; the harness runs
 *   sim --dump-config ARGS... fuzz/cli.cfg
 * so every option parser (-s, -r, -j, --seed, --duration, --set, --sweep,
 * --shard, --replay, -o, ...) and their checks run, and nothing is
 * simulated (--dump-config refuses the options that would run).
 * Arguments that make GOption print help and exit() are dropped. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fs/workload/model.h"
#include "fs/workload/options.h"
#include "sim/run/cli.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static char *cfg_path;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char cfg[] =
		"[global]\nstrategies = lockless, i_data_sem\nreplicas = 2\n"
		"duration = 1ms\n\n[data]\ntype = file\nsize = 64K\n\n"
		"[w]\nfile = data\nops = mmap_read, punch_hole\n";
	int fd;

	(void)argc;
	(void)argv;
	cfg_path = g_strdup("/tmp/fuzz-cli-XXXXXX.cfg");
	fd = g_mkstemp(cfg_path);
	if (fd < 0 || write(fd, cfg, sizeof(cfg) - 1) != sizeof(cfg) - 1)
		abort();
	close(fd);
	/* the dump goes nowhere */
	if (!freopen("/dev/null", "w", stdout))
		abort();
	return 0;
}

/* GOption's own help (-h, -?, --help*, clusters holding h or ?) exits. */
static gboolean exits(const char *a)
{
	if (a[0] != '-')
		return FALSE;
	if (a[1] == '-')
		return g_str_has_prefix(a, "--help") &&
		       strcmp(a, "--help-config") != 0;
	return strchr(a, 'h') || strchr(a, '?');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct sim_cli_env env = { .model = &ext4_model_ops };
	GPtrArray *args;
	char *text, **lines;
	int i;

	if (size > 4096)
		return 0;
	text = g_strndup((const char *)data, size);
	lines = g_strsplit(text, "\n", 64);
	args = g_ptr_array_new();
	g_ptr_array_add(args, (char *)"sim");
	g_ptr_array_add(args, (char *)"--dump-config");
	for (i = 0; lines[i]; i++) {
		if (exits(lines[i]) || strcmp(lines[i], "merge") == 0 ||
		    strcmp(lines[i], "report") == 0 ||
		    strcmp(lines[i], "--demo") == 0)
			continue;
		g_ptr_array_add(args, lines[i]);
	}
	g_ptr_array_add(args, cfg_path);
	g_ptr_array_add(args, NULL);
	sim_cli_main(&env, (int)args->len - 1, (char **)args->pdata);
	g_ptr_array_unref(args);
	g_strfreev(lines);
	g_free(text);
	return 0;
}
