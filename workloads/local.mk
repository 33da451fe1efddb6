# workloads/ — job files, installed (and in the tarball) so `sim NAME.cfg`
# works from anywhere; the regression scenarios too, for
# `sim --check $(pkgdatadir)/workloads/regress/*.cfg`.
workloadsdir = $(pkgdatadir)/workloads
dist_workloads_DATA = \
	workloads/collapse_insert.cfg \
	workloads/dax.cfg \
	workloads/fault_heavy.cfg \
	workloads/fsx_mix.cfg \
	workloads/punch_heavy.cfg \
	workloads/range_lock.cfg \
	workloads/read_vs_punch.cfg \
	workloads/sweep_punchers.cfg \
	workloads/truncate.cfg

regressdir = $(pkgdatadir)/workloads/regress
dist_regress_DATA = \
	workloads/regress/collapse-write-fault-min.cfg \
	workloads/regress/collapse-write-fault.cfg \
	workloads/regress/dax-rw-fault.cfg \
	workloads/regress/fsx-race.cfg \
	workloads/regress/insert-write-fault.cfg \
	workloads/regress/punch-write-fault-dax.cfg \
	workloads/regress/punch-write-fault-min.cfg \
	workloads/regress/punch-write-fault.cfg \
	workloads/regress/stale-hole.cfg \
	workloads/regress/truncate-fault.cfg \
	workloads/regress/writeback-deadlock.cfg \
	workloads/regress/writeback-free-block.cfg \
	workloads/regress/writeback-node-fsck.cfg \
	workloads/regress/writeback-reused-data.cfg \
	workloads/regress/writeback-reused-node.cfg \
	workloads/regress/zero-write-fault-min.cfg \
	workloads/regress/zero-write-fault.cfg
