# tests/ — test scripts over the whole program; each test folder has its
# own local.mk (tests/sim/, tests/fs/, tests/reports/).
TESTS += tests/layering.sh tests/cli.sh tests/cli-run.sh tests/main-job.sh \
	tests/explore.sh
EXTRA_DIST += tests/layering.sh tests/cli.sh tests/cli-run.sh tests/main-job.sh \
	tests/explore.sh \
	tests/cli/*.cfg

include tests/sim/local.mk
include tests/fs/local.mk
include tests/reports/local.mk
