/* judge/kcheck.h — `sim kcheck LOG.fsxops...`: differential replay of fsx
 * op logs, single task, on the running kernel and in the model.
 *
 * Each log runs twice.  First in the model (fs/workload.c's fsx replay,
 * one task, strategy invalidate_lock unless -s says otherwise, a world of
 * its own per log) with an observer (struct fs_wl_fsx_observer) recording
 * what every read and mapped read returned, the bytes past EOF in the
 * mapped EOF page, each write's stamp and i_size after each op; at the end
 * the replaying task fsyncs and reads the whole file, and the extent tree
 * gives the block map.  Then on the real kernel: a file on a fresh ext4
 * made by mke2fs with the model's geometry (judge/geom.h), loop-mounted in
 * a private temporary directory — or, with --dir PATH, a directory on an
 * existing ext4 — the same ops issued with the calls fsx makes (pread,
 * pwrite, loads and stores through a MAP_SHARED mapping with msync,
 * ftruncate, fallocate with each mode), the data of each write rendered
 * from the model's stamp for it (judge/stamp.h), so both sides hold the
 * same bytes when they agree.  Trimming and skipping follow fsx's rules
 * (fs/fsx.c fsx_model_plan) on each side's own size.
 *
 * Compared: after every op, i_size; after every read and mapped read, the
 * bytes (and the bytes past EOF in the mapped EOF page); at the end, i_size,
 * the whole file, each block as hole / unwritten / written (FIEMAP with
 * FIEMAP_FLAG_SYNC against the model's extent tree) and st_blocks
 * (the model's: data blocks plus extent-tree node blocks, in 512-byte
 * units).  A failing call on either side, an fsx mismatch in the model, or
 * a violation the model's oracle reports (lock_order aside) is a
 * difference too.
 *
 * Output: one line per log ("agree" with what was compared, or "DIFFER"
 * and a table: log line, op, what, kernel, model), then
 * "N logs, N agree, N differ".  Exit 0: all agree; 1: a difference; 2: bad
 * input (a log that does not parse, an unknown option); 77: the real side
 * cannot be set up here (not root, no loop devices: use --dir).
 */
#ifndef JUDGE_KCHECK_H
#define JUDGE_KCHECK_H

int judge_kcheck_main(int argc, char **argv);

#endif /* JUDGE_KCHECK_H */
