# sim/config/ — the option-table machinery (parse, validate, --help-config)
# and the workload-file loader (libconfig.a).
noinst_LIBRARIES += sim/config/libconfig.a
sim_config_libconfig_a_SOURCES = \
	sim/config/cfg.c sim/config/cfg.h sim/config/option-schema.c \
	sim/config/option.c sim/config/option.h
