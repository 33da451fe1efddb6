/* judge/stamp.c — the stamp byte function (see stamp.h). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "judge/stamp.h"

static const char hexdig[] = "0123456789abcdef";

static void put7(uint8_t *p, uint32_t v)
{
	for (int i = 6; i >= 0; i--) {
		p[i] = (uint8_t)hexdig[v & 0xf];
		v >>= 4;
	}
}

/* R(s, r) into rec[16]. */
static void record(sim_stamp_t s, uint64_t r, uint8_t *rec)
{
	put7(rec, (uint32_t)(s & 0xfffffff));
	rec[7] = ':';
	put7(rec + 8, (uint32_t)(r & 0xfffffff));
	rec[15] = '\n';
}

void judge_stamp_render(sim_stamp_t s, uint64_t origin, uint8_t *buf,
			size_t len)
{
	uint8_t rec[JUDGE_STAMP_RECORD];

	if (!s) {
		memset(buf, 0, len);
		return;
	}
	while (len) {
		uint64_t r = origin - origin % JUDGE_STAMP_RECORD;
		size_t in = (size_t)(origin - r);
		size_t n = JUDGE_STAMP_RECORD - in;

		if (n > len)
			n = len;
		record(s, r, rec);
		memcpy(buf, rec + in, n);
		buf += n;
		origin += n;
		len -= n;
	}
}

void judge_contents_render(const struct sim_contents *c, uint32_t off,
			   uint32_t len, uint8_t *buf)
{
	const struct sim_contents_run *runs = sim_contents_runs(c);
	unsigned n = sim_contents_nr_runs(c);
	uint32_t end = off + len;

	for (unsigned i = 0; i < n; i++) {
		uint32_t rs = runs[i].start;
		uint32_t re = rs + sim_contents_run_len(c, i);
		uint32_t a, b;

		if (rs >= end)
			break;
		if (re <= off)
			continue;
		a = rs > off ? rs : off;
		b = re < end ? re : end;
		judge_stamp_render(runs[i].stamp,
				   runs[i].stamp ? runs[i].origin + (a - rs) : 0,
				   buf + (a - off), b - a);
	}
}

static int hexval(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static bool parse7(const uint8_t *p, uint32_t *v)
{
	*v = 0;
	for (int i = 0; i < 7; i++) {
		int h = hexval(p[i]);

		if (h < 0)
			return false;
		*v = *v << 4 | (uint32_t)h;
	}
	return true;
}

bool judge_stamp_decode(const uint8_t *buf, size_t len, size_t at,
			sim_stamp_t *s, uint64_t *origin)
{
	*s = 0;
	*origin = 0;
	if (at >= len || buf[at] == 0)
		return false;
	/* the record's start: 15 characters before its '\n' */
	for (size_t k = 0; k < JUDGE_STAMP_RECORD; k++) {
		size_t nl = at + k, start;
		uint32_t sv, rv;

		if (nl >= len)
			break;
		if (buf[nl] != '\n')
			continue;
		if (nl < JUDGE_STAMP_RECORD - 1)
			return false;
		start = nl - (JUDGE_STAMP_RECORD - 1);
		if (start > at || buf[start + 7] != ':' ||
		    !parse7(buf + start, &sv) || !parse7(buf + start + 8, &rv) ||
		    sv == 0)
			return false;
		*s = sv;
		*origin = rv + (at - start);
		return true;
	}
	return false;
}

int judge_stamp_describe(const uint8_t *buf, size_t len, size_t at,
			 char *out, size_t outlen)
{
	sim_stamp_t s;
	uint64_t o;

	if (at < len && buf[at] == 0)
		return snprintf(out, outlen, "zero");
	if (judge_stamp_decode(buf, len, at, &s, &o))
		return snprintf(out, outlen, "stamp #%llu byte 0x%llx",
				(unsigned long long)s, (unsigned long long)o);
	return snprintf(out, outlen, "0x%02x (not a record)",
			at < len ? buf[at] : 0);
}
