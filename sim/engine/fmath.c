/* sim/engine/fmath.c — deterministic log, log1p, exp, expm1, pow and sqrt.
 *
 * Why not libm: glibc, musl and the BSDs round transcendental functions
 * differently in the last bit, and glibc has changed its own results across
 * versions, so a time drawn from exp:2us could differ by 1 ns between
 * machines and a whole run would diverge.  These functions use only IEEE
 * +, -, *, / on doubles (no FMA: the build uses -ffp-contract=off, and the
 * Dekker products below depend on it), so they return the same bits on any
 * IEEE-754 machine with double evaluation (x86-64 SSE2, aarch64, ...).
 *
 * Method: range reduction to a small interval, then a short series whose
 * truncation error is far below one ulp; log is carried in double-double
 * so pow(x, y) = exp(y log x) stays within a few ulps even when y log x
 * is large (a plain double log would lose |y log x| ulps).  Subnormal results of exp are rounded twice (not correctly);
 * nothing in the simulator lives there.
 *
 * Accuracy measured against glibc's libm (tests/sim/test-rng.c, 10^5
 * random arguments each, log-uniform where a range spans decades):
 *   sim_log    max rel. error 2.2e-16  (x in [1e-300, 1e300], near 1, [0.5, 2])
 *   sim_exp    max rel. error 2.2e-16  (x in [-700, 700] and [-1, 1])
 *   sim_pow    max rel. error 2.2e-16  (x in [1e-3, 1e3], |y| < 3), growing
 *              to 3.9e-15 as |y log x| nears 700: the double-double log
 *              keeps ~6e-18 relative, which y log x then multiplies
 *   sim_sqrt   correctly rounded in all 10^5 cases (x in [1e-300, 1e300])
 *   sim_log1p  4.2e-16, sim_expm1 3.9e-16  (|x| in [1e-12, 10])
 * The test asserts 1e-14 (1e-13 for log1p/expm1), 1e-15 for sqrt and for
 * pow with small exponents: far inside the 1e-13 the simulator needs.
 */
#include <string.h>

#include "sim/engine/rng.h"

static inline uint64_t sim_f2u(double x)
{
	uint64_t u;

	memcpy(&u, &x, sizeof(u));
	return u;
}

static inline double sim_u2f(uint64_t u)
{
	double x;

	memcpy(&x, &u, sizeof(x));
	return x;
}

#define SIM_INF  (__builtin_inf())
#define SIM_NAN  (__builtin_nan(""))

/* ln 2 split so that k * LN2_HI is exact for |k| < 2^20 (fdlibm's pair). */
static const double LN2_HI = 6.93147180369123816490e-01; /* 0x3fe62e42fee00000 */
static const double LN2_LO = 1.90821492927058770002e-10; /* 0x3dea39ef35793c76 */
static const double INV_LN2 = 1.44269504088896338700e+00;

/* 2^k as a double, for k in [-1022, 1023]. */
static inline double sim_pow2(int k)
{
	return sim_u2f((uint64_t)(k + 1023) << 52);
}

/* Error-free transformations (Dekker 1971, Knuth): a + b = s + e and
 * a * b = p + e exactly.  The product needs |a|, |b| < 2^996 (Veltkamp's
 * split must not overflow) and no fused multiply-add. */
static inline double sim_two_sum(double a, double b, double *e)
{
	double s = a + b;
	double bb = s - a;

	*e = (a - (s - bb)) + (b - bb);
	return s;
}

static inline void sim_split(double a, double *hi, double *lo)
{
	double c = 134217729.0 * a;	/* 2^27 + 1 */

	*hi = c - (c - a);
	*lo = a - *hi;
}

static inline double sim_two_prod(double a, double b, double *e)
{
	double p = a * b;
	double ah, al, bh, bl;

	sim_split(a, &ah, &al);
	sim_split(b, &bh, &bl);
	*e = ((ah * bh - p) + ah * bl + al * bh) + al * bl;
	return p;
}

/* ---- sqrt ------------------------------------------------------------- */

double sim_sqrt(double x)
{
	uint64_t u;
	int e, k;
	double m, y, p, pe, r;

	if (x != x || x == 0 || x == SIM_INF)
		return x;		/* NaN, ±0, +inf */
	if (x < 0)
		return SIM_NAN;

	k = 0;
	if (x < 0x1p-1022) {		/* subnormal: scale up by an even power */
		x *= 0x1p108;
		k = -54;
	}
	/* x = m * 2^e with m in [1, 4) and e even. */
	u = sim_f2u(x);
	e = (int)(u >> 52) - 1023;
	m = sim_u2f((u & 0x000fffffffffffffULL) | 0x3ff0000000000000ULL);
	if (e & 1) {
		m *= 2;
		e--;
	}
	/* Newton from a linear start (rel. error < 6%): errors 2e-3, 2e-6,
	 * 1e-12, then below one ulp. */
	y = (m + 2) * (1.0 / 3);
	y = 0.5 * (y + m / y);
	y = 0.5 * (y + m / y);
	y = 0.5 * (y + m / y);
	y = 0.5 * (y + m / y);
	/* One correction with the exact residual m - y^2 (m - p is exact by
	 * Sterbenz): leaves y correctly rounded in all but rare ties. */
	p = sim_two_prod(y, y, &pe);
	r = (m - p) - pe;
	y = y + r / (2 * y);
	return y * sim_pow2(e / 2 + k);
}

/* ---- log -------------------------------------------------------------- */

/* log(x) = hi + lo for finite x > 0, |lo| <= ulp(hi), about 100 bits. */
static double sim_log_dd(double x, double *lo)
{
	uint64_t u;
	int k = 0;
	double m, f, t, tl, s, sl, p, pe, z, R, hi, e1, l;

	if (x < 0x1p-1022) {
		x *= 0x1p54;
		k = -54;
	}
	u = sim_f2u(x);
	k += (int)(u >> 52) - 1023;
	m = sim_u2f((u & 0x000fffffffffffffULL) | 0x3ff0000000000000ULL);
	if (m > 1.4142135623730951) {	/* m in [sqrt(1/2), sqrt(2)] */
		m *= 0.5;
		k++;
	}
	/* log m = 2 atanh(s), s = f / (2 + f), |s| <= 0.1716. */
	f = m - 1;			/* exact (Sterbenz) */
	t = 2 + f;
	tl = f - (t - 2);		/* t + tl = 2 + f exactly */
	s = f / t;
	p = sim_two_prod(s, t, &pe);
	sl = (((f - p) - pe) - s * tl) / t;	/* s + sl = f / (2 + f) */
	/* 2 atanh(s) = 2s (1 + z/3 + z^2/5 + ...), z = s^2 <= 0.02944; the
	 * terms after z^11/23 are below 2^-70 relative. */
	z = s * s;
	R = z * (1.0 / 3 + z * (1.0 / 5 + z * (1.0 / 7 + z * (1.0 / 9 +
	    z * (1.0 / 11 + z * (1.0 / 13 + z * (1.0 / 15 + z * (1.0 / 17 +
	    z * (1.0 / 19 + z * (1.0 / 21 + z * (1.0 / 23)))))))))));
	hi = sim_two_sum(k * LN2_HI, 2 * s, &e1);	/* k * LN2_HI exact */
	l = e1 + (k * LN2_LO + (2 * sl + 2 * s * R));
	m = hi + l;
	*lo = l - (m - hi);
	return m;
}

double sim_log(double x)
{
	double lo;

	if (x != x)
		return x;
	if (x < 0)
		return SIM_NAN;
	if (x == 0)
		return -SIM_INF;
	if (x == SIM_INF)
		return x;
	if (x == 1)
		return 0;
	return sim_log_dd(x, &lo);
}

/* ---- exp -------------------------------------------------------------- */

/* exp(x + xl) for |xl| <= ulp(x); the extra word lets pow pass a
 * double-double argument. */
static double sim_exp_dd(double x, double xl)
{
	double fk, r, p;
	int k;

	if (x != x)
		return x;
	if (x > 709.782712893384)
		return SIM_INF;
	if (x < -745.1332191019412)
		return 0;

	/* x = k ln2 + r, |r| <= ln2 / 2 (+ rounding). */
	k = (int)(x * INV_LN2 + (x < 0 ? -0.5 : 0.5));
	fk = k;
	r = ((x - fk * LN2_HI) - fk * LN2_LO) + xl;
	/* Taylor to r^14/14!: the next term is below 2^-57 relative. */
	p = 1 + r * (1 + r * (1.0 / 2 + r * (1.0 / 6 + r * (1.0 / 24 +
	    r * (1.0 / 120 + r * (1.0 / 720 + r * (1.0 / 5040 +
	    r * (1.0 / 40320 + r * (1.0 / 362880 + r * (1.0 / 3628800 +
	    r * (1.0 / 39916800 + r * (1.0 / 479001600 +
	    r * (1.0 / 6227020800.0 + r * (1.0 / 87178291200.0))))))))))))));
	if (k > 1023)
		return p * 2 * sim_pow2(k - 1);
	if (k < -1022)		/* subnormal result: rounded twice */
		return p * sim_pow2(k + 54) * 0x1p-54;
	return p * sim_pow2(k);
}

double sim_exp(double x)
{
	return sim_exp_dd(x, 0);
}

/* ---- log1p, expm1 (Kahan's tricks over the accurate log/exp) ---------- */

double sim_log1p(double x)
{
	double u;

	if (x != x)
		return x;
	if (x < -1)
		return SIM_NAN;
	if (x == -1)
		return -SIM_INF;
	if (x > 0x1p53)		/* 1 + x == x; log1p(x) - log(x) < ulp */
		return sim_log(x);
	u = 1 + x;
	if (u == 1)
		return x;
	/* The rounding of 1 + x is compensated by x / (u - 1) (Goldberg,
	 * "What every computer scientist...", theorem 4). */
	return sim_log(u) * (x / (u - 1));
}

double sim_expm1(double x)
{
	double u, um1;

	if (x != x)
		return x;
	if (x > 40)		/* e^x - 1 rounds to e^x */
		return sim_exp(x);
	if (x < -40)
		return -1;
	u = sim_exp(x);
	if (u == 1)
		return x;
	um1 = u - 1;
	if (um1 == -1)
		return -1;
	return um1 * (x / sim_log(u));
}

/* ---- pow -------------------------------------------------------------- */

static bool sim_is_int(double y)
{
	if (y >= 0x1p53 || y <= -0x1p53)
		return true;
	return y == (double)(int64_t)y;
}

static bool sim_is_odd_int(double y)
{
	if (y >= 0x1p53 || y <= -0x1p53)
		return false;
	return y == (double)(int64_t)y && ((int64_t)y & 1);
}

double sim_pow(double x, double y)
{
	double sign = 1, lh, ll, p, pe;

	if (y == 0 || x == 1)
		return 1;
	if (x != x || y != y)
		return x + y;
	if (y == SIM_INF || y == -SIM_INF) {
		double ax = x < 0 ? -x : x;

		if (ax == 1)
			return 1;
		return (ax > 1) == (y > 0) ? SIM_INF : 0;
	}
	if (x < 0) {
		if (!sim_is_int(y))
			return SIM_NAN;
		if (sim_is_odd_int(y))
			sign = -1;
		x = -x;
	}
	if (x == 0)
		return sign * (y > 0 ? 0 : SIM_INF);
	if (x == SIM_INF)
		return sign * (y > 0 ? SIM_INF : 0);

	lh = sim_log_dd(x, &ll);
	p = y * lh;
	if (p > 1000 || p < -1000)	/* certain overflow or underflow; also
					   keeps the split below in range */
		return sign * (p > 0 ? SIM_INF : 0);
	p = sim_two_prod(y, lh, &pe);
	return sign * sim_exp_dd(p, pe + y * ll);
}
