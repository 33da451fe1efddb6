/* fs/oracle/oracle.h — the violation oracle (docs/design.md §5; model-only, no kernel
 * counterpart): a shadow of every file's contents, a reverse index of the
 * physical blocks page-cache buffers and DAX PTEs map, and the detectors
 *
 *   stale_mapping  a block becomes reusable while a buffer or PTE maps it
 *   foreign_write  writeback / DIO / DAX data lands in a block the inode
 *                  does not own at that lblk
 *   stale_read     a read returns bytes no linearization allows
 *   lost_write     at the end of a job, a completed write is not visible
 *   deadlock, lock_order   handed over by the engine's finding hook
 *   fsck           model invariants broken (fs/oracle/fsck.h)
 *
 * Each kind is counted per job; the first instance of each kind is
 * explained: the involved tasks' steps (sim_task_notes, plus snapshots the
 * oracle keeps at the decisive events) side by side with simulated times,
 * kernel functions and held locks, lock chatter folded, the decisive
 * moments (mapping established, block freed, page read from disk,
 * operation begin/end, read begin) as rows of their own, ending at the
 * detection; headed by kind, file, block, a "race:" line saying the race in
 * words where the oracle can tell, and the replay line
 * "seed S job J: replay with sim/sim --replay S:J FILE.cfg".
 *
 * Calling convention: every hook takes the inode (or the super_block) and
 * finds the oracle in sb->s_oracle; with no oracle every hook is a
 * no-op returning 0/false, so unit tests of other modules need none.  Hooks
 * may be called from tasks or from event context (IO completion); the
 * "detecting task" of an explanation is sim_current_task() (or none).
 *
 * Contents model (fs/block/contents.h): a write is identified by its stamp, whose
 * byte 0 is at file offset `off` when it is reported (later collapse/insert
 * shifts move it).  A read may return, per byte, the last write (or zeroing
 * operation) completed before the read began, or any write/zeroing
 * overlapping the read in time; bytes never written read zero.
 */
#ifndef FS_ORACLE_H
#define FS_ORACLE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "fs/fs.h"
#include "fs/block/contents.h"

struct fs_oracle;
struct ext4_sim_owner;

enum fs_oracle_kind {
	FS_ORACLE_STALE_MAPPING,
	FS_ORACLE_FOREIGN_WRITE,
	FS_ORACLE_STALE_READ,
	FS_ORACLE_LOST_WRITE,
	FS_ORACLE_DEADLOCK,
	FS_ORACLE_LOCK_ORDER,
	FS_ORACLE_FSCK,
	FS_ORACLE_NR_KINDS,
};

/* "stale_mapping", "foreign_write", ... (the names used in output). */
const char *fs_oracle_kind_name(enum fs_oracle_kind k);
/* Inverse; -1 for an unknown name. */
int fs_oracle_kind_from_name(const char *name);

/* ---- life cycle --------------------------------------------------------- */

/* A new oracle for the filesystem sb of world w.  Sets sb->s_oracle
 * and installs itself as the world's finding hook (deadlock, lock_order).
 * The config file name printed in replay lines defaults to "FILE.cfg". */
struct fs_oracle *fs_oracle_new(struct sim_world *w, struct super_block *sb);
/* Clears sb->s_oracle and the finding hook; frees everything. */
void fs_oracle_free(struct fs_oracle *o);
/* The job file named in replay lines (copied). */
void fs_oracle_set_config_name(struct fs_oracle *o, const char *cfg);
/* Run fsck after every reported operation end (--paranoid). */
void fs_oracle_set_paranoid(struct fs_oracle *o, bool on);
/* How many instances of each kind get a full explanation (default 1). */
void fs_oracle_set_explain_max(struct fs_oracle *o, unsigned n);

/* The oracle of sb, or NULL. */
struct fs_oracle *fs_oracle_of(struct super_block *sb);

/* Files the end-of-job checks (lost_write, fsck) walk.  Hooks register an
 * inode on first use; the workload registers every file it creates so that
 * files nobody touched are checked too.  Unregister before the inode is
 * freed (ext4_sim_free_inode). */
void fs_oracle_add_inode(struct inode *inode);
void fs_oracle_remove_inode(struct inode *inode);

/* ---- writes (write(2), mapped stores, DIO, DAX) ---------------------------
 * begin: bytes [off, off+len) will take bytes [0, len) of write `stamp`
 *   (sim_stamp_new; its byte i lands at file offset off + i).  Returns an
 *   op id for the matching end (0 with no oracle).
 * end:   done bytes (from off) completed; a short write leaves the rest
 *   "maybe written" (old and new both legal until overwritten).  Call end
 *   also on failure (done = 0).
 * fs_oracle_write: begin + end at once (layout at set-up).
 * *_at: the same, but the bytes are [origin, origin+len) of the stamp (byte
 *   origin + i lands at off + i): one page of a mapped store, which the MMU
 *   performs page by page, each at the file offset its VMA maps then.
 */
uint64_t fs_oracle_write_begin(struct inode *inode, loff_t off, uint64_t len,
			       sim_stamp_t stamp);
void fs_oracle_write_end(struct inode *inode, uint64_t op, uint64_t done);
void fs_oracle_write(struct inode *inode, loff_t off, uint64_t len,
		     sim_stamp_t stamp);
uint64_t fs_oracle_write_begin_at(struct inode *inode, loff_t off,
				  uint64_t len, sim_stamp_t stamp,
				  uint32_t origin);
void fs_oracle_write_at(struct inode *inode, loff_t off, uint64_t len,
			sim_stamp_t stamp, uint32_t origin);

/* ---- block-removing and size-changing operations --------------------------
 * Reported with the range the operation actually works on (already clamped
 * to EOF, already block-aligned where the kernel aligns):
 *   PUNCH, ZERO   [off, off+len) reads zero afterwards;
 *   COLLAPSE      [off, off+len) removed, the tail moves left by len;
 *   INSERT        the tail from off moves right by len, [off, off+len) zero;
 *   TRUNCATE      off = the new size, len ignored: bytes >= off read zero;
 *   FALLOCATE     no change of contents (recorded for explanations).
 * end with err != 0: the operation may have done part of its work (zeroing
 * kinds leave old and zero both legal; shifts are assumed not done).
 */
enum fs_oracle_remove {
	FS_ORACLE_PUNCH,
	FS_ORACLE_ZERO,
	FS_ORACLE_COLLAPSE,
	FS_ORACLE_INSERT,
	FS_ORACLE_TRUNCATE,
	FS_ORACLE_FALLOCATE,
};

uint64_t fs_oracle_remove_begin(struct inode *inode,
				enum fs_oracle_remove kind, loff_t off,
				loff_t len);
void fs_oracle_remove_end(struct inode *inode, uint64_t op, int err);

/* ---- reads (read(2), mapped loads, DIO reads) -----------------------------
 * read_begin records the begin time and returns a token; fs_oracle_read
 * checks bytes [off, off+len) of the file as returned in c[coff, coff+len)
 * (may be called several times per token, e.g. once per page); read_end
 * retires the token.  Token 0 means "a read that begins now" (mapped loads:
 * no begin/end needed).  `via` names the path for explanations ("read",
 * "mapread", "dio_read"; static string).  Returns true if the bytes are
 * legal. */
uint64_t fs_oracle_read_begin(struct inode *inode);
bool fs_oracle_read(struct inode *inode, uint64_t token, loff_t off,
		    uint32_t len, const struct sim_contents *c, uint32_t coff,
		    const char *via);
void fs_oracle_read_end(struct inode *inode, uint64_t token);

/* ---- mappings of physical blocks (the reverse index) -----------------------
 * The page cache calls bh_map when a page-cache buffer of inode at lblk gets
 * BH_Mapped with b_blocknr = pblk (map_bh, get_block results, buffers built
 * from the extent tree), and bh_unmap when it loses it (clear_buffer_mapped,
 * discard_buffer / block_invalidatepage, try_to_free_buffers, page freed).
 * DAX: dax_pte_map when a PTE to pfn (a disk block) is installed,
 * dax_pte_unmap when it is zapped.  Calls must pair exactly; the end of
 * the job audits the index against a scan of the page cache
 * (fs_oracle_index_drift), and block_reusable confirms every candidate in
 * the page cache before calling it a stale_mapping (an entry left by a
 * missing unmap is dropped, not reported).  The task calling *_map is kept
 * as the one that "established" the mapping for explanations.
 * Until the first of these calls, the oracle does not trust the (empty)
 * index: block_reusable scans the registered files' page caches and VMAs
 * instead (slower, and the explanation cannot name the mapping task).
 */
void fs_oracle_bh_map(struct inode *inode, uint32_t lblk, uint64_t pblk);
void fs_oracle_bh_unmap(struct inode *inode, uint32_t lblk, uint64_t pblk);
void fs_oracle_dax_pte_map(struct inode *inode, uint64_t pgoff, uint64_t pfn);
void fs_oracle_dax_pte_unmap(struct inode *inode, uint64_t pgoff,
			     uint64_t pfn);
/* The same for callers holding the buffer: bh becomes BH_Mapped to pblk
 * (kernel map_bh: sets BH_Mapped and b_blocknr), the oracle told — an
 * earlier mapping of bh to another block is unmapped first, re-mapping to
 * the same block is not counted twice.  lblk is the buffer's file block.
 * fs_oracle_unmap_bh clears BH_Mapped (if set) and tells the oracle. */
struct buffer_head;
void fs_oracle_map_bh(struct inode *inode, struct buffer_head *bh,
		      uint32_t lblk, uint64_t pblk);
void fs_oracle_unmap_bh(struct inode *inode, struct buffer_head *bh,
			uint32_t lblk);
/* Mappings of pblk currently in the index (buffers + PTEs). */
unsigned fs_oracle_block_mappers(struct super_block *sb, uint64_t pblk);

/* ---- block life (mballoc) --------------------------------------------------
 * block_free: ext4_free_blocks / ext4_sim_mb_free_range freed [pblk,
 *   pblk+count) (remembers the freeing task for explanations);
 * block_reusable: the allocator may hand [pblk, pblk+count) out again
 *   (ext4_sim_mb_release_tid after the commit, or at once without a journal
 *   / data=writeback).  Any block still mapped → stale_mapping.  Returns
 *   how many blocks were still mapped. */
void fs_oracle_block_free(struct super_block *sb, uint64_t pblk,
			  uint64_t count);
unsigned fs_oracle_block_reusable(struct super_block *sb, uint64_t pblk,
				  uint64_t count);

/* ---- data landing on disk --------------------------------------------------
 * After ext4_sim_disk_write / _write_zero / _write_meta: the writer passes
 * the result (foreign) and the owner found (was).  inode and lblk name what
 * the writer believed it wrote (inode NULL for metadata write-out); `via` is
 * "writeback", "dio", "dax", "meta" (static).  Counts foreign_write when
 * foreign. */
void fs_oracle_disk_write(struct super_block *sb, struct inode *inode,
			  uint32_t lblk, uint64_t pblk, bool foreign,
			  const struct ext4_sim_owner *was, const char *via);

/* ---- engine findings and fsck ----------------------------------------------- */

/* The world's finding hook (installed by fs_oracle_new; ctx = oracle):
 * counts kind "deadlock" / "lock_order" and keeps the report. */
void fs_oracle_finding(void *ctx, struct sim_world *w, const char *kind,
		       const char *report);
/* Run fsck on sb and every registered inode now; each broken invariant
 * counts as an fsck violation.  Returns the number found. */
unsigned fs_oracle_fsck(struct fs_oracle *o);

/* lost_write / stale data at rest: c[coff, coff+len) is what file bytes
 * [off, off+len) show now (page cache over disk).  Compared with the value
 * every completed operation left; a completed write that is not there is a
 * lost_write, data where the file must read zero is a stale_read.  Counted
 * once per fs block.  fs_oracle_finish calls it for every registered file;
 * exposed for tests and for models that read files differently.  Returns
 * true if consistent. */
bool fs_oracle_check_visible(struct inode *inode, loff_t off, uint32_t len,
			     const struct sim_contents *c, uint32_t coff);

/* What a read beginning now must return at file byte off (every reported
 * operation completed): true with the single legal value — *stamp (0:
 * zeros) and *origin — or false when more than one value is legal there
 * (concurrent writes, an operation still in flight): no verdict.  *run:
 * bytes from off with the same answer (origin advancing with the offset),
 * at least 1.  For the read-back of an exported image (judge/readback.c).
 * A file the oracle does not know reads zero. */
bool fs_oracle_expected(struct inode *inode, uint64_t off, sim_stamp_t *stamp,
			uint32_t *origin, uint32_t *run);

/* End of job: lost_write (visible contents — page cache over disk through
 * the extent tree — against the shadow, for every registered file), then
 * fsck.  Call from outside any task, after the world stopped.  The bytes a
 * reported operation still in flight touches (a job stopped mid-operation;
 * a shift or truncate: from its offset to EOF) are not compared, and fsck
 * then skips its quiescent-only checks. */
void fs_oracle_finish(struct fs_oracle *o);

/* ---- results ---------------------------------------------------------------- */

uint64_t fs_oracle_count(const struct fs_oracle *o, enum fs_oracle_kind k);
uint64_t fs_oracle_total(const struct fs_oracle *o);
/* Simulated time at which the first violation of kind k was detected (the
 * world's clock then: end-of-job checks give the job's end), -1 if none. */
sim_time_t fs_oracle_first_time(const struct fs_oracle *o,
				enum fs_oracle_kind k);
/* Explanations of kind k in detection order (i < fs_oracle_explained). Each
 * is self-contained text ending in '\n'; NULL past the end. */
unsigned fs_oracle_explained(const struct fs_oracle *o, enum fs_oracle_kind k);
const char *fs_oracle_explanation(const struct fs_oracle *o,
				  enum fs_oracle_kind k, unsigned i);
/* Hook hygiene, not a violation: index entries block_reusable could not
 * confirm in the page cache, plus disagreements between the index and a
 * scan of the page cache found at the end of the job (a bh/PTE hook
 * missing or called twice).  *first (if non-NULL) gets the first audit
 * message or NULL.  0 when the hooks pair exactly. */
uint64_t fs_oracle_index_drift(const struct fs_oracle *o, const char **first);
/* One line per kind with a non-zero count: "stale_read: 3". */
void fs_oracle_summary(const struct fs_oracle *o, FILE *out);

#endif /* FS_ORACLE_H */
