/* fs/ext4/file_write.c — write(2) on an ext4 file: ext4_file_write_iter
 * (fs/ext4/file.c, v4.4.1) and the system-call entries the workload
 * drives (vfs_write → sb_start_write → ->write_iter; O_DIRECT reads;
 * vfs_fsync_range → ->fsync), which also issue the write's stamp and
 * report direct reads to the oracle; ext4_file_write_iter reports the
 * write once it holds i_mutex.
 *
 * ext4_file_write_iter: i_mutex; generic_write_checks; for O_DIRECT with
 * dioread_nolock, no cached pages and a range inside i_size fully mapped
 * to written blocks, mark the IO an "overwrite" (ext4_ext_direct_IO then
 * drops i_mutex for it); __generic_file_write_iter; unlock;
 * generic_write_sync (O_DSYNC: fsync the range, outside i_mutex).
 *
 * Simplified: no AIO (so no ext4_aio_mutex / ext4_unwritten_wait for
 * unaligned AIO), no s_maxbytes/rlimit checks, no file_remove_privs;
 * IOCB_DSYNC stands for O_DSYNC/O_SYNC on the file (4.4 checks f_flags).
 *
 * Lock order: sb_start_write > i_mutex > (write_begin's) transaction start
 * > page lock > i_data_sem.
 */
#include "config.h"

#include "fs/ext4/ext4_map.h"
#include "fs/costs.h"
#include "fs/oracle/oracle.h"

/* generic_write_checks (4.4): O_APPEND writes at i_size; returns the
 * count to write. */
static ssize_t generic_write_checks(struct kiocb *iocb, struct iov_iter *from)
{
	struct inode *inode = file_inode(iocb->ki_filp);

	if (!iov_iter_count(from))
		return 0;
	if (iocb->ki_flags & IOCB_APPEND)
		iocb->ki_pos = i_size_read(inode);
	return (ssize_t)iov_iter_count(from);
}

ssize_t ext4_file_write_iter(struct kiocb *iocb, struct iov_iter *from)
{
	struct file *file = iocb->ki_filp;
	struct inode *inode = file_inode(file);
	bool o_direct = iocb->ki_flags & IOCB_DIRECT;
	int overwrite = 0;
	uint64_t op;
	loff_t start;
	ssize_t ret;

	mutex_lock(&inode->i_mutex);
	ret = generic_write_checks(iocb, from);
	if (ret <= 0)
		goto out;
	start = iocb->ki_pos;
	/* The oracle hears of the write once it holds i_mutex: the position
	 * is final only now (O_APPEND), and a collapse or insert that ran
	 * while the write waited for i_mutex must not move it — the write
	 * lands at its own position after the shift. */
	op = fs_oracle_write_begin(inode, start, iov_iter_count(from),
				   from->stamp);

	iocb->private = &overwrite;
	if (o_direct) {
		size_t length = iov_iter_count(from);
		loff_t pos = iocb->ki_pos;

		/* check whether we do a DIO overwrite or not */
		if (ext4_should_dioread_nolock(inode) &&
		    !file->f_mapping->nrpages &&
		    pos + (loff_t)length <= i_size_read(inode)) {
			unsigned int blkbits = inode->i_sb->s_blocksize_bits;
			struct ext4_map_blocks map;
			int err, len;

			map.m_lblk = (ext4_lblk_t)(pos >> blkbits);
			map.m_len = (unsigned)((round_up(pos + (loff_t)length,
							 (loff_t)1 << blkbits) >>
						blkbits) - map.m_lblk);
			len = (int)map.m_len;
			err = ext4_map_blocks(NULL, inode, &map, 0);
			/* All preallocated and initialized (a cached
			 * unwritten extent comes back UNWRITTEN). */
			if (err == len && (map.m_flags & EXT4_MAP_MAPPED))
				overwrite = 1;
		}
	}
	ret = __generic_file_write_iter(iocb, from);
	fs_oracle_write_end(inode, op, ret > 0 ? (uint64_t)ret : 0);
	mutex_unlock(&inode->i_mutex);

	/* generic_write_sync: outside i_mutex. */
	if (ret > 0 && (iocb->ki_flags & IOCB_DSYNC)) {
		int err = ext4_sync_file(file, start, start + ret - 1, 1);

		if (err < 0)
			ret = err;
	}
	return ret;
out:
	mutex_unlock(&inode->i_mutex);
	return ret;
}

/* ---- system calls ----------------------------------------------------------------------- */

ssize_t ext4_sim_sys_write(struct file *file, loff_t pos, size_t len,
			   bool direct, bool dsync, uint64_t seq,
			   sim_stamp_t *stampp)
{
	struct inode *inode = file_inode(file);
	struct kiocb kiocb = { .ki_filp = file, .ki_pos = pos,
			       .ki_sim_seq = seq };
	struct iov_iter iter;
	sim_stamp_t stamp;
	ssize_t ret;

	ext4_sim_charge_cpu(ext4_sim_costs(inode->i_sb)->syscall_entry);
	stamp = ext4_sim_new_stamp(inode, pos, (uint32_t)len,
				   direct ? SIM_STAMP_DIO : SIM_STAMP_WRITE,
				   seq);
	if (stampp)
		*stampp = stamp;
	if (direct)
		kiocb.ki_flags |= IOCB_DIRECT;
	if (dsync)
		kiocb.ki_flags |= IOCB_DSYNC;
	iov_iter_sim_init_write(&iter, len, stamp);
	sim_task_note(current, "vfs_write", direct ? "dio" : "buffered",
		      "file offset", pos);
	sb_start_write(inode->i_sb);
	ret = ext4_file_write_iter(&kiocb, &iter);
	sb_end_write(inode->i_sb);
	return ret;
}

struct ext4_sim_read_ctx {
	struct inode *inode;
	uint64_t token;
	iov_sim_sink_fn sink;
	void *ctx;
};

/* Every piece a direct read returns is checked by the oracle, then handed
 * to the caller's sink. */
static void ext4_sim_read_sink(void *arg, loff_t pos,
			       const struct sim_contents *src, uint32_t soff,
			       uint32_t len)
{
	struct ext4_sim_read_ctx *rc = arg;

	fs_oracle_read(rc->inode, rc->token, pos, len, src, soff, "dio_read");
	if (rc->sink)
		rc->sink(rc->ctx, pos, src, soff, len);
}

ssize_t ext4_sim_sys_dio_read(struct file *file, loff_t pos, size_t len,
			      uint64_t seq, iov_sim_sink_fn sink, void *ctx)
{
	struct inode *inode = file_inode(file);
	struct kiocb kiocb = { .ki_filp = file, .ki_pos = pos,
			       .ki_flags = IOCB_DIRECT, .ki_sim_seq = seq };
	struct ext4_sim_read_ctx rc = { .inode = inode, .sink = sink,
					.ctx = ctx };
	struct iov_iter iter;
	ssize_t ret;

	ext4_sim_charge_cpu(ext4_sim_costs(inode->i_sb)->syscall_entry);
	sim_task_note(current, "vfs_read", "dio", "file offset", pos);
	rc.token = fs_oracle_read_begin(inode);
	iov_iter_sim_init_read(&iter, len, ext4_sim_read_sink, &rc);
	ret = generic_file_sim_direct_read(&kiocb, &iter);
	fs_oracle_read_end(inode, rc.token);
	return ret;
}

int ext4_sim_sys_fsync(struct file *file, loff_t start, loff_t end,
		       bool datasync)
{
	struct inode *inode = file_inode(file);

	ext4_sim_charge_cpu(ext4_sim_costs(inode->i_sb)->syscall_entry);
	sim_task_note(current, "vfs_fsync_range", "fsync", "file offset",
		      start);
	return ext4_sync_file(file, start, end, datasync);
}
