/* tests/sim/demo-schema.h — a demo schema for the option and cfg tests,
 * shaped like the real one (fs/workload/options.c) but owned by the tests: [global]
 * and [costs] by name, "type = file" sections, every other section a job.
 * It uses every option type.  Static, so each test program gets its copy.
 */
#ifndef TESTS_SIM_DEMO_SCHEMA_H
#define TESTS_SIM_DEMO_SCHEMA_H

#include <stddef.h>

#include "sim/config/cfg.h"
#include "sim/config/option.h"

struct demo_global {
	char **strategies;
	int64_t replicas;
	sim_time_t duration;
	int64_t seed;
	int device;
	char **mount;
	bool verbose;
	double confidence;
	uint64_t memory;
	char *label;
	int64_t init_marker;          /* not an option: set by init() */
};

struct demo_costs {
	sim_time_t page_fault;
	sim_time_t punch_base;
	struct sim_dist disk_read;
};

struct demo_file {
	uint64_t size;
	int layout;
	bool direct;
};

struct demo_job {
	int64_t numjobs;
	char *file;
	struct sim_mix ops;
	int offset;
	struct sim_dist think;
	struct sim_dist len;
	struct sim_dist popularity;
	bool direct;
	char *ops_file;
	double rate;
};

static const char *const demo_strategies[] = {
	"lockless", "i_data_sem", "i_data_sem_held", "i_mmap_sem",
	"invalidate_lock", NULL,
};
static const char *const demo_devices[] = { "nvme", "ssd", "hdd", "ram",
					    NULL };
static const char *const demo_mount[] = {
	"data=ordered", "data=writeback", "data=journal", "delalloc",
	"nodelalloc", "dax", NULL,
};
static const char *const demo_layouts[] = { "dense", "sparse",
					    "fragmented", NULL };
static const char *const demo_ops[] = {
	"read", "write", "mmap_read", "mmap_write", "punch_hole",
	"zero_range", "collapse_range", "insert_range", "fsync", NULL,
};
static const char *const demo_offsets[] = { "random", "sequential",
					    "zipf", NULL };
static const char *const demo_time_dists[] = { "fixed", "uniform", "exp",
					       "normal", "lognormal",
					       "pareto", NULL };

#define G(f) offsetof(struct demo_global, f)
static const struct sim_option demo_global_opts[] = {
	{ .name = "strategies", .type = SIM_OPT_LIST, .offset = G(strategies),
	  .def = "lockless, i_mmap_sem", .allowed = demo_strategies,
	  .help = "locking strategies to compare" },
	{ .name = "replicas", .type = SIM_OPT_INT, .offset = G(replicas),
	  .min = "1", .max = "10000", .def = "4", .label = "runs",
	  .help = "replicas per strategy" },
	{ .name = "duration", .type = SIM_OPT_TIME, .offset = G(duration),
	  .unit = SIM_UNIT_MS, .min = "1us", .max = "1000s", .def = "200ms",
	  .help = "simulated time per job" },
	{ .name = "seed", .type = SIM_OPT_INT, .offset = G(seed), .def = "1",
	  .help = "run seed" },
	{ .name = "device", .type = SIM_OPT_ENUM, .offset = G(device),
	  .def = "nvme", .allowed = demo_devices,
	  .help = "device latency profile" },
	{ .name = "mount", .type = SIM_OPT_LIST, .offset = G(mount),
	  .def = "data=ordered, delalloc", .allowed = demo_mount,
	  .help = "mount options" },
	{ .name = "verbose", .type = SIM_OPT_BOOL, .offset = G(verbose),
	  .def = "0", .help = "chatty output" },
	{ .name = "confidence", .type = SIM_OPT_DOUBLE,
	  .offset = G(confidence), .min = "0.5", .max = "0.999",
	  .def = "0.95", .help = "confidence level of intervals" },
	{ .name = "memory", .type = SIM_OPT_SIZE, .offset = G(memory),
	  .min = "1M", .max = "1T", .def = "1G",
	  .help = "page cache size" },
	{ .name = "label", .type = SIM_OPT_STRING, .offset = G(label),
	  .help = "free text for the report" },
	{ NULL }
};
#undef G

#define C(f) offsetof(struct demo_costs, f)
static const struct sim_option demo_costs_opts[] = {
	{ .name = "page_fault", .type = SIM_OPT_TIME, .offset = C(page_fault),
	  .unit = SIM_UNIT_NS, .def = "500ns", .help = "fault entry cost" },
	{ .name = "punch_base", .type = SIM_OPT_TIME, .offset = C(punch_base),
	  .unit = SIM_UNIT_US, .max = "1s", .def = "2", .help = "punch setup" },
	{ .name = "disk_read", .type = SIM_OPT_DIST, .offset = C(disk_read),
	  .unit = SIM_UNIT_US, .min = "0", .max = "100ms",
	  .def = "normal:80us,10us", .allowed = demo_time_dists,
	  .help = "device read latency" },
	{ NULL }
};
#undef C

#define F(f) offsetof(struct demo_file, f)
static const struct sim_option demo_file_opts[] = {
	{ .name = "size", .type = SIM_OPT_SIZE, .offset = F(size),
	  .min = "4K", .max = "1T", .flags = SIM_OPT_REQUIRED,
	  .help = "file size" },
	{ .name = "layout", .type = SIM_OPT_ENUM, .offset = F(layout),
	  .def = "dense", .allowed = demo_layouts,
	  .help = "initial extent layout" },
	{ .name = "direct", .type = SIM_OPT_BOOL, .offset = F(direct),
	  .def = "false", .help = "open with O_DIRECT" },
	{ NULL }
};
#undef F

#define J(f) offsetof(struct demo_job, f)
static const struct sim_option demo_job_opts[] = {
	{ .name = "numjobs", .type = SIM_OPT_INT, .offset = J(numjobs),
	  .min = "1", .max = "4096", .def = "1", .label = "tasks",
	  .help = "tasks running this job" },
	{ .name = "file", .type = SIM_OPT_STRING, .offset = J(file),
	  .flags = SIM_OPT_REQUIRED, .help = "file section the job uses" },
	{ .name = "ops", .type = SIM_OPT_MIX, .offset = J(ops),
	  .def = "read", .allowed = demo_ops, .help = "operation mix" },
	{ .name = "offset", .type = SIM_OPT_ENUM, .offset = J(offset),
	  .def = "random", .allowed = demo_offsets,
	  .help = "where operations land" },
	{ .name = "think", .type = SIM_OPT_DIST, .offset = J(think),
	  .unit = SIM_UNIT_US, .max = "10s", .def = "0",
	  .allowed = demo_time_dists, .help = "pause between operations" },
	{ .name = "len", .type = SIM_OPT_DIST, .offset = J(len),
	  .unit = SIM_UNIT_BYTES, .min = "1", .max = "1G", .def = "4K",
	  .help = "operation length" },
	{ .name = "popularity", .type = SIM_OPT_DIST, .offset = J(popularity),
	  .help = "unit-less distribution (no default)" },
	{ .name = "direct", .type = SIM_OPT_BOOL, .offset = J(direct),
	  .def = "0", .help = "O_DIRECT I/O" },
	{ .name = "ops_file", .type = SIM_OPT_STRING, .offset = J(ops_file),
	  .help = "replay an fsx op log" },
	{ .name = "rate", .type = SIM_OPT_DOUBLE, .offset = J(rate),
	  .min = "0", .def = "0", .label = "ops/s",
	  .help = "rate limit (0: none)" },
	{ NULL }
};
#undef J

static void demo_global_init(void *data)
{
	((struct demo_global *)data)->init_marker = 42;
}

static const char *const demo_global_names[] = { "global", NULL };
static const char *const demo_costs_names[] = { "costs", NULL };

enum { DEMO_GLOBAL, DEMO_COSTS, DEMO_FILE, DEMO_JOB };

static const struct sim_section_type demo_types[] = {
	[DEMO_GLOBAL] = { .name = "global", .help = "run-wide settings",
		.options = demo_global_opts, .size = sizeof(struct demo_global),
		.flags = SIM_SECTION_IMPLICIT, .names = demo_global_names,
		.init = demo_global_init },
	[DEMO_COSTS] = { .name = "costs", .help = "the cost model",
		.options = demo_costs_opts, .size = sizeof(struct demo_costs),
		.flags = SIM_SECTION_IMPLICIT, .names = demo_costs_names },
	[DEMO_FILE] = { .name = "file", .help = "a file the jobs share",
		.options = demo_file_opts, .size = sizeof(struct demo_file),
		.flags = SIM_SECTION_TYPED },
	[DEMO_JOB] = { .name = "job", .help = "numjobs tasks running a mix",
		.options = demo_job_opts, .size = sizeof(struct demo_job),
		.flags = SIM_SECTION_DEFAULT },
};

/* Cross-section check: a job's file must name a file section. */
static bool demo_validate(struct sim_cfg *cfg, GError **err)
{
	for (unsigned i = 0; i < cfg->n_sections; i++) {
		struct sim_cfg_section *sec = cfg->sections[i], *f;
		struct demo_job *job = sec->data;

		if (sec->type_index != DEMO_JOB)
			continue;
		f = sim_cfg_lookup(cfg, job->file);
		if (!f || f->type_index != DEMO_FILE) {
			sim_cfg_error_at(cfg, sec, "file", err,
					 SIM_CFG_ERROR_INVALID,
					 "no file section [%s]", job->file);
			return false;
		}
	}
	return true;
}

static const struct sim_schema demo_schema = {
	.types = demo_types,
	.n_types = SIM_ARRAY_SIZE(demo_types),
	.type_key = "type",
	.validate = demo_validate,
};

#endif /* TESTS_SIM_DEMO_SCHEMA_H */
