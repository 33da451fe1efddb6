#!/usr/bin/env python3
# judge/render-expect.py — the bytes a file of an exported image must hold,
# from its NAME.expect and the stamp byte function (docs/judge.md):
#
#   judge/render-expect.py DIR/JOB.expect FILE > FILE.want
#   mount -o loop,ro,noload DIR/JOB.img /mnt && cmp FILE.want /mnt/FILE
#
# Bytes where the oracle allows more than one value ("?" runs) are
# rendered as zeros and listed on stderr; exit 1 if there are any.
import sys


def record(stamp, rec_off):
    return b"%07x:%07x\n" % (stamp % (1 << 28), rec_off % (1 << 28))


def render(stamp, origin, length):
    """Bytes [origin, origin + length) of the write with this stamp."""
    if stamp == 0:
        return bytes(length)
    out = bytearray()
    o = origin
    while len(out) < length:
        r = o - o % 16
        rec = record(stamp, r)
        take = rec[o - r:][: length - len(out)]
        out += take
        o += len(take)
    return bytes(out)


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: render-expect.py JOB.expect FILE")
    path, name = sys.argv[1], sys.argv[2]
    cur = None
    out = bytearray()
    unknown = 0
    with open(path) as f:
        for n, line in enumerate(f, 1):
            w = line.split()
            if not w or w[0].startswith("#"):
                continue
            if w[0] == "file":
                cur = w[1]
                continue
            if cur != name:
                continue
            off, length = int(w[0], 0), int(w[1], 0)
            if len(out) != off:
                sys.exit("%s:%d: runs out of order" % (path, n))
            if w[2] == "?":
                unknown += length
                out += bytes(length)
            else:
                out += render(int(w[2], 0), int(w[3], 0), length)
    if cur is None and not out:
        sys.exit("%s: no file %s" % (path, name))
    sys.stdout.buffer.write(out)
    if unknown:
        sys.stderr.write("%s: %d bytes have more than one legal value\n"
                         % (name, unknown))
        sys.exit(1)


main()
