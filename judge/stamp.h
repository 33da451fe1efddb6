/* judge/stamp.h — the bytes a stamp stands for when the model's contents
 * leave the model: on an exported image (judge/image.c), in a kcheck replay
 * on the real kernel (judge/kcheck.c), and in the read-back comparison
 * (judge/readback.c).  Model-only: no kernel counterpart.
 *
 * Inside the model a byte is (stamp, origin): byte `origin` of the write
 * whose stamp is s (fs/contents.h), or zero.  Outside it is
 *
 *	byte(0, o) = 0
 *	byte(s, o) = R(s, o - o % 16)[o % 16]
 *	R(s, r)    = the 16 characters printf("%07x:%07x\n",
 *	                                      s % 2^28, r % 2^28)
 *
 * so each write is a run of 16-byte text records, each naming its write
 * and its own offset inside that write ("000002a:0001230\n": stamp 0x2a,
 * bytes 0x1230..0x123f of it).  Records are aligned to the write's first
 * byte, not to the file: a byte at the wrong offset (a shift by anything
 * but a multiple of 16 bytes, or by a multiple whose record names another
 * offset) reads as a different character or a record that names the wrong
 * place, and no write byte is ever 0, so zeros are never data.  `hexdump
 * -C` or `less` on a file shows which write each line came from; the stamp
 * table (what write #s was: op, inode, offset, length, time) is in the
 * job's explanation or the image's .stamps file.
 */
#ifndef JUDGE_STAMP_H
#define JUDGE_STAMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fs/block/contents.h"

#define JUDGE_STAMP_RECORD 16u

/* buf[0, len) = bytes [origin, origin + len) of stamp s (zeros for s 0). */
void judge_stamp_render(sim_stamp_t s, uint64_t origin, uint8_t *buf,
			size_t len);
/* buf[0, len) = the bytes contents c holds at [off, off + len). */
void judge_contents_render(const struct sim_contents *c, uint32_t off,
			   uint32_t len, uint8_t *buf);
/* The identity of buf[at], read from the record around it: true with
 * *s and *origin when a whole record encloses it, false for a zero byte
 * or bytes that are not a record (then *s = 0). */
bool judge_stamp_decode(const uint8_t *buf, size_t len, size_t at,
			sim_stamp_t *s, uint64_t *origin);
/* "zero", "stamp #42 byte 0x1234" or "0x5a (not a record)": what buf[at]
 * is, for difference tables. */
int judge_stamp_describe(const uint8_t *buf, size_t len, size_t at,
			 char *out, size_t outlen);

#endif /* JUDGE_STAMP_H */
