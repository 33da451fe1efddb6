# tests/ — test scripts over the whole program; each test folder has its
# own local.mk (tests/sim/, tests/fs/, tests/reports/).
TESTS += tests/layering.sh tests/cli.sh tests/cli-run.sh tests/main-job.sh \
	tests/resume.sh tests/robust.sh tests/cli-limits.sh
# the MPI runner: only in an MPI build (./configure --with-mpi)
if HAVE_MPI
TESTS += tests/mpi.sh
endif
EXTRA_DIST += tests/layering.sh tests/cli.sh tests/cli-run.sh tests/main-job.sh \
	tests/resume.sh tests/robust.sh tests/mpi.sh tests/cli-limits.sh \
	tests/cli/*.cfg

include tests/sim/local.mk
include tests/fs/local.mk
include tests/reports/local.mk
