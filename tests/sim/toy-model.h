/* tests/sim/toy-model.h — a small model for the runner's tests: tasks
 * contend on a mutex under three "strategies" (mutex, mutex_long: the same
 * with a longer hold, racy: no mutex at all, so critical sections
 * overlap).  Ops "lock" and "think"; violation kinds "overlap" (two tasks
 * in the critical section) and "rare" (a rare random draw), each
 * explained from the tasks' step notes.  Everything the runner, the
 * outputs, shards, replay, SIGINT and traces need, without fs/.
 */
#ifndef TESTS_SIM_TOY_MODEL_H
#define TESTS_SIM_TOY_MODEL_H

#include "sim/engine/model.h"

extern const struct sim_model_ops toy_model_ops;

#endif /* TESTS_SIM_TOY_MODEL_H */
