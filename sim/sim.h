/* sim/sim.h — the engine's public API: the one sim/ header fs/ includes.
 * The engine knows nothing of filesystems. */
#ifndef SIM_SIM_H
#define SIM_SIM_H

#include "sim/types.h"
#include "sim/engine.h"
#include "sim/hist.h"
#include "sim/rng.h"
#include "sim/lock.h"
#include "sim/option.h"

#endif /* SIM_SIM_H */
