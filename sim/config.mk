# sim/config.mk — see sim/local.mk.  The option-table machinery and the
# workload-file loader.
sim_libsim_a_SOURCES += sim/option.c sim/option-schema.c sim/cfg.c sim/cfg.h

check_PROGRAMS += tests/sim/test-option tests/sim/test-cfg
TESTS += tests/sim/test-option tests/sim/test-cfg
tests_sim_test_option_SOURCES = tests/sim/test-option.c tests/sim/demo-schema.h
tests_sim_test_option_LDADD = $(SIM_TEST_LIBS)
tests_sim_test_cfg_SOURCES = tests/sim/test-cfg.c tests/sim/demo-schema.h
tests_sim_test_cfg_LDADD = $(SIM_TEST_LIBS)

