#!/bin/sh
# sim --image (TAP): every job's disk exported as an ext4 image that the
# real tools accept.  On workloads/regress/writeback-node-fsck.cfg (4
# replicas): one sparse image per job with .expect and .stamps beside it;
# e2fsck -fn (run here, not trusted from the results) passes every
# i_mmap_sem and invalidate_lock image and fails exactly the i_data_sem
# images whose disk the model's own fsck finds a clobbered extent-tree node
# on, at the same blocks; the kernel reads the safe strategies' files back
# as the oracle says, and as judge/render-expect.py (the documented stamp
# function) predicts, byte for byte, while a byte changed behind the
# model's back is caught; --replay exports one job; without a mount the
# read-back goes through debugfs and says so.  Where this machine cannot
# loop-mount, the tests that need it say so and are skipped.
src=${FAULTLINE_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
bld=${FAULTLINE_BUILDDIR:-$src}
sim="$bld/sim/sim"
cfg="$src/workloads/regress/writeback-node-fsck.cfg"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/faultline-image-test-XXXXXX") || exit 1
mnt=
cleanup() {
	[ -n "$mnt" ] && umount "$mnt" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
export PATH="$PATH:/usr/sbin:/sbin"
n=0
echo "1..13"
result() { # desc status [skip-reason]
	n=$((n + 1))
	if [ -n "$3" ]; then echo "ok $n - $1 # SKIP $3"
	elif [ "$2" = 0 ]; then echo "ok $n - $1"
	else echo "not ok $n - $1"; fi
}
canmount=
if [ "$(id -u)" != 0 ]; then canmount="not root"
elif [ ! -w /dev/loop-control ]; then canmount="no /dev/loop-control"
fi
[ -n "$canmount" ] && echo "# cannot loop-mount here ($canmount): the kernel's read-back is skipped, debugfs reads the images"

out="$tmp/img"
"$sim" -j2 -r 4 -s i_data_sem,i_mmap_sem,invalidate_lock \
	--image "$out" -o "$tmp/r.json" "$cfg" > "$tmp/log" 2>&1
rc=$?
result "sim --image runs (exit 0)" $rc
[ $rc = 0 ] || sed 's/^/# /' "$tmp/log"

ok=0
for s in i_data_sem i_mmap_sem invalidate_lock; do
	for r in 0 1 2 3; do
		for ext in img expect stamps; do
			[ -s "$out/$s-r$r.$ext" ] || { ok=1; echo "# missing $s-r$r.$ext"; }
		done
	done
done
[ "$(ls "$out"/*.img | wc -l)" = 12 ] || ok=1
result "one image (and .expect, .stamps) per job, named <strategy>-r<replica>" $ok

img="$out/invalidate_lock-r0.img"
used=$(du -k "$img" | cut -f1)
size=$(($(stat -c %s "$img") / 1024))
# the lazily initialised journal (1 MiB) and the free blocks are holes
[ "$used" -lt $((size - 1024)) ]
result "images are sparse ($used KiB of $size KiB)" $?

ok=0
for f in "$out"/i_mmap_sem-*.img "$out"/invalidate_lock-*.img; do
	e2fsck -fn "$f" > "$tmp/e2" 2>&1 || { ok=1; echo "# $f:"; sed 's/^/#   /' "$tmp/e2"; }
done
result "e2fsck -fn passes every i_mmap_sem and invalidate_lock image" $ok

# i_data_sem: e2fsck fails an image iff the model's fsck, on the disk it
# exported, finds a clobbered extent-tree node there — at the same blocks
ok=0 corrupt=0 clean=0
for r in 0 1 2 3; do
	f="$out/i_data_sem-r$r.img"
	e2fsck -fn "$f" > "$tmp/e2" 2>&1; st=$?
	e2blocks=$(sed -n 's/.*has an invalid extent node (blk \([0-9]*\),.*/\1/p' "$tmp/e2" | sort -n | tr '\n' ' ')
	model=$(jq -r --argjson r $r '.strategies[] | select(.name == "i_data_sem") | .replica_results[] | select(.replica == $r) | .image.model_fsck.findings // ""' "$tmp/r.json")
	mblocks=$(printf '%s\n' "$model" | sed -n 's/^fsck: clobber: pblk \([0-9]*\) (extent-node.*/\1/p' | sort -n | tr '\n' ' ')
	if [ -n "$mblocks" ]; then
		corrupt=$((corrupt + 1))
		[ $((st & 4)) = 4 ] && [ "$e2blocks" = "$mblocks" ] ||
			{ ok=1; echo "# replica $r: model clobbered nodes '$mblocks', e2fsck exit $st, invalid nodes '$e2blocks'"; }
	else
		clean=$((clean + 1))
		[ $st = 0 ] || { ok=1; echo "# replica $r: the model finds no clobbered node, e2fsck exits $st"; }
	fi
done
echo "# i_data_sem: $corrupt images with clobbered nodes, $clean without"
[ $corrupt -gt 0 ] && [ $clean -gt 0 ] || ok=1
result "e2fsck fails exactly the i_data_sem images with the model's clobbered nodes, at the same blocks" $ok

jq -e '[.strategies[] | select(.name == "i_data_sem") | .replica_results[] |
	(.image.e2fsck.status != 0) == (.violations.e2fsck == 1)] | all' "$tmp/r.json" > /dev/null
result "violation kind e2fsck counts the corrupt images" $?

grep -A30 "^== invalidate_lock" "$tmp/log" | grep -q "^  e2fsck clean 4/4; read back" &&
	grep -A30 "^== i_data_sem" "$tmp/log" | grep -Eq "^  e2fsck clean $clean/4"
result "the summary says e2fsck clean k/n per strategy" $?

if [ -n "$canmount" ]; then
	for d in "the kernel reads the safe strategies' files back as the oracle says" \
		 "cmp against the documented stamp function" \
		 "a byte changed in an image is caught"; do
		result "$d" 0 "cannot loop-mount ($canmount)"
	done
else
	jq -e '[.strategies[] | select(.name != "i_data_sem") | .replica_results[].image.readback |
		.via == "kernel" and .bytes_differ == 0 and .bytes_compared > 0] | all' "$tmp/r.json" > /dev/null
	result "the kernel reads the safe strategies' files back as the oracle says" $?

	mnt="$tmp/mnt"; mkdir "$mnt"
	ok=0
	mount -o loop,ro,noload "$img" "$mnt" || ok=1
	for file in data tree c1; do
		python3 "$src/judge/render-expect.py" "$out/invalidate_lock-r0.expect" $file > "$tmp/want" &&
			cmp "$tmp/want" "$mnt/$file" || { ok=1; echo "# $file differs"; }
	done
	umount "$mnt"
	result "cmp against the documented stamp function" $ok

	# a byte of data's first block changed behind the model's back
	cp --sparse=always "$img" "$tmp/bad.img"
	pblk=0 l=0
	while [ "$pblk" = 0 ] && [ $l -lt 128 ]; do
		pblk=$(debugfs -R "bmap /data $l" "$tmp/bad.img" 2>/dev/null)
		l=$((l + 1))
	done
	echo "# changing a byte of /data's block $pblk"
	printf '\377' | dd of="$tmp/bad.img" bs=1 seek=$((pblk * 1024 + 7)) conv=notrunc 2>/dev/null
	mount -o loop,ro,noload "$tmp/bad.img" "$mnt" &&
		! python3 "$src/judge/render-expect.py" "$out/invalidate_lock-r0.expect" data |
		cmp -s - "$mnt/data" 2>/dev/null
	st=$?
	umount "$mnt"
	result "a byte changed in an image is caught" $st
fi

rm -rf "$tmp/one"
"$sim" -q --replay 1:2 -s i_data_sem,invalidate_lock -r 4 --image "$tmp/one" "$cfg" > "$tmp/log2" 2>&1 &&
	[ "$(ls "$tmp/one"/*.img | wc -l)" = 1 ] && [ -s "$tmp/one/i_data_sem-r2.img" ] &&
	grep -q "image $tmp/one/i_data_sem-r2.img: e2fsck" "$tmp/log2"
result "--replay SEED:JOB exports just that job" $?

rm -rf "$tmp/nomount"
FAULTLINE_JUDGE_NO_MOUNT=1 "$sim" -r 1 -s invalidate_lock --image "$tmp/nomount" \
	-o "$tmp/nm.json" "$cfg" > "$tmp/log3" 2>&1
grep -q "cannot loop-mount here (FAULTLINE_JUDGE_NO_MOUNT is set): the images are read back with debugfs" "$tmp/log3" &&
	jq -e '.strategies[0].replica_results[0].image.readback |
		.via == "debugfs" and .bytes_differ == 0 and .bytes_compared > 0 and
		(.note | test("cannot loop-mount here"))' "$tmp/nm.json" > /dev/null
result "without a mount debugfs reads the images back, and the results say so" $?

err=$("$sim" --image "$tmp/x" --shard 1/2 -o "$tmp/s.json" "$cfg" 2>&1 >/dev/null); rc=$?
[ $rc = 2 ] && [ "$(printf '%s\n' "$err" | wc -l)" = 1 ] && printf '%s' "$err" | grep -q -- "--image and --shard"
result "--image with --shard: exit 2, one line" $?
