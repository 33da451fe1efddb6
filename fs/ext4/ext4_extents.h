/* fs/ext4/ext4_extents.h — the ext4 extent tree: on-disk node format,
 * the lookup path, and the operations of fs/ext4/extents*.c.
 *
 * Mirrors fs/ext4/ext4_extents.h (v4.4.1) plus the pieces of fs/ext4/ext4.h
 * the extent code and its callers share (struct ext4_map_blocks, the
 * EXT4_GET_BLOCKS_* and EXT4_MAP_* flags).
 *
 * Nodes are real on-disk bytes: a 12-byte header, then 12-byte entries
 * (leaf extents at depth 0, index entries above), little-endian.  The root
 * lives in the inode's i_data[] (60 bytes: 4 entries); every other node is
 * one block of the block device, (blocksize - 12) / 12 entries, followed by
 * a 4-byte tail holding a crc32c of the node.
 *
 * Lengths: ee_len <= 32768 is an initialized extent of that length; above
 * that the top bit marks an unwritten extent of ee_len - 32768 blocks, so
 * unwritten extents hold at most 32767 blocks.  Physical block numbers are
 * 48 bits split into a 32-bit low and a 16-bit high part.
 */
#ifndef FS_EXT4_EXTENTS_H
#define FS_EXT4_EXTENTS_H

#include <sys/types.h>

#include "fs/ext4/ext4.h"
#include "fs/ext4/ext4_jbd2.h"

/* ---- little-endian fields ---------------------------------------------
 * The kernel's __le16/__le32 and converters.  On a little-endian host they
 * are identity; on a big-endian host the bytes are swapped, so the node
 * bytes are the same on every machine. */
typedef uint16_t __le16;
typedef uint32_t __le32;
typedef uint64_t __le64;

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define EXT4_SIM_LE16(x) ((uint16_t)__builtin_bswap16((uint16_t)(x)))
#define EXT4_SIM_LE32(x) ((uint32_t)__builtin_bswap32((uint32_t)(x)))
#else
#define EXT4_SIM_LE16(x) ((uint16_t)(x))
#define EXT4_SIM_LE32(x) ((uint32_t)(x))
#endif
#ifndef le16_to_cpu
#define le16_to_cpu(x) EXT4_SIM_LE16(x)
#define cpu_to_le16(x) EXT4_SIM_LE16(x)
#define le32_to_cpu(x) EXT4_SIM_LE32(x)
#define cpu_to_le32(x) EXT4_SIM_LE32(x)
#endif

static inline void le16_add_cpu(__le16 *var, int16_t val)
{
	*var = cpu_to_le16((uint16_t)(le16_to_cpu(*var) + val));
}

static inline void le32_add_cpu(__le32 *var, int32_t val)
{
	*var = cpu_to_le32((uint32_t)(le32_to_cpu(*var) + val));
}

/* ---- on-disk structures --------------------------------------------------- */

/* Checksum of a non-root node, right after its eh_max entries. */
struct ext4_extent_tail {
	__le32 et_checksum;
};

/* A leaf entry: blocks [ee_block, ee_block + len) at physical start. */
struct ext4_extent {
	__le32 ee_block;
	__le16 ee_len;          /* see the length encoding above */
	__le16 ee_start_hi;     /* bits 32..47 of the physical start */
	__le32 ee_start_lo;     /* bits 0..31 */
};

/* An index entry: the child node at ei_leaf covers blocks >= ei_block. */
struct ext4_extent_idx {
	__le32 ei_block;
	__le32 ei_leaf_lo;
	__le16 ei_leaf_hi;
	uint16_t ei_unused;
};

/* Every node, the root in i_data included, starts with this. */
struct ext4_extent_header {
	__le16 eh_magic;
	__le16 eh_entries;      /* entries in use */
	__le16 eh_max;          /* capacity */
	__le16 eh_depth;        /* 0: entries are extents; > 0: index entries */
	__le32 eh_generation;
};

_Static_assert(sizeof(struct ext4_extent) == 12, "ext4_extent is 12 bytes");
_Static_assert(sizeof(struct ext4_extent_idx) == 12, "ext4_extent_idx is 12 bytes");
_Static_assert(sizeof(struct ext4_extent_header) == 12, "header is 12 bytes");

#define EXT4_EXT_MAGIC cpu_to_le16(0xf30a)

#define EXT4_EXTENT_TAIL_OFFSET(hdr) \
	(sizeof(struct ext4_extent_header) + \
	 sizeof(struct ext4_extent) * le16_to_cpu((hdr)->eh_max))

static inline struct ext4_extent_tail *
find_ext4_extent_tail(struct ext4_extent_header *eh)
{
	return (struct ext4_extent_tail *)((char *)eh +
					   EXT4_EXTENT_TAIL_OFFSET(eh));
}

/* Largest initialized / unwritten extent (see the encoding above). */
#define EXT_INIT_MAX_LEN (1u << 15)
#define EXT_UNWRITTEN_MAX_LEN (EXT_INIT_MAX_LEN - 1)

/* 4.4.1 has no depth limit; later kernels refuse trees deeper than 5.  The
 * model asserts it (5 levels of 1 KiB nodes already hold 84^5 extents). */
#define EXT4_MAX_EXTENT_DEPTH 5

/* ---- the lookup path ---------------------------------------------------------
 * One element per level, root first.  path[0].p_maxdepth is the depth the
 * array was sized for (callers reuse a path while the tree does not grow
 * beyond it).  p_bh holds a reference on the node's buffer (NULL for the
 * root in the inode). */
struct ext4_ext_path {
	ext4_fsblk_t p_block;
	uint16_t p_depth;
	uint16_t p_maxdepth;
	struct ext4_extent *p_ext;
	struct ext4_extent_idx *p_idx;
	struct ext4_extent_header *p_hdr;
	struct buffer_head *p_bh;
};

static inline struct ext4_extent *EXT_FIRST_EXTENT(struct ext4_extent_header *eh)
{
	return (struct ext4_extent *)(eh + 1);
}

static inline struct ext4_extent_idx *EXT_FIRST_INDEX(struct ext4_extent_header *eh)
{
	return (struct ext4_extent_idx *)(eh + 1);
}

static inline bool EXT_HAS_FREE_INDEX(const struct ext4_ext_path *path)
{
	return le16_to_cpu(path->p_hdr->eh_entries) <
	       le16_to_cpu(path->p_hdr->eh_max);
}

static inline struct ext4_extent *EXT_LAST_EXTENT(struct ext4_extent_header *eh)
{
	return EXT_FIRST_EXTENT(eh) + le16_to_cpu(eh->eh_entries) - 1;
}

static inline struct ext4_extent_idx *EXT_LAST_INDEX(struct ext4_extent_header *eh)
{
	return EXT_FIRST_INDEX(eh) + le16_to_cpu(eh->eh_entries) - 1;
}

static inline struct ext4_extent *EXT_MAX_EXTENT(struct ext4_extent_header *eh)
{
	return EXT_FIRST_EXTENT(eh) + le16_to_cpu(eh->eh_max) - 1;
}

static inline struct ext4_extent_idx *EXT_MAX_INDEX(struct ext4_extent_header *eh)
{
	return EXT_FIRST_INDEX(eh) + le16_to_cpu(eh->eh_max) - 1;
}

static inline struct ext4_extent_header *ext_inode_hdr(struct inode *inode)
{
	return (struct ext4_extent_header *)EXT4_I(inode)->i_data;
}

static inline struct ext4_extent_header *ext_block_hdr(struct buffer_head *bh)
{
	return (struct ext4_extent_header *)bh->b_data;
}

static inline unsigned short ext_depth(struct inode *inode)
{
	return le16_to_cpu(ext_inode_hdr(inode)->eh_depth);
}

/* ---- entry accessors ---------------------------------------------------------- */

static inline void ext4_ext_mark_unwritten(struct ext4_extent *ext)
{
	/* an unwritten extent of length 0 cannot be encoded */
	BUG_ON((le16_to_cpu(ext->ee_len) & ~EXT_INIT_MAX_LEN) == 0);
	ext->ee_len |= cpu_to_le16(EXT_INIT_MAX_LEN);
}

static inline int ext4_ext_is_unwritten(const struct ext4_extent *ext)
{
	/* 0x8000 exactly is the longest initialized extent */
	return le16_to_cpu(ext->ee_len) > EXT_INIT_MAX_LEN;
}

static inline int ext4_ext_get_actual_len(const struct ext4_extent *ext)
{
	unsigned int len = le16_to_cpu(ext->ee_len);

	return len <= EXT_INIT_MAX_LEN ? (int)len : (int)(len - EXT_INIT_MAX_LEN);
}

static inline void ext4_ext_mark_initialized(struct ext4_extent *ext)
{
	ext->ee_len = cpu_to_le16(ext4_ext_get_actual_len(ext));
}

static inline ext4_fsblk_t ext4_ext_pblock(const struct ext4_extent *ex)
{
	return (ext4_fsblk_t)le32_to_cpu(ex->ee_start_lo) |
	       ((ext4_fsblk_t)le16_to_cpu(ex->ee_start_hi) << 32);
}

static inline ext4_fsblk_t ext4_idx_pblock(const struct ext4_extent_idx *ix)
{
	return (ext4_fsblk_t)le32_to_cpu(ix->ei_leaf_lo) |
	       ((ext4_fsblk_t)le16_to_cpu(ix->ei_leaf_hi) << 32);
}

static inline void ext4_ext_store_pblock(struct ext4_extent *ex,
					 ext4_fsblk_t pb)
{
	ex->ee_start_lo = cpu_to_le32((uint32_t)(pb & 0xffffffffu));
	ex->ee_start_hi = cpu_to_le16((uint16_t)((pb >> 32) & 0xffffu));
}

static inline void ext4_idx_store_pblock(struct ext4_extent_idx *ix,
					 ext4_fsblk_t pb)
{
	ix->ei_leaf_lo = cpu_to_le32((uint32_t)(pb & 0xffffffffu));
	ix->ei_leaf_hi = cpu_to_le16((uint16_t)((pb >> 32) & 0xffffu));
}

/* ---- ext4_map_blocks and its flags (kernel: fs/ext4/ext4.h) ------------------- */

#define EXT4_MAP_NEW       (1u << BH_New)
#define EXT4_MAP_MAPPED    (1u << BH_Mapped)
#define EXT4_MAP_UNWRITTEN (1u << BH_Unwritten)
#define EXT4_MAP_BOUNDARY  (1u << BH_Boundary)
#define EXT4_MAP_FLAGS \
	(EXT4_MAP_NEW | EXT4_MAP_MAPPED | EXT4_MAP_UNWRITTEN | EXT4_MAP_BOUNDARY)

struct ext4_map_blocks {
	ext4_fsblk_t m_pblk;
	ext4_lblk_t m_lblk;
	unsigned int m_len;
	unsigned int m_flags;
};

#define EXT4_GET_BLOCKS_CREATE            0x0001
#define EXT4_GET_BLOCKS_UNWRIT_EXT        0x0002
#define EXT4_GET_BLOCKS_CREATE_UNWRIT_EXT \
	(EXT4_GET_BLOCKS_UNWRIT_EXT | EXT4_GET_BLOCKS_CREATE)
#define EXT4_GET_BLOCKS_DELALLOC_RESERVE  0x0004
#define EXT4_GET_BLOCKS_PRE_IO            0x0008
#define EXT4_GET_BLOCKS_CONVERT           0x0010
#define EXT4_GET_BLOCKS_IO_CREATE_EXT \
	(EXT4_GET_BLOCKS_PRE_IO | EXT4_GET_BLOCKS_CREATE_UNWRIT_EXT)
#define EXT4_GET_BLOCKS_IO_CONVERT_EXT \
	(EXT4_GET_BLOCKS_CONVERT | EXT4_GET_BLOCKS_CREATE_UNWRIT_EXT)
#define EXT4_GET_BLOCKS_METADATA_NOFAIL   0x0020
#define EXT4_GET_BLOCKS_NO_NORMALIZE      0x0040
#define EXT4_GET_BLOCKS_KEEP_SIZE         0x0080
#define EXT4_GET_BLOCKS_NO_LOCK           0x0100
#define EXT4_GET_BLOCKS_CONVERT_UNWRITTEN 0x0200
/* v4.5+ (DAX faults): zero newly allocated (or converted) blocks before
 * they become visible in the extent-status cache, under i_data_sem (w).
 * (Kernel value 0x0200; the model keeps v4.4.1's NO_LOCK and numbering.) */
#define EXT4_GET_BLOCKS_ZERO              0x0400
#define EXT4_GET_BLOCKS_CREATE_ZERO \
	(EXT4_GET_BLOCKS_CREATE | EXT4_GET_BLOCKS_ZERO)
/* Flags for ext4_find_extent() and the tree readers, kept clear of the
 * EXT4_GET_BLOCKS_* bits they travel with. */
#define EXT4_EX_NOCACHE                   0x40000000
#define EXT4_EX_FORCE_CACHE               0x20000000

/* split_flag of ext4_split_extent_at() / ext4_split_extent() (static in the
 * kernel's extents.c; here the tests call the split functions directly). */
#define EXT4_EXT_MAY_ZEROOUT  0x1   /* may zero the data instead on ENOSPC */
#define EXT4_EXT_MARK_UNWRIT1 0x2   /* first half is unwritten */
#define EXT4_EXT_MARK_UNWRIT2 0x4   /* second half is unwritten */
#define EXT4_EXT_DATA_VALID1  0x8   /* first half holds valid data */
#define EXT4_EXT_DATA_VALID2  0x10  /* second half holds valid data */

enum SHIFT_DIRECTION {
	SHIFT_LEFT = 0,
	SHIFT_RIGHT,
};

/* ---- operations ----------------------------------------------------------------
 * Callers hold i_data_sem (write for anything that changes the tree, read
 * for lookups), as in the kernel.  Paths come back from ext4_find_extent()
 * as ERR_PTR(-errno) on failure and are released with ext4_ext_path_free(). */

int ext4_ext_tree_init(handle_t *handle, struct inode *inode);
int ext4_ext_check_inode(struct inode *inode);
int __ext4_ext_check(const char *function, unsigned int line,
		     struct inode *inode, struct ext4_extent_header *eh,
		     int depth, ext4_fsblk_t pblk);
#define ext4_ext_check(inode, eh, depth, pblk) \
	__ext4_ext_check(__func__, __LINE__, (inode), (eh), (depth), (pblk))

struct ext4_ext_path *ext4_find_extent(struct inode *inode, ext4_lblk_t block,
				       struct ext4_ext_path **orig_path,
				       int flags);
void ext4_ext_drop_refs(struct ext4_ext_path *path);
/* drop_refs + kfree, the pair every kernel caller writes out. */
void ext4_ext_path_free(struct ext4_ext_path *path);
/* Model-only: a zeroed path array of n entries, on sb's list of live
 * paths (ext4_sb_info.s_sim_paths) until ext4_ext_path_free; and, at
 * unmount, freeing what is still on it (see fs/ext4/extents.c). */
struct ext4_ext_path *ext4_sim_path_alloc(struct super_block *sb, size_t n);
void ext4_sim_paths_free(struct super_block *sb);

int ext4_can_extents_be_merged(struct inode *inode, struct ext4_extent *ex1,
			       struct ext4_extent *ex2);
int ext4_ext_insert_extent(handle_t *handle, struct inode *inode,
			   struct ext4_ext_path **ppath,
			   struct ext4_extent *newext, int gb_flags);
ext4_lblk_t ext4_ext_next_allocated_block(struct ext4_ext_path *path);

int ext4_split_extent_at(handle_t *handle, struct inode *inode,
			 struct ext4_ext_path **ppath, ext4_lblk_t split,
			 int split_flag, int flags);
int ext4_split_extent(handle_t *handle, struct inode *inode,
		      struct ext4_ext_path **ppath,
		      struct ext4_map_blocks *map, int split_flag, int flags);

/* Opens (or nests) its own handle, as in the kernel. */
int ext4_ext_remove_space(struct inode *inode, ext4_lblk_t start,
			  ext4_lblk_t end);
/* Sets i_disksize, purges the es cache beyond i_size and removes the
 * blocks there (i_data_sem held for write by the caller). */
void ext4_ext_truncate(handle_t *handle, struct inode *inode);

int ext4_ext_shift_extents(struct inode *inode, handle_t *handle,
			   ext4_lblk_t start, ext4_lblk_t shift,
			   enum SHIFT_DIRECTION SHIFT);

/* Returns the number of blocks mapped (> 0), 0 for a hole without CREATE,
 * or -errno.  Does not touch the es cache for the mapped result: that is
 * ext4_map_blocks()' job (fs/ext4/inode.c), as in the kernel. */
int ext4_ext_map_blocks(handle_t *handle, struct inode *inode,
			struct ext4_map_blocks *map, int flags);

/* Credit estimates (kernel: extents.c). */
int ext4_ext_index_trans_blocks(struct inode *inode, int extents);
int ext4_ext_calc_credits_for_single_extent(struct inode *inode, int nrblocks,
					    struct ext4_ext_path *path);

/* Node capacities for this inode's block size (the kernel's
 * ext4_ext_space_{root,root_idx,block,block_idx}, without AGGRESSIVE_TEST). */
int ext4_ext_space_root(struct inode *inode);
int ext4_ext_space_block(struct inode *inode);
int ext4_ext_max_entries(struct inode *inode, int depth);

/* ext4_convert_unwritten_extents (extents_convert.c) goes through
 * ext4_map_blocks, which lives in fs/ext4/inode.c with the kernel paths. */
int ext4_map_blocks(handle_t *handle, struct inode *inode,
		    struct ext4_map_blocks *map, int flags);
/* ext4_issue_zeroout (fs/ext4/inode.c): zeroes over [pblk, pblk + len),
 * file blocks lblk.., written to the disk and waited for. */
int ext4_issue_zeroout(struct inode *inode, ext4_lblk_t lblk,
		       ext4_fsblk_t pblk, ext4_lblk_t len);
int ext4_convert_unwritten_extents(handle_t *handle, struct inode *inode,
				   loff_t offset, ssize_t len);

/* ---- model checks (extents_check.c) -----------------------------------------------
 * ext4_sim_ext_check_tree walks the whole tree and verifies what the
 * kernel's checks verify per node (magic, depth, eh_max, entries, legal
 * lengths, checksum) plus what only a full walk can: entries sorted and
 * non-overlapping across nodes, each index key equal to its child's first
 * key, every node block owned NODE(ino) on the disk.  On failure it writes
 * a one-line reason to why and returns -EFSCORRUPTED. */
#define EFSCORRUPTED EUCLEAN
#define EFSBADCRC EBADMSG

struct ext4_sim_ext_census {
	unsigned long extents;       /* leaf entries */
	unsigned long nodes;         /* node blocks (root excluded) */
	unsigned long blocks;        /* data blocks mapped */
	unsigned int depth;
};

/* flags: also check that every mapped block is owned DATA(ino, lblk)
 * (costs one owner lookup per mapped block). */
#define EXT4_SIM_CHECK_DATA_OWNERS 0x1

int ext4_sim_ext_check_tree(struct inode *inode, unsigned int flags,
			    struct ext4_sim_ext_census *census,
			    char *why, size_t whylen);
/* The last corruption __ext4_ext_check reported on this thread
 * (diagnostics; the kernel logs it with ext4_error_inode). */
const char *ext4_sim_ext_last_error(void);
/* Calls fn for every node block of the tree (for ownership audits). */
int ext4_sim_ext_for_each_node(struct inode *inode,
			       void (*fn)(void *ctx, ext4_fsblk_t blk, int depth),
			       void *ctx);
/* Calls fn for every leaf extent in logical order. */
int ext4_sim_ext_for_each_extent(struct inode *inode,
				 void (*fn)(void *ctx, const struct ext4_extent *ex),
				 void *ctx);
/* The extent of v[0..n) (in logical order, as for_each_extent gives them)
 * covering lblk, or NULL: for audits that collected a tree once. */
static inline const struct ext4_extent *
ext4_sim_ext_array_find(const struct ext4_extent *v, size_t n, uint32_t lblk)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		uint32_t s = le32_to_cpu(v[mid].ee_block);

		if (s + (uint32_t)ext4_ext_get_actual_len(&v[mid]) <= lblk)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && le32_to_cpu(v[lo].ee_block) <= lblk ? &v[lo] : NULL;
}

/* Every WRITTEN/UNWRITTEN/HOLE entry of the es cache agrees with the tree. */
int ext4_sim_es_check_against_tree(struct inode *inode, char *why,
				   size_t whylen);

#endif /* FS_EXT4_EXTENTS_H */
