/* fs/workload/fsx.c — fsx .fsxops logs: the parser, and fsx's model of the file
 * (xfstests ltp/fsx.c at kdave/xfstests 63a29724: read_op(), test(), the
 * do*() functions and update_file_size(); read for their semantics, not
 * copied).
 *
 * Parser: one op per line, blank-separated; blank lines and lines whose
 * first field starts with '#' are comments; "[skip ]OP A B C [flags] [*]".
 * Numbers are C literals as strtoul(…, 0) reads them (hex, octal, decimal).
 * fsx passes them on as 32-bit `unsigned`, so larger values are an error
 * here rather than silently truncated.  fsx reads lines with a 256-byte
 * fgets; the model reads lines of any length (a longer line would be a
 * parse error in fsx, so no valid log is read differently).
 *
 * Model: good_buf as a run list over [0, inf) plus file_size.  Bytes at and
 * past file_size are kept zero (fsx leaves stale bytes in good_buf there,
 * but zeroes every gap it later exposes, so no read can tell).  fsx's
 * pollute_eofpage (-a option, off by default) is not modelled: it writes
 * through a mapping past EOF, which the replayer never does.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "fs/workload/fsx.h"

G_DEFINE_QUARK(fsx-error-quark, fsx_error)

static const char *const op_names[FSX_NR_OPS] = {
	[FSX_READ] = "read",
	[FSX_WRITE] = "write",
	[FSX_MAPREAD] = "mapread",
	[FSX_MAPWRITE] = "mapwrite",
	[FSX_TRUNCATE] = "truncate",
	[FSX_FALLOCATE] = "fallocate",
	[FSX_PUNCH_HOLE] = "punch_hole",
	[FSX_ZERO_RANGE] = "zero_range",
	[FSX_COLLAPSE_RANGE] = "collapse_range",
	[FSX_INSERT_RANGE] = "insert_range",
	[FSX_FSYNC] = "fsync",
};

/* fsx ops the model does not run, and why (the message names the reason,
 * so a log that needs them fails loudly instead of replaying a different
 * sequence). */
static const struct {
	const char *name;
	const char *why;
} unsupported[] = {
	{ "copy_range", "copy_file_range is not modelled" },
	{ "clone_range", "reflink (FICLONERANGE) is not supported by ext4" },
	{ "dedupe_range", "FIDEDUPERANGE is not supported by ext4" },
	{ "exchange_range", "XFS_IOC_EXCHANGE_RANGE is not supported by ext4" },
	{ "read_dontcache", "RWF_DONTCACHE reads are not modelled" },
	{ "write_dontcache", "RWF_DONTCACHE writes are not modelled" },
	{ "write_atomic", "RWF_ATOMIC writes are not modelled" },
};

const char *fsx_op_name(enum fsx_op_kind k)
{
	return (unsigned)k < FSX_NR_OPS ? op_names[k] : "?";
}

int fsx_op_format(const struct fsx_op *op, char *buf, size_t len)
{
	return snprintf(buf, len, "%s%s 0x%" G_GINT64_MODIFIER "x 0x%"
			G_GINT64_MODIFIER "x 0x%" G_GINT64_MODIFIER "x%s%s",
			op->flags & FSX_FL_SKIPPED ? "skip " : "",
			fsx_op_name(op->kind), op->offset, op->length,
			op->size_before,
			op->flags & FSX_FL_KEEP_SIZE ? " keep_size" : "",
			op->flags & FSX_FL_CLOSE_OPEN ? " close_open" : "");
}

/* ---- parser ------------------------------------------------------------------- */

static bool parse_number(const char *s, uint64_t *out)
{
	char *end;
	guint64 v;

	/* strtoul would take a sign and leading blanks; fields never have
	 * blanks and a signed offset is no fsx log */
	if (!g_ascii_isdigit(s[0]))
		return false;
	errno = 0;
	v = g_ascii_strtoull(s, &end, 0);
	if (*end || errno)
		return false;
	*out = v;
	return true;
}

G_GNUC_PRINTF(4, 5)
static void fail(GError **err, int code, const char *name, const char *fmt,
		 ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_set_error(err, FSX_ERROR, code, "%s%s", name, msg);
	g_free(msg);
}

/* One line into *op; false with *err set.  where = "FILE:LINE: ". */
static bool parse_line(char **f, unsigned nf, const char *where,
		       struct fsx_op *op, GError **err)
{
	unsigned i = 0, k;

	if (strcmp(f[i], "skip") == 0) {
		op->flags |= FSX_FL_SKIPPED;
		if (++i == nf) {
			fail(err, FSX_ERROR_PARSE, where, "'skip' without an op");
			return false;
		}
	}
	for (k = 0; k < FSX_NR_OPS; k++)
		if (strcmp(f[i], op_names[k]) == 0)
			break;
	if (k == FSX_NR_OPS) {
		for (unsigned u = 0; u < SIM_ARRAY_SIZE(unsupported); u++)
			if (strcmp(f[i], unsupported[u].name) == 0) {
				fail(err, FSX_ERROR_UNSUPPORTED, where,
				     "fsx op '%s' is not supported: %s",
				     f[i], unsupported[u].why);
				return false;
			}
		fail(err, FSX_ERROR_PARSE, where, "unknown fsx op '%s'", f[i]);
		return false;
	}
	op->kind = (uint8_t)k;
	i++;
	for (unsigned a = 0; a < 3; a++, i++) {
		uint64_t v;

		if (i == nf) {
			fail(err, FSX_ERROR_PARSE, where,
			     "%s needs 3 numbers (OFFSET LENGTH SIZE), got %u",
			     op_names[k], a);
			return false;
		}
		if (!parse_number(f[i], &v)) {
			fail(err, FSX_ERROR_PARSE, where,
			     "'%s' is not a number", f[i]);
			return false;
		}
		if (v > UINT32_MAX) {
			fail(err, FSX_ERROR_PARSE, where,
			     "%s is out of range (fsx offsets and lengths are 32-bit)",
			     f[i]);
			return false;
		}
		if (a == 0)
			op->offset = v;
		else if (a == 1)
			op->length = v;
		else
			op->size_before = v;
	}
	for (; i < nf; i++) {
		if (strcmp(f[i], "keep_size") == 0)
			op->flags |= FSX_FL_KEEP_SIZE;
		else if (strcmp(f[i], "close_open") == 0)
			op->flags |= FSX_FL_CLOSE_OPEN;
		else if (strcmp(f[i], "*") == 0)
			;  /* fsx's overlap marker */
		else if (strcmp(f[i], "unshare") == 0) {
			fail(err, FSX_ERROR_UNSUPPORTED, where,
			     "flag 'unshare' (FALLOC_FL_UNSHARE_RANGE) is not supported by ext4");
			return false;
		} else {
			fail(err, FSX_ERROR_PARSE, where,
			     "unknown flag '%s' (expected keep_size, close_open or *)",
			     f[i]);
			return false;
		}
	}
	return true;
}

struct fsx_log *fsx_log_parse(const char *name, const char *text, size_t len,
			      GError **err)
{
	struct fsx_log *log = g_new0(struct fsx_log, 1);
	GArray *ops = g_array_new(FALSE, TRUE, sizeof(struct fsx_op));
	const char *p = text, *end = text + len;
	unsigned lineno = 0;

	log->name = g_strdup(name);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char *line = g_strndup(p, n), *where;
		char **f;
		unsigned nf = 0;
		struct fsx_op op = { 0 };

		lineno++;
		p += n + (nl != NULL);
		if (memchr(line, '\0', n) != NULL || strlen(line) != n) {
			fail(err, FSX_ERROR_PARSE, "", "%s:%u: NUL byte in line",
			     name, lineno);
			g_free(line);
			goto bad;
		}
		g_strdelimit(line, "\t\r\v\f", ' ');
		f = g_strsplit(line, " ", -1);
		/* drop empty fields (runs of blanks) */
		for (unsigned i = 0; f[i]; i++) {
			if (*f[i])
				f[nf++] = f[i];
			else
				g_free(f[i]);
		}
		f[nf] = NULL;
		g_free(line);
		if (nf == 0 || f[0][0] == '#') {
			g_strfreev(f);
			continue;
		}
		where = g_strdup_printf("%s:%u: ", name, lineno);
		op.line = lineno;
		if (!parse_line(f, nf, where, &op, err)) {
			g_free(where);
			g_strfreev(f);
			goto bad;
		}
		g_free(where);
		g_strfreev(f);
		g_array_append_val(ops, op);
	}
	log->n = ops->len;
	log->ops = (struct fsx_op *)(void *)g_array_free(ops, FALSE);
	return log;
bad:
	g_array_free(ops, TRUE);
	fsx_log_free(log);
	return NULL;
}

struct fsx_log *fsx_log_load(const char *path, GError **err)
{
	GError *e = NULL;
	char *text;
	gsize len;
	struct fsx_log *log;

	if (!g_file_get_contents(path, &text, &len, &e)) {
		g_set_error(err, FSX_ERROR, FSX_ERROR_OPEN, "%s", e->message);
		g_error_free(e);
		return NULL;
	}
	log = fsx_log_parse(path, text, len, err);
	g_free(text);
	return log;
}

void fsx_log_free(struct fsx_log *log)
{
	if (!log)
		return;
	g_free(log->name);
	g_free(log->ops);
	g_free(log);
}

/* ---- the model: a run list over [0, inf) -------------------------------------- */

static struct fsx_run *run_at(const struct fsx_model *m, unsigned i)
{
	return &g_array_index(m->runs, struct fsx_run, i);
}

/* Index of the run containing off. */
static unsigned run_find(const struct fsx_model *m, uint64_t off)
{
	unsigned lo = 0, hi = m->runs->len;

	while (hi - lo > 1) {
		unsigned mid = lo + (hi - lo) / 2;

		if (run_at(m, mid)->start <= off)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* Make off a run boundary; returns the index of the run starting at off. */
static unsigned run_split(struct fsx_model *m, uint64_t off)
{
	unsigned i = run_find(m, off);
	struct fsx_run r = *run_at(m, i);

	if (r.start == off)
		return i;
	r.origin = r.stamp ? r.origin + (off - r.start) : 0;
	r.start = off;
	g_array_insert_val(m->runs, i + 1, r);
	return i + 1;
}

static bool runs_mergeable(const struct fsx_run *a, const struct fsx_run *b)
{
	if (a->stamp != b->stamp)
		return false;
	return a->stamp == 0 || a->origin + (b->start - a->start) == b->origin;
}

static void runs_normalize(struct fsx_model *m)
{
	unsigned out = 0;

	for (unsigned i = 1; i < m->runs->len; i++) {
		if (runs_mergeable(run_at(m, out), run_at(m, i)))
			continue;
		*run_at(m, ++out) = *run_at(m, i);
	}
	g_array_set_size(m->runs, out + 1);
}

/* Bytes [off, off + len) become bytes [origin, ...) of stamp. */
static void model_set(struct fsx_model *m, uint64_t off, uint64_t len,
		      sim_stamp_t stamp, uint64_t origin)
{
	unsigned a, b;
	struct fsx_run r = { off, stamp, stamp ? origin : 0 };

	if (len == 0)
		return;
	a = run_split(m, off);
	b = run_split(m, off + len);
	g_array_remove_range(m->runs, a, b - a);
	g_array_insert_val(m->runs, a, r);
	runs_normalize(m);
}

/* Remove [off, off + len): what followed moves left by len. */
static void model_remove(struct fsx_model *m, uint64_t off, uint64_t len)
{
	unsigned a = run_split(m, off), b = run_split(m, off + len);

	g_array_remove_range(m->runs, a, b - a);
	for (unsigned i = a; i < m->runs->len; i++)
		run_at(m, i)->start -= len;
	runs_normalize(m);
}

/* Open a zero gap of len at off: what followed moves right by len. */
static void model_insert(struct fsx_model *m, uint64_t off, uint64_t len)
{
	unsigned a = run_split(m, off);
	struct fsx_run z = { off, 0, 0 };

	for (unsigned i = a; i < m->runs->len; i++)
		run_at(m, i)->start += len;
	g_array_insert_val(m->runs, a, z);
	runs_normalize(m);
}

/* file_size changes; bytes past it are zero. */
static void model_resize(struct fsx_model *m, uint64_t size)
{
	/* zero the tail beyond the new size (and beyond the old one) */
	model_set(m, size, UINT64_MAX / 2 - size, 0, 0);
	m->file_size = size;
}

void fsx_model_init(struct fsx_model *m, uint64_t maxfilelen,
		    unsigned block_size)
{
	struct fsx_run z = { 0, 0, 0 };

	m->maxfilelen = maxfilelen;
	m->block_size = block_size ? block_size : 4096;
	m->file_size = 0;
	m->runs = g_array_new(FALSE, FALSE, sizeof(struct fsx_run));
	g_array_append_val(m->runs, z);
}

void fsx_model_destroy(struct fsx_model *m)
{
	if (m->runs)
		g_array_free(m->runs, TRUE);
	m->runs = NULL;
}

void fsx_model_set_size(struct fsx_model *m, uint64_t size)
{
	model_resize(m, size);
}

void fsx_model_fill(struct fsx_model *m, uint64_t off, uint64_t len,
		    sim_stamp_t stamp)
{
	SIM_BUG_ON(off + len > m->file_size);
	model_set(m, off, len, stamp, 0);
}

/* fsx's TRIM_OFF / TRIM_LEN (test()). */
static void trim_off(uint64_t *off, uint64_t size)
{
	*off = size ? *off % size : 0;
}

static void trim_len(uint64_t off, uint64_t *len, uint64_t size)
{
	if (off + *len > size)
		*len = size > off ? size - off : 0;
}

void fsx_model_plan(const struct fsx_model *m, const struct fsx_op *op,
		    struct fsx_step *st)
{
	uint64_t off = op->offset, len = op->length, fs = m->file_size;
	uint64_t max = m->maxfilelen, bs = m->block_size;

	*st = (struct fsx_step){
		.kind = op->kind,
		.skip = (op->flags & FSX_FL_SKIPPED) != 0,
		.keep_size = (op->flags & FSX_FL_KEEP_SIZE) != 0,
		.size_after = fs,
	};
	if (st->skip)
		return;
	switch (op->kind) {
	case FSX_READ:
	case FSX_MAPREAD:
		/* doread / domapread: zero size or past EOF is skipped */
		trim_off(&off, fs);
		trim_len(off, &len, fs);
		st->skip = len == 0 || off + len > fs;
		break;
	case FSX_WRITE:
	case FSX_MAPWRITE:
		trim_off(&off, max);
		trim_len(off, &len, max);
		st->skip = len == 0;
		if (off + len > fs) {
			st->size_after = off + len;
			st->grows = true;
		}
		break;
	case FSX_TRUNCATE:
		/* dotruncate(size): args are 0, NEW_SIZE, OLD_SIZE */
		off = 0;
		st->size_after = len;
		break;
	case FSX_FALLOCATE:
		trim_off(&off, max);
		trim_len(off, &len, max);
		st->skip = len == 0;
		if (!st->keep_size && off + len > fs)
			st->size_after = off + len;
		break;
	case FSX_PUNCH_HOLE:
		trim_off(&off, fs);
		trim_len(off, &len, fs);
		st->skip = len == 0 || fs <= off;
		break;
	case FSX_ZERO_RANGE:
		trim_off(&off, max);
		trim_len(off, &len, max);
		st->skip = len == 0;
		if (!st->keep_size && off + len > fs)
			st->size_after = off + len;
		break;
	case FSX_COLLAPSE_RANGE:
		trim_off(&off, fs ? fs - 1 : 0);
		trim_len(off, &len, fs ? fs - 1 : 0);
		off -= off % bs;
		len -= len % bs;
		st->skip = len == 0 || off + len >= fs;
		if (!st->skip)
			st->size_after = fs - len;
		break;
	case FSX_INSERT_RANGE:
		trim_off(&off, fs);
		trim_len(fs, &len, max);
		off -= off % bs;
		len -= len % bs;
		st->skip = len == 0 || fs + len > max || off >= fs;
		if (!st->skip)
			st->size_after = fs + len;
		break;
	case FSX_FSYNC:
		off = len = 0;
		break;
	default:
		SIM_BUG_ON(1);
	}
	st->offset = off;
	st->length = len;
}

void fsx_model_apply(struct fsx_model *m, const struct fsx_step *st,
		     sim_stamp_t stamp)
{
	uint64_t fs = m->file_size;

	SIM_BUG_ON(st->skip);
	switch (st->kind) {
	case FSX_READ:
	case FSX_MAPREAD:
	case FSX_FSYNC:
		break;
	case FSX_WRITE:
	case FSX_MAPWRITE:
		SIM_BUG_ON(stamp == 0);
		/* update_file_size zeroes a gap before offset: ours is zero */
		if (st->size_after > fs)
			m->file_size = st->size_after;
		model_set(m, st->offset, st->length, stamp, 0);
		break;
	case FSX_TRUNCATE:
	case FSX_FALLOCATE:
		model_resize(m, st->size_after);
		break;
	case FSX_PUNCH_HOLE:
		model_set(m, st->offset, st->length, 0, 0);
		break;
	case FSX_ZERO_RANGE:
		/* fsx zeroes [offset, offset + length) even past EOF with
		 * keep_size; past EOF our bytes are zero already */
		model_set(m, st->offset, st->length, 0, 0);
		m->file_size = st->size_after;
		break;
	case FSX_COLLAPSE_RANGE:
		model_remove(m, st->offset, st->length);
		m->file_size = st->size_after;
		break;
	case FSX_INSERT_RANGE:
		model_insert(m, st->offset, st->length);
		model_resize(m, st->size_after);
		break;
	default:
		SIM_BUG_ON(1);
	}
}

sim_stamp_t fsx_model_at(const struct fsx_model *m, uint64_t off,
			 uint64_t *origin)
{
	const struct fsx_run *r = run_at(m, run_find(m, off));

	if (origin)
		*origin = r->stamp ? r->origin + (off - r->start) : 0;
	return r->stamp;
}

/* Index of the run of c containing byte at. */
static unsigned contents_run_find(const struct sim_contents *c, uint32_t at)
{
	const struct sim_contents_run *r = sim_contents_runs(c);
	unsigned lo = 0, hi = c->nr;

	while (hi - lo > 1) {
		unsigned mid = lo + (hi - lo) / 2;

		if (r[mid].start <= at)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

int64_t fsx_model_compare(const struct fsx_model *m, uint64_t off,
			  const struct sim_contents *c, uint32_t coff,
			  uint32_t len)
{
	uint64_t pos = off, end = off + len;

	SIM_BUG_ON((uint64_t)coff + len > c->size);
	while (pos < end) {
		unsigned mi = run_find(m, pos);
		const struct fsx_run *mr = run_at(m, mi);
		uint64_t mend = mi + 1 < m->runs->len ? run_at(m, mi + 1)->start
						      : UINT64_MAX;
		uint32_t at = coff + (uint32_t)(pos - off);
		unsigned ci = contents_run_find(c, at);
		const struct sim_contents_run *cr = &sim_contents_runs(c)[ci];
		uint64_t cend = off + (cr->start + sim_contents_run_len(c, ci) - coff);
		uint64_t morig = mr->stamp ? mr->origin + (pos - mr->start) : 0;
		uint64_t corig = cr->stamp ? cr->origin + (at - cr->start) : 0;
		/* past file_size the model reads zero */
		sim_stamp_t mstamp = pos >= m->file_size ? 0 : mr->stamp;

		if (pos >= m->file_size) {
			morig = 0;
			mend = UINT64_MAX;
		} else if (mend > m->file_size) {
			mend = m->file_size;
		}
		if (mstamp != cr->stamp || morig != corig)
			return (int64_t)pos;
		pos = MIN(MIN(mend, cend), end);
	}
	return -1;
}

bool fsx_model_check(const struct fsx_model *m, char *why, size_t len)
{
	if (m->runs->len == 0 || run_at(m, 0)->start != 0) {
		snprintf(why, len, "first run does not start at 0");
		return false;
	}
	for (unsigned i = 0; i < m->runs->len; i++) {
		const struct fsx_run *r = run_at(m, i);

		if (r->stamp == 0 && r->origin != 0) {
			snprintf(why, len, "zero run %u has origin", i);
			return false;
		}
		if (i == 0)
			continue;
		if (r->start <= run_at(m, i - 1)->start) {
			snprintf(why, len, "run %u does not start after run %u",
				 i, i - 1);
			return false;
		}
		if (runs_mergeable(run_at(m, i - 1), r)) {
			snprintf(why, len, "runs %u and %u are mergeable", i - 1,
				 i);
			return false;
		}
		if (r->start >= m->file_size && r->stamp) {
			snprintf(why, len, "data past file_size at %" G_GUINT64_FORMAT,
				 r->start);
			return false;
		}
	}
	return true;
}
