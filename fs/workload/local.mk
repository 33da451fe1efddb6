# fs/workload/ — the workload driver (model-only): the model's plug-in
# to the engine (model.c), the per-task operation driver (workload.c), fsx
# op-log replay (fsx.c), explicit op scripts (script.c), the shrinker of
# violating jobs (shrink.c) and the workload option tables (options.c).
fs_libfs_a_SOURCES += \
	fs/workload/fsx.c fs/workload/fsx.h fs/workload/model.c \
	fs/workload/model.h fs/workload/options.c fs/workload/options.h \
	fs/workload/script.c fs/workload/script.h \
	fs/workload/shrink.c fs/workload/shrink.h \
	fs/workload/workload.c fs/workload/workload.h
