/* sim/engine/stats.h — statistics over replicas: means, Student-t confidence
 * intervals, and paired comparisons between strategies.
 *
 * Replica r of every strategy runs the same workload draws (common random
 * numbers), so per-replica figures of two strategies are paired: the CI
 * of their difference uses the per-replica differences and is far tighter
 * than comparing two independent CIs.  Everything is computed in a fixed
 * order with fmath.c (no libm), so printed intervals are bit-identical
 * across machines.
 */
#ifndef SIM_STATS_H
#define SIM_STATS_H

#include "sim/engine/types.h"

/* Summary of n per-replica values with a 95% confidence interval for the
 * mean: mean ± half, half = t(0.975, n-1) sd / sqrt(n).  half is NaN when
 * n < 2 (no interval from one replica); sd is 0 then. */
struct sim_ci {
	unsigned n;
	double mean;
	double sd;		/* sample standard deviation (n - 1) */
	double half;		/* 95% half-width */
};

double sim_stats_mean(const double *x, unsigned n);      /* NaN if n == 0 */
double sim_stats_stddev(const double *x, unsigned n);    /* sample; 0 if n < 2 */
/* Two-sided 95% Student t quantile t(0.975, df); NaN for df == 0. */
double sim_stats_t95(unsigned df);
struct sim_ci sim_stats_ci95(const double *x, unsigned n);

/* a[i] and b[i] are replica i of two strategies (b the baseline, e.g.
 * lockless).  diff = mean(a - b) with its paired-t half-width; rel is the
 * relative difference of the means, 100 (mean(a) / mean(b) - 1) in %, with
 * a delta-method half-width (see stats.c).  Halves are NaN when n < 2; rel
 * and rel_half are NaN when mean(b) == 0. */
struct sim_paired {
	unsigned n;
	double mean_a, mean_b;
	double diff, diff_half;
	double rel, rel_half;	/* percent */
};

struct sim_paired sim_stats_paired95(const double *a, const double *b, unsigned n);
/* The 95% CI of the difference excludes 0. */
bool sim_stats_paired_significant(const struct sim_paired *p);
/* "+38.0% ±4.1%" (rel ± rel_half), "+38.0%" when there is no interval,
 * "n/a" when rel is undefined.  Returns what snprintf returns. */
int sim_stats_format_rel(const struct sim_paired *p, char *buf, size_t len);

#endif /* SIM_STATS_H */
