# workloads/ — job files, installed so `sim NAME.cfg` works from anywhere;
# the regression scenarios (workloads/regress/) ship with the tests.
workloadsdir = $(pkgdatadir)/workloads
workloads_DATA = \
	workloads/collapse_insert.cfg \
	workloads/dax.cfg \
	workloads/fault_heavy.cfg \
	workloads/fsx_mix.cfg \
	workloads/punch_heavy.cfg \
	workloads/range_lock.cfg \
	workloads/read_vs_punch.cfg \
	workloads/sweep_punchers.cfg \
	workloads/truncate.cfg
