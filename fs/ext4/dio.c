/* fs/ext4/dio.c — ext4's direct IO, after fs/ext4/inode.c
 * (ext4_direct_IO, ext4_ext_direct_IO), fs/ext4/indirect.c
 * (ext4_ind_direct_IO, which 4.4 uses for every read and for writes past
 * i_size), fs/inode.c (inode_dio_wait) and the O_DIRECT branch of
 * generic_file_read_iter (mm/filemap.c), v4.4.1 (FIDELITY 2.7).
 *
 * Writes inside i_size (ext4_ext_direct_IO), i_mutex held by the caller:
 * inode_dio_begin (under i_mutex, so truncate's inode_dio_wait is exact);
 * an "overwrite" (dioread_nolock, no cached pages, range fully mapped and
 * written, decided by ext4_file_write_iter) takes i_data_sem (r) and drops
 * i_mutex for the IO, looking blocks up without locks
 * (ext4_get_block_write_nolock); otherwise ext4_get_block_write allocates
 * unwritten extents with a handle per mapped chunk [J], and the written
 * range is converted after the IO (sync DIO: right here, own handles).
 * Writes past i_size (ext4_ind_direct_IO): i_disksize pinned to i_size,
 * blockdev_direct_IO with ext4_get_block (initialized blocks; holes inside
 * i_size are not filled: buffered fall-back), then i_size/i_disksize
 * raised in a small handle; a failed extending write trims with
 * ext4_truncate_failed_write.
 * Reads: dioread_nolock → inode_dio_begin, then if EXT4_STATE_DIOREAD_LOCK
 * is set (punch/truncate/... are excluding lockless readers) fall back to
 * the locked path, else read without i_mutex; locked path =
 * blockdev_direct_IO (DIO_LOCKING: i_mutex over the flush and every block
 * lookup).
 *
 * DAX files (every read(2)/write(2) of one in v4.4/v4.5: io_is_direct()):
 * the same steps with dax_do_io (fs/mm/dax_io.c) in place of
 * __blockdev_direct_IO, as both versions' ext4_ext_direct_IO and
 * ext4_ind_direct_IO do; v5.15 DAX files never come here
 * (ext4_dax_read_iter / ext4_dax_write_iter).
 *
 * Simplified: synchronous IO only (no AIO io_end, no ext4_aio_mutex /
 * ext4_unwritten_wait), no orphan list, extents only; v5.15's iomap
 * DIO is not modelled (every strategy runs the v4.4.1 DIO paths; for DAX
 * that means v4.5 also takes i_data_sem (r) across an overwrite, which
 * v4.5's ext4_ext_direct_IO no longer does).
 *
 * Lock order: i_mutex > [DIOREAD_LOCK] > transaction start > i_data_sem;
 * overwrite: i_data_sem (r) held across the IO with i_mutex dropped.
 */
#include "config.h"

#include "fs/ext4/ext4_map.h"
#include "fs/mm/dax.h"

void inode_dio_wait(struct inode *inode)
{
	if (inode->i_dio_count)
		sim_task_note(current, "inode_dio_wait", "wait", "i_dio_count",
			      inode->i_dio_count);
	sim_wait_event(current, &inode->i_dio_wq, NULL,
		       inode->i_dio_count == 0);
}

static ssize_t ext4_ind_direct_IO(struct kiocb *iocb, struct iov_iter *iter,
				  loff_t offset)
{
	struct inode *inode = iocb->ki_filp->f_mapping->host;
	struct ext4_inode_info *ei = EXT4_I(inode);
	size_t count = iov_iter_count(iter);
	struct iov_iter saved = *iter;
	struct dio_sim_result res = { 0 };
	bool orphan = false;
	handle_t *handle;
	int retries = 0;
	ssize_t ret;

	if (iov_iter_rw(iter) == WRITE) {
		loff_t final_size = offset + (loff_t)count;

		if (final_size > inode->i_size) {
			/* Credits for sb + inode write (orphan add: not
			 * modelled); i_disksize must not run ahead of the
			 * data. */
			handle = ext4_journal_start(inode, EXT4_HT_INODE, 2);
			if (IS_ERR(handle))
				return PTR_ERR(handle);
			orphan = true;
			ei->i_disksize = inode->i_size;
			ext4_journal_stop(handle);
		}
	}
retry:
	if (iov_iter_rw(iter) == READ && ext4_should_dioread_nolock(inode)) {
		/* Lockless reads may be switched off for a while by
		 * ext4_inode_block_unlocked_dio: check it holding our own
		 * i_dio_count reference. */
		inode_dio_begin(inode);
		if (ext4_test_inode_state(inode, EXT4_STATE_DIOREAD_LOCK)) {
			inode_dio_end(inode);
			goto locked;
		}
		if (IS_DAX(inode))
			ret = dax_do_io(iocb, inode, iter, offset,
					ext4_get_block, 0, &res);
		else
			ret = __blockdev_direct_IO(iocb, inode, iter, offset,
						   ext4_get_block, 0, &res);
		inode_dio_end(inode);
	} else {
locked:
		if (IS_DAX(inode))
			ret = dax_do_io(iocb, inode, iter, offset,
					ext4_get_block, DIO_LOCKING, &res);
		else
			ret = blockdev_direct_IO(iocb, inode, iter, offset,
						 ext4_get_block, &res);
		if (iov_iter_rw(iter) == WRITE && ret < 0) {
			loff_t isize = i_size_read(inode);

			if (offset + (loff_t)count > isize)
				ext4_truncate_failed_write(inode);
		}
	}
	if (ret == -ENOSPC && ext4_should_retry_alloc(inode->i_sb, &retries)) {
		*iter = saved;
		goto retry;
	}

	if (orphan) {
		handle = ext4_journal_start(inode, EXT4_HT_INODE, 2);
		if (IS_ERR(handle))
			return PTR_ERR(handle);
		if (ret > 0) {
			loff_t end = offset + ret;

			if (end > inode->i_size) {
				ei->i_disksize = end;
				i_size_write(inode, end);
				ext4_mark_inode_dirty(handle, inode);
			}
		}
		ext4_journal_stop(handle);
	}
	return ret;
}

static ssize_t ext4_ext_direct_IO(struct kiocb *iocb, struct iov_iter *iter,
				  loff_t offset)
{
	struct inode *inode = iocb->ki_filp->f_mapping->host;
	struct ext4_inode_info *ei = EXT4_I(inode);
	size_t count = iov_iter_count(iter);
	loff_t final_size = offset + (loff_t)count;
	struct dio_sim_result res = { 0 };
	get_block_t *get_block_func;
	int dio_flags = 0;
	int overwrite;
	ssize_t ret;

	/* Use the old path for reads and writes beyond i_size. */
	if (iov_iter_rw(iter) != WRITE || final_size > inode->i_size)
		return ext4_ind_direct_IO(iocb, iter, offset);

	SIM_BUG_ON(iocb->private == NULL);
	/* Under i_mutex: waiters on DIO (truncate, punch) also wait for the
	 * extent conversion below, and cannot miss this IO. */
	inode_dio_begin(inode);

	/* If we do a overwrite dio, i_mutex locking can be released */
	overwrite = *((int *)iocb->private);
	if (overwrite) {
		down_read(&ei->i_data_sem);
		mutex_unlock(&inode->i_mutex);
	}
	iocb->private = NULL;

	/* Holes are filled with unwritten extents so a parallel buffered
	 * read cannot see stale data before the IO completes; they become
	 * written after it. */
	if (overwrite) {
		get_block_func = ext4_get_block_write_nolock;
	} else {
		get_block_func = ext4_get_block_write;
		dio_flags = DIO_LOCKING;
	}
	if (IS_DAX(inode))
		ret = dax_do_io(iocb, inode, iter, offset, get_block_func,
				dio_flags, &res);
	else
		ret = __blockdev_direct_IO(iocb, inode, iter, offset,
					   get_block_func, dio_flags, &res);
	/* Synchronous IO: the data is on disk, convert now (the kernel
	 * tracks this with EXT4_STATE_DIO_UNWRITTEN). */
	if (ret > 0 && !overwrite && res.unwritten) {
		int err = ext4_convert_unwritten_extents(NULL, inode, offset,
							 ret);

		if (err < 0)
			ret = err;
	}
	inode_dio_end(inode);
	/* take i_mutex locking again if we do a ovewrite dio */
	if (overwrite) {
		up_read(&ei->i_data_sem);
		mutex_lock(&inode->i_mutex);
	}
	return ret;
}

ssize_t ext4_direct_IO(struct kiocb *iocb, struct iov_iter *iter,
		       loff_t offset)
{
	struct inode *inode = iocb->ki_filp->f_mapping->host;

	/* If we are doing data journalling we don't support O_DIRECT */
	if (ext4_should_journal_data(inode))
		return 0;
	return ext4_ext_direct_IO(iocb, iter, offset);
}

ssize_t generic_file_sim_direct_read(struct kiocb *iocb, struct iov_iter *iter)
{
	struct file *file = iocb->ki_filp;
	struct address_space *mapping = file->f_mapping;
	size_t count = iov_iter_count(iter);
	struct iov_iter data;
	ssize_t retval;

	if (!count)
		return 0;
	retval = filemap_write_and_wait_range(mapping, iocb->ki_pos,
					      iocb->ki_pos + (loff_t)count - 1);
	if (!retval) {
		data = *iter;
		retval = mapping->a_ops->direct_IO(iocb, &data, iocb->ki_pos);
	}
	if (retval > 0) {
		iocb->ki_pos += retval;
		iov_iter_advance(iter, (size_t)retval);
	}
	/* A short read (a hole past what ->direct_IO returned, data=journal)
	 * would continue through the page cache; the model returns short. */
	return retval;
}
