# sim/locks.mk — sleeping locks, lock classes + lock_stat, lockdep (see
# sim/local.mk).  Owner: locks.
sim_libsim_a_SOURCES += sim/lock.c sim/mutex.c sim/rwsem.c sim/lockdep.c \
	sim/lockdep.h

check_PROGRAMS += tests/sim/test-mutex tests/sim/test-rwsem \
	tests/sim/test-lockdep tests/sim/test-deadlock tests/sim/test-queueing
TESTS += tests/sim/test-mutex tests/sim/test-rwsem \
	tests/sim/test-lockdep tests/sim/test-deadlock tests/sim/test-queueing
tests_sim_test_mutex_SOURCES = tests/sim/test-mutex.c
tests_sim_test_mutex_LDADD = $(SIM_TEST_LIBS)
tests_sim_test_rwsem_SOURCES = tests/sim/test-rwsem.c
tests_sim_test_rwsem_LDADD = $(SIM_TEST_LIBS)
tests_sim_test_lockdep_SOURCES = tests/sim/test-lockdep.c
tests_sim_test_lockdep_LDADD = $(SIM_TEST_LIBS)
tests_sim_test_deadlock_SOURCES = tests/sim/test-deadlock.c
tests_sim_test_deadlock_LDADD = $(SIM_TEST_LIBS)
tests_sim_test_queueing_SOURCES = tests/sim/test-queueing.c
tests_sim_test_queueing_LDADD = $(SIM_TEST_LIBS)

EXTRA_PROGRAMS += bench/bench-locks
BENCH_LIST += bench/bench-locks
bench_bench_locks_SOURCES = bench/bench-locks.c
bench_bench_locks_LDADD = $(SIM_TEST_LIBS)
