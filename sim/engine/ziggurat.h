/* sim/engine/ziggurat.h — tables of the exponential ziggurat (private to dist.c
 * and its test).  See sim/ziggurat.c. */
#ifndef SIM_ZIGGURAT_H
#define SIM_ZIGGURAT_H

#include <stdint.h>

#define SIM_ZIG_EXP_LAYERS 256
/* r, where the base strip's tail starts, and v, the area of every layer
 * (Marsaglia & Tsang 2000, for 256 layers). */
#define SIM_ZIG_EXP_R 7.69711747013104972
#define SIM_ZIG_EXP_V 3.949659822581572e-3

/* Layer i (0 = the base strip with the tail, 255 = the bottom rectangle,
 * 1 = the top one) of width x_i: a 53-bit uniform j gives x = j w[i]
 * (w[i] = x_i / 2^53); j < k[i] (= 2^53 x_{i-1} / x_i) puts x inside the
 * layer below it, so x is accepted at once; f[i] = exp(-x_i). */
extern const uint64_t sim_zig_exp_k[SIM_ZIG_EXP_LAYERS];
extern const double sim_zig_exp_w[SIM_ZIG_EXP_LAYERS];
extern const double sim_zig_exp_f[SIM_ZIG_EXP_LAYERS];

#endif /* SIM_ZIGGURAT_H */
