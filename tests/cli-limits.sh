#!/bin/sh
# Values the option table accepts on the ext4 model (TAP): each one runs
# to the end (exit 0) or is refused up front with one line naming file,
# line, section and key (exit 2) — never an abort, a hang or a model
# error (issue 11).  Short runs: one replica, a few ms of simulated time.
src=${FAULTLINE_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
bld=${FAULTLINE_BUILDDIR:-$src}
sim="$bld/sim/sim"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/faultline-limits-XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
n=0
result() { # desc status
	n=$((n + 1))
	if [ "$2" = 0 ]; then echo "ok $n - $1"; else echo "not ok $n - $1"; fi
}
# expect_error DESC REGEX ARGS...: exit 2, one line on stderr matching REGEX
expect_error() {
	desc=$1 re=$2; shift 2
	err=$("$sim" "$@" 2>&1 >/dev/null); rc=$?
	lines=$(printf '%s\n' "$err" | wc -l)
	if [ "$rc" = 2 ] && [ "$lines" = 1 ] && printf '%s' "$err" | grep -Eq -- "$re"; then
		result "$desc" 0
	else
		result "$desc" 1
		printf '# rc=%s lines=%s: %s\n' "$rc" "$lines" "$err"
	fi
}
# expect_run DESC ARGS...: exit 0 within the time limit, nothing on stderr
expect_run() {
	desc=$1; shift
	err=$(timeout 120 "$sim" -q -j1 -r 1 --seed 1 "$@" -o "$tmp/out.json" 2>&1 >/dev/null); rc=$?
	if [ "$rc" = 0 ] && [ -z "$err" ]; then
		result "$desc" 0
	else
		result "$desc" 1
		printf '# rc=%s: %s\n' "$rc" "$err"
	fi
}

# Every op on a small file system, shared and private mappings.
cat > "$tmp/all.cfg" <<'CFG'
[global]
strategies = lockless, i_mmap_sem, invalidate_lock
duration = 2ms
fs_size = 64M
journal_size = 4M

[f]
type = file
size = 512K
layout = sparse:0.5

[all]
file = f
numjobs = 2
ops = mmap_read, mmap_write, read, write, readahead, dio_read, dio_write, punch_hole, zero_range, collapse_range, insert_range, fallocate, truncate, fsync, madvise_dontneed
len = uniform:1-64K
think = exp:1us

[private]
file = f
mmap = private
ops = mmap_read, mmap_write
CFG

# ---- finding 2: block sizes above the page size never mount (set_blocksize)
expect_error "blocksize 8K is out of range" "^sim: --set global.blocksize: 8K is out of range 1K\.\.4K" --set global.blocksize=8K "$tmp/all.cfg"
expect_error "blocksize 64K is out of range" "out of range 1K\.\.4K" --set global.blocksize=64K "$tmp/all.cfg"
"$sim" --help-config | grep -q "blocksize .*1K\.\.4K .*PAGE_SIZE"
result "--help-config gives the blocksize range and its reason" $?
for bs in 1K 2K 4K; do
	expect_run "blocksize $bs runs every op" --set global.blocksize=$bs "$tmp/all.cfg"
done

# ---- finding 3: ops back to back (think = fixed:0) let time advance
cat > "$tmp/tight.cfg" <<'CFG'
[global]
strategies = lockless, invalidate_lock
duration = 200us

[data]
type = file
size = 1M

[w]
file = data
numjobs = 2
ops = mmap_write
think = fixed:0
CFG
expect_run "think = fixed:0, mapped stores only" "$tmp/tight.cfg"
expect_run "think = fixed:0, every op" --set all.think=fixed:0 --set private.think=fixed:0 "$tmp/all.cfg"
expect_run "think = fixed:0 with every cost zero" --set w.ops=mmap_read,read,fsync \
	$(for c in syscall_entry fault_entry page_cache_lookup page_cache_insert \
		page_zero page_copy pte_install pte_zap extent_lookup_level \
		extent_modify es_lookup block_alloc journal_handle bio_submit \
		user_fault_in writeback_page; do printf -- '--set costs.%s=0 ' $c; done) \
	"$tmp/tight.cfg"
# once every page is mapped, a turn costs the copy of its bytes (page_copy
# pro rata: 400 ns for 4K), or one CPU cycle (1 ns) when copies are free
"$sim" -q -j1 -r 1 --seed 1 -s lockless --duration 2ms --set w.numjobs=1 \
	--set costs.page_copy=0 -o "$tmp/tight.json" "$tmp/tight.cfg" &&
	[ "$(jq '.strategies[0].ops.mmap_write.count' "$tmp/tight.json")" -gt 100000 ] &&
	"$sim" -q -j1 -r 1 --seed 1 -s lockless --duration 2ms --set w.numjobs=1 \
	-o "$tmp/tight.json" "$tmp/tight.cfg" &&
	[ "$(jq '.strategies[0].ops.mmap_write.count' "$tmp/tight.json")" -gt 2000 ]
result "think = fixed:0 issues ops back to back" $?

# ---- finding 5: 4096 tasks queued on the page locks of a 16K file; the
# wait-for graph costs O(1) per block (it was O(queue) edges, each expanded
# in O(queue): minutes per simulated millisecond)
cat > "$tmp/crowd.cfg" <<'CFG'
[global]
strategies = lockless, i_mmap_sem
duration = 200us

[data]
type = file
size = 16K

[crowd]
file = data
numjobs = 4096
ops = mmap_read:50, mmap_write:50
CFG
t0=$(date +%s)
expect_run "numjobs = 4096 on four pages" "$tmp/crowd.cfg"
t1=$(date +%s)
[ $((t1 - t0)) -lt 60 ]
result "numjobs = 4096 on four pages takes under a minute ($((t1 - t0)) s)" $?

# ---- errors that help: one line, the key, the constraint, the values
expect_error "journal too small names the key, the constraint, the values" \
	"^sim: --set global.journal_size: cannot mount: journal_size 1M is 256 blocks of 4K; jbd2 needs at least 1024 blocks \(4M\)$" \
	--set global.journal_size=1M "$tmp/all.cfg"
expect_error "1K blocks with the default journal point at --set blocksize" \
	"^sim: --set global.blocksize: cannot mount: journal_size 64M is 65536 blocks of 1K; without flex_bg the journal fits in one block group: at most [0-9]+ blocks" \
	--set global.blocksize=1K "$tmp/tight.cfg"
sed 's/^journal_size = 4M$/journal_size = 2M/' "$tmp/all.cfg" > "$tmp/journal.cfg"
expect_error "a journal_size in the file points at its line" \
	"journal.cfg:5: \[global\] journal_size: cannot mount: journal_size 2M is 512 blocks of 4K" \
	"$tmp/journal.cfg"
expect_error "dax with 1K blocks" \
	"^sim: --set global.blocksize: cannot mount: dax needs blocksize = the page size \(4K\), blocksize is 1K" \
	--set global.mount=dax --set global.blocksize=1K "$tmp/all.cfg"
expect_error "blocks_per_group above 8 x blocksize" \
	"^sim: --set global.blocks_per_group: cannot mount: blocks_per_group 16384: .* 8192 with 1K blocks" \
	--set global.blocksize=1K --set global.blocks_per_group=16384 "$tmp/all.cfg"
sed 's/^layout = sparse:0.5$/layout = fragmented:100000/' "$tmp/all.cfg" > "$tmp/frag.cfg"
expect_error "fragmented:N past the file's blocks has file:line" \
	"frag.cfg:10: \[f\] layout: fragmented:100000: more extents than the file has blocks \(128 " \
	"$tmp/frag.cfg"
sed 's/^strategies = .*/strategies =/' "$tmp/all.cfg" > "$tmp/nostrat.cfg"
expect_error "an empty strategies = has file:line" \
	"nostrat.cfg:2: \[global\] strategies: empty: no strategy to run" \
	"$tmp/nostrat.cfg"
# fsx logs: past the file's size, or nothing to replay
printf 'write 0x0 0x1000 0x0\ntruncate 0x0 0x200000 0x1000\nmapread 0x180000 0x100 0x200000\n' > "$tmp/past.fsxops"
: > "$tmp/empty.fsxops"
printf 'skip write 0x0 0x10 0x0\n' > "$tmp/skipped.fsxops"
for log in past empty skipped; do
	cat > "$tmp/$log.cfg" <<CFG
[global]
duration = 1ms

[data]
type = file
size = 1M

[fsx]
file = data
ops_file = $log.fsxops
CFG
done
expect_error "an fsx log past the file's size" \
	"past.cfg:10: \[fsx\] ops_file: .*past.fsxops:2: 'truncate 0x0 0x200000 0x1000' reaches 0x200000, past \[data\] size 0x100000" \
	"$tmp/past.cfg"
expect_error "an empty fsx log" "empty.cfg:10: \[fsx\] ops_file: .*empty.fsxops: no op in it: nothing to replay" "$tmp/empty.cfg"
expect_error "an fsx log of skipped ops" "skipped.cfg:10: \[fsx\] ops_file: .*every op is marked skipped" "$tmp/skipped.cfg"
sed 's/^size = 1M$/size = 2M/' "$tmp/past.cfg" > "$tmp/past2M.cfg"
expect_run "the same log within a 2M file" "$tmp/past2M.cfg"

# Workloads that once tripped a sanitizer (fuzz/regress/, also run by the
# fuzz smoke against the clang build): here under whatever build this is,
# the CI's gcc ASan+UBSan one included.
for cfg in "$src"/fuzz/regress/*.cfg; do
	expect_run "fuzz/regress/${cfg##*/}" -r 2 --duration 50us "$cfg"
done

echo "1..$n"
