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
# once every page is mapped, a turn costs one CPU cycle (1 ns)
"$sim" -q -j1 -r 1 --seed 1 -s lockless --duration 2ms --set w.numjobs=1 \
	-o "$tmp/tight.json" "$tmp/tight.cfg" &&
	[ "$(jq '.strategies[0].ops.mmap_write.count' "$tmp/tight.json")" -gt 100000 ]
result "think = fixed:0 issues ops back to back" $?

echo "1..$n"
