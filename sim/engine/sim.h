/* sim/engine/sim.h — the engine's public API: the one sim/ header fs/ includes.
 * The engine knows nothing of filesystems. */
#ifndef SIM_SIM_H
#define SIM_SIM_H

#include "sim/engine/types.h"
#include "sim/engine/engine.h"
#include "sim/engine/hist.h"
#include "sim/engine/rng.h"
#include "sim/engine/lock.h"
#include "sim/config/option.h"

#endif /* SIM_SIM_H */
