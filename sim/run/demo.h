/* sim/run/demo.h — the engine self-demo (`sim/sim --demo`). */
#ifndef SIM_DEMO_H
#define SIM_DEMO_H

#include <stdio.h>
#include <stdint.h>

int sim_demo_run(FILE *out, uint64_t seed);

#endif /* SIM_DEMO_H */
