/* judge/kmodel.h — kcheck's model side: one fsx log replayed by the model
 * (fs/workload.c, one task, a world of its own) with an observer recording
 * what each op returned, and the file at the end (after an fsync in the
 * replaying task: i_size, the bytes read back, the extent tree's block map
 * and st_blocks as the kernel would count them).
 */
#ifndef JUDGE_KMODEL_H
#define JUDGE_KMODEL_H

#include <glib.h>

#include "judge/geom.h"
#include "judge/kreal.h"

struct kc_model_opts {
	const char *strategy;       /* NULL: invalidate_lock */
	char **set;                 /* --set global.KEY=VALUE */
	uint64_t maxlen;            /* fsx -l: the file's size */
};

struct kc_model {
	unsigned n;                 /* ops in the log */
	struct kc_op *ops;          /* per op: the model's answers */
	struct kc_end end;
	bool finished;              /* the replay reached its end */
	uint64_t fsx_mismatches;    /* the model against fsx's own model */
	char *fsx_first;
	char *violations;           /* "stale_read 2, ..." (lock_order aside),
				       or NULL */
	char *violation_first;
};

/* The model's geometry under these options (a mount, no tasks). */
bool kc_model_geom(const struct kc_model_opts *o, struct judge_geom *g,
		   GError **err);
/* Replays log (an absolute path; n ops).  false: a config error. */
bool kc_model_run(const struct kc_model_opts *o, const char *log, unsigned n,
		  struct kc_model *km, GError **err);
void kc_model_free(struct kc_model *km);

#endif /* JUDGE_KMODEL_H */
