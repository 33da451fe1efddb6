#!/bin/sh
# [strategy NAME] sections (TAP; docs/strategies.md): every built-in's
# section, as --list-strategies --verbose prints it, renamed and run from a
# workload file, gives byte-identical per-strategy results (JSON minus the
# name, and the file name in replay lines) to the built-in on scenarios that reach every path (fsx-race: reads,
# mapped IO, punch, zero, collapse, insert, truncate; punch-write-fault-dax:
# the DAX handlers); leaving faults and page_mkwrite unlocked is found
# unsafe; nonsense
# is refused with one line naming file:line, section and key (exit 2).
src=${FAULTLINE_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
bld=${FAULTLINE_BUILDDIR:-$src}
sim="$bld/sim/sim"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/faultline-sections-XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
n=0
result() { # desc status
	n=$((n + 1))
	if [ "$2" = 0 ]; then echo "ok $n - $1"; else echo "not ok $n - $1"; fi
}
command -v jq >/dev/null || { echo "1..0 # SKIP jq not installed"; exit 0; }

# section NAME NEWNAME: the built-in's section, renamed
section() {
	"$sim" --list-strategies --verbose |
		awk -v want="[strategy $1]" -v new="[strategy $2]" '
			$0 == want { on = 1; print new; next }
			on && /^\[|^;|^$/ { on = 0 }
			on { print }'
}
# scenario FILE NAME: FILE with strategies = NAME
scenario() {
	sed "s/^strategies = .*/strategies = $2/" "$src/workloads/regress/$1.cfg"
}
perstrat='[.strategies[] | del(.name)]'

for b in $("$sim" --list-strategies | awk '{print $1}'); do
	for sc in fsx-race punch-write-fault-dax; do
		{ scenario $sc mine; section "$b" mine; } > "$tmp/mine.cfg"
		"$sim" -q -j2 -r 2 --duration 5ms --seed 1 -o "$tmp/a.json" \
			"$tmp/mine.cfg" 2>"$tmp/err" &&
		"$sim" -q -j2 -r 2 --duration 5ms --seed 1 -s "$b" -o "$tmp/b.json" \
			"$src/workloads/regress/$sc.cfg" 2>>"$tmp/err" &&
		jq -S "$perstrat" "$tmp/a.json" |
			sed "s|$tmp/mine.cfg|FILE|g" > "$tmp/a.norm" &&
		jq -S "$perstrat" "$tmp/b.json" |
			sed "s|$src/workloads/regress/$sc.cfg|FILE|g" > "$tmp/b.norm" &&
		cmp -s "$tmp/a.norm" "$tmp/b.norm"
		rc=$?
		result "$b as a section: same results on $sc" $rc
		[ $rc = 0 ] || sed 's/^/# /' "$tmp/err"
	done
done

# i_mmap_sem with faults and page_mkwrite left out of the shared side:
# the regression scenario finds it (docs/strategies.md's second example).
{ scenario punch-write-fault nofaults; section i_mmap_sem nofaults |
	sed 's/^shared = .*/shared = dax/'; } > "$tmp/nofaults.cfg"
"$sim" -q -j2 --seed 1 -o "$tmp/c.json" "$tmp/nofaults.cfg" 2>/dev/null
v=$(jq '.strategies[0].violations.total' "$tmp/c.json" 2>/dev/null)
[ "${v:-0}" -gt 0 ]
result "faults and page_mkwrite unlocked: violations on punch-write-fault ($v)" $?

# v5.15 order with punch left out of the exclusive side: punch runs
# unlocked (no model error) and the scenario finds the window.
{ scenario punch-write-fault nopunch; section invalidate_lock nopunch |
	sed 's/^exclusive = .*/exclusive = zero, collapse_insert, truncate/'; } \
	> "$tmp/nopunch.cfg"
"$sim" -q -j2 -r 2 --seed 1 -o "$tmp/d.json" "$tmp/nopunch.cfg" 2>/dev/null
jq -e '(.model_errors | length) == 0 and .strategies[0].violations.total > 0' \
	"$tmp/d.json" >/dev/null
result "punch unlocked in the v5.15 order: runs, violations found" $?

# expect_error DESC REGEX SECTION-TEXT
expect_error() {
	{ scenario punch-write-fault x; printf "$3"; } > "$tmp/bad.cfg"
	err=$("$sim" -q --duration 1ms -o "$tmp/bad.json" "$tmp/bad.cfg" 2>&1 >/dev/null)
	rc=$?
	lines=$(printf '%s\n' "$err" | wc -l)
	if [ "$rc" = 2 ] && [ "$lines" = 1 ] && [ ! -e "$tmp/bad.json" ] &&
	   printf '%s' "$err" | grep -Eq -- "$2"; then
		result "$1" 0
	else
		result "$1" 1
		printf '# rc=%s lines=%s: %s\n' "$rc" "$lines" "$err"
	fi
}
expect_error "an unknown part" \
	'bad\.cfg:[0-9]+: \[strategy x\] shared: .bogus. is not one of' \
	'[strategy x]\norder = v4.5\nlock = rwsem\nrwsem = i_mmap_sem\nshared = faults, bogus\n'
expect_error "an unknown order" \
	'bad\.cfg:[0-9]+: \[strategy x\] order: ' \
	'[strategy x]\norder = v6.1\n'
expect_error "a switch the step order cannot honour" \
	'bad\.cfg:[0-9]+: \[strategy x\] fault_fast_path: .*order = v4.5' \
	'[strategy x]\norder = v4.5\nlock = rwsem\nrwsem = i_mmap_sem\nfault_fast_path = yes\n'
expect_error "reads outside the v5.15 order" \
	'bad\.cfg:[0-9]+: \[strategy x\] shared: reads' \
	'[strategy x]\norder = v4.4.1\nlock = range\nshared = faults, reads\n'
expect_error "paths without a lock" \
	'bad\.cfg:[0-9]+: \[strategy x\] exclusive: lock = none' \
	'[strategy x]\norder = v5.15\nexclusive = punch\n'
expect_error "an rwsem lock without its rwsem" \
	'bad\.cfg:[0-9]+: \[strategy x\] lock: lock = rwsem needs' \
	'[strategy x]\norder = v5.15\nlock = rwsem\n'
expect_error "an i_data_sem switch on another lock" \
	'bad\.cfg:[0-9]+: \[strategy x\] fault_holds_data_sem: ' \
	'[strategy x]\norder = v4.5\nlock = rwsem\nrwsem = i_mmap_sem\nfault_holds_data_sem = yes\n'
expect_error "a strategy no section defines" \
	'bad\.cfg:[0-9]+: \[global\] strategies: unknown strategy .x.' \
	'[strategy y]\norder = v4.5\n'
echo "1..$n"
