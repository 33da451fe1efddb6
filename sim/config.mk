# sim/config.mk — see sim/local.mk.  The option-table machinery and the
# workload-file loader.
sim_libsim_a_SOURCES += sim/option.c sim/option-schema.c sim/cfg.c sim/cfg.h

check_PROGRAMS += tests/sim/test-option tests/sim/test-cfg
TESTS += tests/sim/test-option tests/sim/test-cfg
tests_sim_test_option_SOURCES = tests/sim/test-option.c tests/sim/demo-schema.h
tests_sim_test_option_LDADD = $(SIM_TEST_LIBS)
tests_sim_test_cfg_SOURCES = tests/sim/test-cfg.c tests/sim/demo-schema.h
tests_sim_test_cfg_LDADD = $(SIM_TEST_LIBS)

# Fixtures: each bad-*.cfg starts with "; expect: MESSAGE" (test-cfg.c).
CFG_BAD_FIXTURES = \
	tests/sim/cfg/bad-bare-nonbool.cfg \
	tests/sim/cfg/bad-before-section.cfg \
	tests/sim/cfg/bad-bool.cfg \
	tests/sim/cfg/bad-dist-kind.cfg \
	tests/sim/cfg/bad-dist.cfg \
	tests/sim/cfg/bad-double.cfg \
	tests/sim/cfg/bad-dup-key.cfg \
	tests/sim/cfg/bad-dup-section.cfg \
	tests/sim/cfg/bad-empty-section.cfg \
	tests/sim/cfg/bad-enum.cfg \
	tests/sim/cfg/bad-global-typo.cfg \
	tests/sim/cfg/bad-header-junk.cfg \
	tests/sim/cfg/bad-int.cfg \
	tests/sim/cfg/bad-key-of-file-in-job.cfg \
	tests/sim/cfg/bad-key-space.cfg \
	tests/sim/cfg/bad-len-range.cfg \
	tests/sim/cfg/bad-list.cfg \
	tests/sim/cfg/bad-lone-bracket.cfg \
	tests/sim/cfg/bad-missing-key.cfg \
	tests/sim/cfg/bad-missing-required-file.cfg \
	tests/sim/cfg/bad-missing-required.cfg \
	tests/sim/cfg/bad-mix.cfg \
	tests/sim/cfg/bad-negative.cfg \
	tests/sim/cfg/bad-no-equals.cfg \
	tests/sim/cfg/bad-overflow.cfg \
	tests/sim/cfg/bad-range.cfg \
	tests/sim/cfg/bad-size.cfg \
	tests/sim/cfg/bad-time.cfg \
	tests/sim/cfg/bad-type-conflict.cfg \
	tests/sim/cfg/bad-unknown-key.cfg \
	tests/sim/cfg/bad-unknown-type.cfg \
	tests/sim/cfg/bad-unknown-type2.cfg \
	tests/sim/cfg/bad-validate.cfg
EXTRA_DIST += tests/sim/cfg/good.cfg $(CFG_BAD_FIXTURES)
