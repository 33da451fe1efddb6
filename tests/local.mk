# tests/ — shared test scripts (module tests are declared next to their
# module's fragment).
TESTS += tests/layering.sh tests/cli.sh tests/main-job.sh tests/robust.sh
EXTRA_DIST += tests/layering.sh tests/cli.sh tests/main-job.sh tests/robust.sh tests/cli/*.cfg workloads/*.cfg
