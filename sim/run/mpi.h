/* sim/run/mpi.h — the plan's jobs over MPI ranks (./configure --with-mpi).
 *
 *   mpirun -n K sim/sim FILE.cfg      (or srun under Slurm)
 *
 * Every rank parses the same command line and builds the same plan (its
 * digest, sim_out_plan_ident, is checked).  Rank 0 hands out jobs one at a
 * time in the thread runner's order (longest group first, learned from the
 * CPU time of finished jobs) and keeps their records; ranks 1..K-1 run the
 * jobs, each on its own thread pool (-j threads), and send each finished
 * job's raw record back (the JSON a shard file holds, read back exactly).
 * Rank 0 journals them (--resume works as on one machine) and writes the
 * one result, byte-identical (minus "host") to -j1 on one machine.  With
 * one rank, or in a build without MPI, the thread runner runs the plan.
 *
 * Protocol (MPI_COMM_WORLD, rank 0 <-> worker w):
 *   w -> 0  TAG_HELLO  the plan digest (w's first message)
 *   w -> 0  TAG_ASK    "a thread of mine is free"
 *   0 -> w  TAG_JOB    int32 plan index, or -1: no more jobs
 *   w -> 0  TAG_DONE   "INDEX CPU_S\n" + the record's JSON
 *   w -> 0  TAG_FAIL   "INDEX\n" + the error message (set-up failed)
 * A worker asks once per free thread and stops asking after a -1; rank 0
 * answers -1 once every job is handed out, a job failed or SIGINT/SIGTERM
 * arrived, and returns when every worker has had its -1 and every job
 * handed out has come back.
 */
#ifndef SIM_MPI_H
#define SIM_MPI_H

#include <stdbool.h>

#include "sim/run/runner.h"

/* MPI_Init (threads: funnelled through the main thread); false without
 * MPI.  Call first thing in main. */
bool sim_mpi_init(int *argc, char ***argv);
void sim_mpi_finalize(void);
/* This process's rank and the number of ranks (0 and 1 without MPI). */
int sim_mpi_rank(void);
int sim_mpi_size(void);

/* Rank 0: runs the plan's jobs on the other ranks (see above). */
struct sim_run *sim_mpi_run(const struct sim_model_ops *ops,
			    const struct sim_plan *plan,
			    const struct sim_runner_opts *o, GError **err);
/* Ranks 1..K-1: run jobs for rank 0 until it has none left; false with
 * *err when the plan is not rank 0's. */
bool sim_mpi_work(const struct sim_model_ops *ops, const struct sim_plan *plan,
		  unsigned threads, GError **err);

#endif /* SIM_MPI_H */
