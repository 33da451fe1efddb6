#!/bin/sh
# The regression scenarios' disks judged by e2fsck and the kernel (TAP).
# Every workloads/regress/*.cfg runs replica 0 of each of its strategies
# with sim --image: after a clean unmount e2fsck finds an image corrupt
# exactly when the model's own fsck finds a hard problem on the disk it
# exported; i_mmap_sem and invalidate_lock images are e2fsck-clean and
# read back as the oracle says (with blocks smaller than a page, v4.4
# loses mapped stores into a partially punched page, which the safe
# designs do not change: a difference there is printed, not failed —
# docs/judge.md).  Then the e2fsck>N / e2fsck=N terms of the headers'
# expect lines run with the header's replicas (tests/fs/test-regress
# checks the other terms).
src=${FAULTLINE_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
bld=${FAULTLINE_BUILDDIR:-$src}
sim="$bld/sim/sim"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/faultline-regress-images-XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
export PATH="$PATH:/usr/sbin:/sbin"
scen=$(ls "$src"/workloads/regress/*.cfg)
nterms=$(grep -h '^; expect ' $scen | grep -o 'e2fsck[>=][0-9]*' | wc -l)
echo "1..$(($(echo "$scen" | wc -l) + nterms))"
n=0
result() { # desc status
	n=$((n + 1))
	if [ "$2" = 0 ]; then echo "ok $n - $1"; else echo "not ok $n - $1"; fi
}

for f in $scen; do
	name=$(basename "$f" .cfg)
	d="$tmp/$name"
	ok=0
	"$sim" -q -j2 -r 1 --image "$d" -o "$d.json" "$f" > "$d.log" 2>&1 ||
		{ ok=1; sed 's/^/# /' "$d.log"; }
	bs=$(jq -r '.config.global.blocksize' "$d.json" 2>/dev/null)
	# clean unmount: e2fsck corrupt <=> the model's fsck on that disk
	bad=$(jq -r '.strategies[] | .name as $s | .replica_results[] |
		select(.image.clean_unmount) |
		select(((.image.e2fsck.status / 4 | floor) % 2 == 1) != (.image.model_fsck.count > 0)) |
		"\($s) replica \(.replica): e2fsck exit \(.image.e2fsck.status), the model finds \(.image.model_fsck.count)"' "$d.json")
	[ -z "$bad" ] || { ok=1; echo "$bad" | sed 's/^/# /'; }
	bad=$(jq -r '.strategies[] | select(.name == "i_mmap_sem" or .name == "invalidate_lock") |
		.name as $s | .replica_results[] | select(.image.e2fsck.status != 0) |
		"\($s) replica \(.replica): e2fsck exit \(.image.e2fsck.status)"' "$d.json")
	[ -z "$bad" ] || { ok=1; echo "$bad" | sed 's/^/# /'; }
	diff=$(jq -r '.strategies[] | select(.name == "i_mmap_sem" or .name == "invalidate_lock") |
		.name as $s | .replica_results[] |
		select(.image.readback.via == null or .image.readback.bytes_differ != 0) |
		"\($s) replica \(.replica): read back \(.image.readback.via): \(.image.readback.bytes_differ) bytes differ, \(.image.readback.first_diff.what // .image.readback.note)"' "$d.json")
	if [ -n "$diff" ] && [ "$bs" -ge 4096 ] 2>/dev/null; then
		ok=1
		echo "$diff" | sed 's/^/# /'
	elif [ -n "$diff" ]; then
		echo "$diff" | sed "s/^/# note (blocksize $bs): /"
	fi
	result "$name: images judged by e2fsck as by the model's fsck; safe strategies clean" $ok
done

# e2fsck terms, with the header's replicas
for f in $scen; do
	name=$(basename "$f" .cfg)
	grep '^; expect ' "$f" | while read -r _ _ strat terms; do
		strat=${strat%:}
		for t in $terms; do
			case $t in e2fsck[\>=]*) ;; *) continue ;; esac
			op=$(printf '%s' "$t" | cut -c7)
			want=${t#e2fsck?}
			d="$tmp/$name-$strat"
			"$sim" -q -j2 -s "$strat" --image "$d" -o "$d.json" "$f" > "$d.log" 2>&1
			got=$(jq '[.strategies[0].replica_results[].image.e2fsck.status |
				select(. > 0 and (. / 4 | floor) % 2 == 1)] | length' "$d.json")
			if [ "$op" = ">" ]; then [ "$got" -gt "$want" ]; else [ "$got" -eq "$want" ]; fi
			st=$?
			echo "# $name $strat: $got corrupt images"
			n=$((n + 1))
			if [ $st = 0 ]; then echo "ok $n - $name $strat: $t"; else echo "not ok $n - $name $strat: $t (got $got)"; fi
		done
	done
	n=$((n + $(grep '^; expect ' "$f" | grep -o 'e2fsck[>=][0-9]*' | wc -l)))
done
