/* fuzz/fuzz-workload.c — libFuzzer target: a workload file (.cfg text)
 * through the parser and validator as `sim/sim --dump-config` takes it:
 * sim_cfg_load_data (per-key parsing, required keys, the model's
 * cross-key checks), the plan (strategies, replicas, sweep-free), the
 * canonical dump, and the dump parsed again (it must load and dump to
 * the same text: the dump is the config's canonical form).
 *
 * The model's own set-up (ext4 create) is not run here: it allocates the
 * file system the config asks for, and the extreme-workload generator
 * (fuzz/gen-extreme.py) drives that through the sanitizer build instead.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs/workload/model.h"
#include "fs/workload/options.h"
#include "sim/run/plan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	GError *err = NULL;
	struct sim_cfg *cfg, *again;
	struct sim_plan *plan;
	char *dump, *dump2;

	if (size > 1 << 16)
		return 0;
	cfg = sim_cfg_load_data(&fs_schema, "fuzz.cfg", (const char *)data,
				size, &err);
	if (!cfg) {
		/* an error is one line */
		if (!err || strchr(err->message, '\n'))
			abort();
		g_error_free(err);
		return 0;
	}
	plan = sim_plan_new(&ext4_model_ops, cfg, NULL, &err);
	if (plan)
		sim_plan_free(plan);
	else
		g_clear_error(&err);
	dump = sim_cfg_dump(cfg);
	again = sim_cfg_load_data(&fs_schema, "fuzz.cfg", dump, strlen(dump), &err);
	if (!again) {
		fprintf(stderr, "the dump of a valid config does not load: %s\n%s",
			err->message, dump);
		abort();
	}
	dump2 = sim_cfg_dump(again);
	if (strcmp(dump, dump2) != 0) {
		fprintf(stderr, "dump, load, dump changed the text:\n%s\n---\n%s",
			dump, dump2);
		abort();
	}
	g_free(dump);
	g_free(dump2);
	sim_cfg_free(again);
	sim_cfg_free(cfg);
	return 0;
}
