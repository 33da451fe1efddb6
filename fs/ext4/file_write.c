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
 * DAX files: v4.4/v4.5 take the O_DIRECT path above (io_is_direct() is
 * true for them; ->direct_IO is dax_do_io, and a short write never falls
 * back to the page cache); v5.15 goes to ext4_dax_write_iter (i_rwsem,
 * dax_iomap_rw, ext4_handle_inode_extension).
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
#include "fs/ext4/file.h"
#include "fs/mm/dax.h"
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

/* ---- v5.15 DAX write(2) ------------------------------------------------------------- */

/* v5.15 ext4_handle_inode_extension: after an extending DAX write, i_size
 * and i_disksize follow what was written, in a small handle; blocks
 * allocated past what was written are trimmed. */
static ssize_t ext4_handle_inode_extension(struct inode *inode, loff_t offset,
					   ssize_t written, size_t count)
{
	unsigned blkbits = inode->i_sb->s_blocksize_bits;
	loff_t written_blk, end_blk;
	bool truncate = false;
	handle_t *handle;

	if (offset + (loff_t)count <= EXT4_I(inode)->i_disksize)
		return written;   /* (orphan list: not modelled) */
	if (written < 0)
		goto truncate;
	handle = ext4_journal_start(inode, EXT4_HT_INODE, 2);
	if (IS_ERR(handle)) {
		written = PTR_ERR(handle);
		goto truncate;
	}
	if (ext4_update_inode_size(inode, offset + written))
		ext4_mark_inode_dirty(handle, inode);
	/* We may need to truncate allocated but not written blocks beyond
	 * EOF. */
	written_blk = round_up(offset + written, (loff_t)1 << blkbits);
	end_blk = round_up(offset + (loff_t)count, (loff_t)1 << blkbits);
	if (written_blk < end_blk)
		truncate = true;
	ext4_journal_stop(handle);
	if (truncate) {
truncate:
		ext4_truncate_failed_write(inode);
	}
	return written;
}

/* v5.15 ext4_dax_write_iter: i_rwsem (exclusive); ext4_write_checks
 * (generic_write_checks, file_modified); a write past i_disksize puts the
 * inode on the orphan list in a small handle (not modelled beyond the
 * handle); dax_iomap_rw with ext4_iomap_begin; the size follows
 * (ext4_handle_inode_extension); unlock; generic_write_sync.  The oracle
 * hears of the write under i_rwsem, as for ext4_file_write_iter. */
static ssize_t ext4_dax_write_iter(struct kiocb *iocb, struct iov_iter *from)
{
	struct file *file = iocb->ki_filp;
	struct inode *inode = file_inode(file);
	bool extend = false;
	handle_t *handle;
	loff_t offset = 0;
	size_t count;
	uint64_t op;
	ssize_t ret;

	mutex_lock(&inode->i_mutex);
	ret = generic_write_checks(iocb, from);
	if (ret <= 0)
		goto out;
	ret = file_update_time(file);
	if (ret)
		goto out;
	offset = iocb->ki_pos;
	count = iov_iter_count(from);
	op = fs_oracle_write_begin(inode, offset, count, from->stamp);
	if (offset + (loff_t)count > EXT4_I(inode)->i_disksize) {
		handle = ext4_journal_start(inode, EXT4_HT_INODE, 2);
		if (IS_ERR(handle)) {
			ret = PTR_ERR(handle);
			fs_oracle_write_end(inode, op, 0);
			goto out;
		}
		extend = true;
		ext4_journal_stop(handle);
	}
	ret = dax_iomap_rw(iocb, from, ext4_iomap_begin);
	if (extend)
		ret = ext4_handle_inode_extension(inode, offset, ret, count);
	fs_oracle_write_end(inode, op, ret > 0 ? (uint64_t)ret : 0);
out:
	mutex_unlock(&inode->i_mutex);
	if (ret > 0 && (iocb->ki_flags & IOCB_DSYNC)) {
		int err = ext4_sync_file(file, offset, offset + ret - 1, 1);

		if (err < 0)
			ret = err;
	}
	return ret;
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

	if (IS_DAX(inode) && ext4_sim_kver(inode) == EXT4_KVER_5_15)
		return ext4_dax_write_iter(iocb, from);
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
	/* iocb_flags(): v4.4/v4.5 io_is_direct() is true for DAX files
	 * (v5.15's ext4_file_write_iter sends them to ext4_dax_write_iter
	 * first, whatever the flag). */
	if (direct || IS_DAX(inode))
		kiocb.ki_flags |= IOCB_DIRECT;
	if (dsync)
		kiocb.ki_flags |= IOCB_DSYNC;
	iov_iter_sim_init_write(&iter, len, stamp);
	sim_task_note(current, "vfs_write",
		      IS_DAX(inode) ? "dax" : direct ? "dio" : "buffered",
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
	const char *via;
};

/* Every piece a direct or DAX read returns is checked by the oracle, then
 * handed to the caller's sink. */
static void ext4_sim_read_sink(void *arg, loff_t pos,
			       const struct sim_contents *src, uint32_t soff,
			       uint32_t len)
{
	struct ext4_sim_read_ctx *rc = arg;

	fs_oracle_read(rc->inode, rc->token, pos, len, src, soff, rc->via);
	if (rc->sink)
		rc->sink(rc->ctx, pos, src, soff, len);
}

ssize_t ext4_sim_checked_read(struct kiocb *kiocb, size_t len,
			      iov_sim_sink_fn sink, void *ctx,
			      const char *via)
{
	struct inode *inode = file_inode(kiocb->ki_filp);
	struct ext4_sim_read_ctx rc = { .inode = inode, .sink = sink,
					.ctx = ctx, .via = via };
	struct iov_iter iter;
	ssize_t ret;

	rc.token = fs_oracle_read_begin(inode);
	iov_iter_sim_init_read(&iter, len, ext4_sim_read_sink, &rc);
	if (IS_DAX(inode))
		ret = ext4_file_read_iter(kiocb, &iter);
	else
		ret = generic_file_sim_direct_read(kiocb, &iter);
	fs_oracle_read_end(inode, rc.token);
	return ret;
}

ssize_t ext4_sim_sys_dio_read(struct file *file, loff_t pos, size_t len,
			      uint64_t seq, iov_sim_sink_fn sink, void *ctx)
{
	struct inode *inode = file_inode(file);
	struct kiocb kiocb = { .ki_filp = file, .ki_pos = pos,
			       .ki_flags = IOCB_DIRECT, .ki_sim_seq = seq };

	ext4_sim_charge_cpu(ext4_sim_costs(inode->i_sb)->syscall_entry);
	sim_task_note(current, "vfs_read", "dio", "file offset", pos);
	return ext4_sim_checked_read(&kiocb, len, sink, ctx, "dio_read");
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
