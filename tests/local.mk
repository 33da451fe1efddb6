# tests/ — shared test scripts (module tests are declared next to their
# module's fragment).
