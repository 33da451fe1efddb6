# tests/ — shared test scripts (module tests are declared next to their
# module's fragment).
TESTS += tests/layering.sh
EXTRA_DIST += tests/layering.sh
