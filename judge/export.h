/* judge/export.h — `sim --image DIR`: the runner's export hook and the
 * check after the run (sim/run/cli.h struct sim_cli_image).
 *
 * Per job, on its thread, after the model's finish(): a clean unmount in
 * the model (ext4_model_unmount: the jobs' tasks finish the op they are
 * in, every file is fsynced, the journal committed and checkpointed),
 * then DIR/<strategy>-r<replica>[-<sweep value>].img through libext2fs
 * (judge/image.h) with NAME.expect and NAME.stamps beside it.  After the
 * run, in plan order: `e2fsck -fn` on every image (judge/e2fsck.h), the
 * read-back (judge/readback.h), and a violation of kind "e2fsck" for an
 * image e2fsck finds corrupt, explained with e2fsck's words next to the
 * model's own fsck findings for that job.
 */
#ifndef JUDGE_EXPORT_H
#define JUDGE_EXPORT_H

#include "sim/run/cli.h"

extern const struct sim_cli_image judge_image_ops;

/* Simulated time the unmount may take (the jobs' tasks finishing their
 * operations included) before the image is made from the disk as the
 * run left it: an operation takes microseconds to milliseconds, a commit
 * and checkpoint a few milliseconds. */
#define JUDGE_UNMOUNT_LIMIT (2 * SIM_SEC)

#endif /* JUDGE_EXPORT_H */
