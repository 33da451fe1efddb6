/* sim/engine/rng.c — seeded random streams: xoshiro256** (Blackman & Vigna 2018)
 * seeded through splitmix64.
 *
 * Why xoshiro256**: 256 bits of state (period 2^256 - 1, so randomly seeded
 * streams never overlap in practice), passes BigCrush/PractRand, ~1 ns per
 * draw, and the state is plain data a world can copy.  Not cryptographic,
 * which a simulator does not need.
 *
 * Seeding: the tuple (seed, job, task, purpose) is absorbed one value at a
 * time, h = mix((h ^ v) + golden), where mix is splitmix64's finaliser (a
 * bijection of 64-bit words with full avalanche); the resulting key then
 * drives a splitmix64 sequence that fills the four state words, as Vigna
 * recommends.  Two different tuples therefore collide only if their 64-bit
 * keys collide (probability ~2^-64 per pair), and different keys start the
 * 2^256 cycle at unrelated points.
 */
#include "sim/engine/rng.h"

#define SIM_GOLDEN 0x9e3779b97f4a7c15ULL

static inline uint64_t sim_rng_mix(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static inline uint64_t sim_splitmix64(uint64_t *x)
{
	*x += SIM_GOLDEN;
	return sim_rng_mix(*x);
}

void sim_rng_seed(struct sim_rng *r, uint64_t seed, uint64_t job,
		  uint64_t task, uint64_t purpose)
{
	const uint64_t v[4] = { seed, job, task, purpose };
	uint64_t h = 0x6661756c746c696eULL;	/* "faultlin": domain separation */
	unsigned i;

	for (i = 0; i < 4; i++)
		h = sim_rng_mix((h ^ v[i]) + SIM_GOLDEN);
	for (i = 0; i < 4; i++)
		r->s[i] = sim_splitmix64(&h);
	/* The all-zero state is xoshiro's one fixed point; splitmix64 cannot
	 * produce four zero words in a row, but be explicit. */
	if (!(r->s[0] | r->s[1] | r->s[2] | r->s[3]))
		r->s[0] = SIM_GOLDEN;
}

uint64_t sim_rng_purpose(const char *name)
{
	uint64_t h = 0xcbf29ce484222325ULL;	/* FNV-1a 64 */

	for (; *name; name++) {
		h ^= (unsigned char)*name;
		h *= 0x100000001b3ULL;
	}
	return h;
}

static inline uint64_t sim_rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t sim_rng_next(struct sim_rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = sim_rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = sim_rotl(s[3], 45);
	return result;
}

double sim_rng_double(struct sim_rng *r)
{
	/* The top 53 bits (xoshiro's best) scaled by 2^-53: every value in
	 * [0, 1) on the 2^-53 grid, equally likely. */
	return (double)(sim_rng_next(r) >> 11) * 0x1.0p-53;
}

uint64_t sim_rng_below(struct sim_rng *r, uint64_t n)
{
	/* Lemire, "Fast random integer generation in an interval" (2019):
	 * the high word of x * n is uniform on [0, n) once the few low words
	 * below 2^64 mod n are rejected; the division runs only when a
	 * rejection is possible at all. */
	unsigned __int128 m;
	uint64_t l;

	SIM_BUG_ON(n == 0);
	m = (unsigned __int128)sim_rng_next(r) * n;
	l = (uint64_t)m;
	if (sim_unlikely(l < n)) {
		uint64_t t = -n % n;

		while (l < t) {
			m = (unsigned __int128)sim_rng_next(r) * n;
			l = (uint64_t)m;
		}
	}
	return (uint64_t)(m >> 64);
}
