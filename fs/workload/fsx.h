/* fs/workload/fsx.h — fsx operation logs (.fsxops, xfstests ltp/fsx.c --replay-ops)
 * and fsx's own model of the file's contents.
 *
 * A job with `ops_file = PATH` replays such a log as its operation sequence
 * (fs/workload/workload.c).  Two halves:
 *
 *  - the parser (fsx_log_*): the line format read_op() accepts (see
 *    tests/data/fsx/README.md); every error is one line "FILE:LINE: message";
 *    ops the model does not run (copy_range, clone_range, dedupe_range,
 *    exchange_range, read_dontcache, write_dontcache, write_atomic) and the
 *    `unshare` flag are rejected, never skipped;
 *
 *  - the reference model (fsx_model_*): what fsx's good_buf and file_size
 *    would hold, byte for byte, with fsx's argument trimming (TRIM_OFF_LEN
 *    against file_size or maxfilelen, block rounding of collapse/insert) and
 *    its skip rules.  A byte is (stamp, origin) as in fs/block/contents.h: a write
 *    of stamp S at offset o puts byte i of S at o + i, so "the right write
 *    but shifted" is still told apart.  The replayer compares every read and
 *    mapped read the kernel paths return against it, op by op.
 *
 * fsx's maxfilelen (-l, default 256 KiB) is the replaying job's file
 * `size`; its block_size (st_blksize) is the file system block size.
 */
#ifndef FS_FSX_H
#define FS_FSX_H

#include <glib.h>

#include "fs/block/contents.h"

enum fsx_op_kind {
	FSX_READ,
	FSX_WRITE,
	FSX_MAPREAD,
	FSX_MAPWRITE,
	FSX_TRUNCATE,
	FSX_FALLOCATE,
	FSX_PUNCH_HOLE,
	FSX_ZERO_RANGE,
	FSX_COLLAPSE_RANGE,
	FSX_INSERT_RANGE,
	FSX_FSYNC,
	FSX_NR_OPS,
};

/* fsx_op.flags */
#define FSX_FL_SKIPPED    0x1   /* "skip OP ...": drawn, not run */
#define FSX_FL_KEEP_SIZE  0x2   /* FALLOC_FL_KEEP_SIZE (fallocate, zero_range) */
#define FSX_FL_CLOSE_OPEN 0x4   /* fsx closed and reopened the file after it */

struct fsx_op {
	uint8_t kind;               /* enum fsx_op_kind */
	uint8_t flags;              /* FSX_FL_* */
	uint32_t line;              /* in the log, for messages */
	/* The log's three numbers.  truncate: 0, NEW_SIZE, OLD_SIZE.
	 * size_before is informational (fsx's own file_size when it logged
	 * the op); the replayer tracks the size itself. */
	uint64_t offset, length, size_before;
};

struct fsx_log {
	char *name;                 /* as given, for messages */
	unsigned n;                 /* ops, skipped ones included */
	struct fsx_op *ops;
};

#define FSX_ERROR (fsx_error_quark())
GQuark fsx_error_quark(void);
enum fsx_error {
	FSX_ERROR_OPEN,             /* cannot read the file */
	FSX_ERROR_PARSE,            /* fsx itself would exit 100 */
	FSX_ERROR_UNSUPPORTED,      /* valid fsx, not modelled */
};

struct fsx_log *fsx_log_load(const char *path, GError **err);
/* The same from memory; `name` stands for the file in messages. */
struct fsx_log *fsx_log_parse(const char *name, const char *text, size_t len,
			      GError **err);
void fsx_log_free(struct fsx_log *log);

const char *fsx_op_name(enum fsx_op_kind k);
/* "punch_hole 0x1000 0x2000 0x40000 keep_size" (the log's spelling). */
int fsx_op_format(const struct fsx_op *op, char *buf, size_t len);

/* ---- fsx's model of the file ---------------------------------------------- */

/* One run of the contents map: bytes [start, next start) are bytes
 * [origin, ...) of `stamp` (stamp 0: zeros, origin 0). */
struct fsx_run {
	uint64_t start;
	sim_stamp_t stamp;
	uint64_t origin;
};

struct fsx_model {
	uint64_t maxfilelen;        /* fsx -l */
	unsigned block_size;        /* fsx block_size (st_blksize) */
	uint64_t file_size;
	GArray *runs;               /* struct fsx_run, partition of [0, inf) */
};

/* An op after fsx's trimming and rounding: what fsx would call, or skip. */
struct fsx_step {
	enum fsx_op_kind kind;
	bool skip;                  /* fsx logs it FL_SKIPPED and does nothing */
	bool keep_size;
	uint64_t offset, length;    /* truncate: length = new size */
	uint64_t size_after;        /* file_size after the op */
	bool grows;                 /* mapwrite: fsx ftruncates up first */
};

void fsx_model_init(struct fsx_model *m, uint64_t maxfilelen,
		    unsigned block_size);
void fsx_model_destroy(struct fsx_model *m);
/* Start from a file that is not empty: size, then its data (bytes [off,
 * off + len) are bytes [0, len) of stamp; inside the size). */
void fsx_model_set_size(struct fsx_model *m, uint64_t size);
void fsx_model_fill(struct fsx_model *m, uint64_t off, uint64_t len,
		    sim_stamp_t stamp);
/* What op does in the model's current state (does not change it). */
void fsx_model_plan(const struct fsx_model *m, const struct fsx_op *op,
		    struct fsx_step *st);
/* Apply a planned, non-skipped step.  write/mapwrite: `stamp` is the
 * data's identity (byte i of the op is byte i of the stamp). */
void fsx_model_apply(struct fsx_model *m, const struct fsx_step *st,
		     sim_stamp_t stamp);
/* Byte at off (zero at and beyond file_size). */
sim_stamp_t fsx_model_at(const struct fsx_model *m, uint64_t off,
			 uint64_t *origin);
/* Compare bytes [off, off+len) of the model with c[coff, coff+len) (one
 * object: a page or a block).  Returns the first differing file offset, or
 * -1 when equal. */
int64_t fsx_model_compare(const struct fsx_model *m, uint64_t off,
			  const struct sim_contents *c, uint32_t coff,
			  uint32_t len);
/* Run-list invariants (first run at 0, increasing starts, merged runs). */
bool fsx_model_check(const struct fsx_model *m, char *why, size_t len);

#endif /* FS_FSX_H */
