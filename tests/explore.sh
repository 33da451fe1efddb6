#!/bin/sh
# Schedule exploration and shrinking on sim/sim (TAP): the search finds the
# known races of workloads/regress/ within a bounded number of schedules
# at the files' seed (bounds: the schedule measured when this test was
# written, times four, at least 50); a search is the same for -j1 and -j2
# (results.json but for "host"); --replay of the first violating schedule
# prints the search's explanation byte for byte; the bound is stated when
# nothing is found; shrinking keeps the kind and the strategy, and the
# file it writes shows it when run on its own; bad keys and scripts are
# one-line errors.
src=${FAULTLINE_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
bld=${FAULTLINE_BUILDDIR:-$src}
sim="$bld/sim/sim"
reg="$src/workloads/regress"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/faultline-explore-XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
n=0
echo "1..29"
result() { # desc status
	n=$((n + 1))
	if [ "$2" = 0 ]; then echo "ok $n - $1"; else echo "not ok $n - $1"; fi
}
expect_error() { # desc regex program args...
	desc=$1 re=$2; shift 2
	err=$("$@" 2>&1 >/dev/null); rc=$?
	lines=$(printf '%s\n' "$err" | wc -l)
	if [ "$rc" = 2 ] && [ "$lines" = 1 ] && printf '%s' "$err" | grep -Eq -- "$re"; then
		result "$desc" 0
	else
		result "$desc" 1
		printf '# rc=%s lines=%s: %s\n' "$rc" "$lines" "$err"
	fi
}
nohost() { sed '/^  "host": {/,$d' "$1"; }
# first schedule of strategy 0 in an explore results.json ("" if none)
first() { jq -r '.exploration.strategies[0].first.schedule // ""' "$1"; }

# ---- the known races, within a bound -------------------------------------------------
search() { # name bound [duration [strategy]]: stop at the first
	"$sim" -q -j2 -s "${4:-lockless}" -r 1 --duration "${3:-1ms}" \
		--explore "$2" --explore-stop -o "$tmp/$1.json" "$reg/$1.cfg" \
		>/dev/null 2>&1
	s=$(first "$tmp/$1.json")
	if [ -n "$s" ]; then
		result "$1: ${4:-lockless} race found at schedule $s (bound $2)" 0
	else
		result "$1: ${4:-lockless} race found within $2 schedules" 1
	fi
}
search punch-write-fault 100
search zero-write-fault 50
search collapse-write-fault 50
search insert-write-fault 50
search fsx-race 50
search writeback-reused-node 50
search dax-rw-fault 50 1ms i_mmap_sem
# no plain replica of 16 shows this one (bench/bench-explore.py)
search writeback-free-block 100 20ms

# ---- determinism, replay -----------------------------------------------------------
run_explore() { # jobs out
	"$sim" -q "-j$1" -s lockless,i_mmap_sem -r 1 --duration 1ms \
		--explore 24 -o "$2" "$reg/punch-write-fault.cfg" >/dev/null 2>&1
}
run_explore 1 "$tmp/j1.json"
run_explore 2 "$tmp/j2.json"
if cmp -s "$(nohost "$tmp/j1.json" > "$tmp/j1.txt"; echo "$tmp/j1.txt")" \
	  "$(nohost "$tmp/j2.json" > "$tmp/j2.txt"; echo "$tmp/j2.txt")"; then
	result "the search is the same at -j1 and -j2" 0
else
	result "the search is the same at -j1 and -j2" 1
	diff "$tmp/j1.txt" "$tmp/j2.txt" | head -5 | sed 's/^/# /'
fi
grep -q '"exploration"' "$tmp/j1.txt"
result "results.json has the exploration" $?
jq -e '.exploration.strategies[1].schedules_run == 24' "$tmp/j1.json" >/dev/null
result "24 schedules run for i_mmap_sem" $?

key=$(jq -r '.exploration.strategies[0].first.replay // ""' "$tmp/punch-write-fault.json")
case $key in *:*:*) result "the first violation has a SEED:JOB:SCHEDULE key ($key)" 0 ;;
	*) result "the first violation has a SEED:JOB:SCHEDULE key" 1 ;; esac
jq -r '.exploration.strategies[0].first.explanation' "$tmp/punch-write-fault.json" \
	| sed '/^$/d; s/^/    /' > "$tmp/want.txt"
# shellcheck disable=SC2086
"$sim" -s lockless -r 1 --duration 1ms --replay $key "$reg/punch-write-fault.cfg" \
	> "$tmp/replay.txt" 2>&1
# the explanation, line for line, inside the replay's output
python3 - "$tmp/want.txt" "$tmp/replay.txt" <<'EOF'
import sys
want = open(sys.argv[1]).read().rstrip("\n").split("\n")
got = open(sys.argv[2]).read().split("\n")
for i in range(len(got) - len(want) + 1):
    if got[i:i + len(want)] == want:
        sys.exit(0)
sys.exit(1)
EOF
result "--replay $key prints the search's explanation byte for byte" $?
grep -q "delayed" "$tmp/want.txt"
result "the explanation shows the injected delay" $?

# ---- the bound when nothing is found -------------------------------------------------
"$sim" -j2 -s i_mmap_sem -r 1 --duration 1ms --explore 20 \
	"$reg/punch-write-fault.cfg" > "$tmp/bound.txt" 2>&1
grep -q "i_mmap_sem: 0 of 20 schedules with a violation: per-schedule violation probability <= 0.15 (3/20) at 95% confidence" "$tmp/bound.txt"
result "0 of N states the rule-of-three bound" $?
jq -e '.exploration.strategies[0].p95_bound == null' "$tmp/j1.json" >/dev/null &&
	jq -e '.exploration.strategies[1].p95_bound == 0.125' "$tmp/j1.json" >/dev/null
result "p95_bound: null with a violation, 3/N without" $?
grep -q "^  i_mmap_sem explored: 0 of 20 schedules violate (p <= 0.15 at 95%)" "$tmp/bound.txt"
result "the summary carries the search's verdict line" $?
# writeback-free-block: no plain replica of 2 shows lockless's race, the
# search does (schedule 1): the verdict says UNSAFE, nothing is cheapest
"$sim" -j2 -s lockless -r 2 --explore 30 --explore-stop -o "$tmp/wfb.json" \
	"$reg/writeback-free-block.cfg" > "$tmp/wfb.txt" 2>&1 &&
	jq -e '.summary[0].strategies[0] | .violating_replicas == 0 and .verdict == "UNSAFE"' \
		"$tmp/wfb.json" >/dev/null &&
	jq -e '.summary[0].cheapest_safe == null' "$tmp/wfb.json" >/dev/null &&
	grep -q "^  lockless  *0/2 .*UNSAFE$" "$tmp/wfb.txt" &&
	grep -q "every explored schedule" "$tmp/wfb.txt"
result "a race only the search finds makes the verdict UNSAFE" $?

# ---- shrinking -------------------------------------------------------------------------
# shellcheck disable=SC2086
(cd "$tmp" && "$sim" -j2 -s lockless -r 1 --duration 1ms --shrink $key \
	--shrink-out min.cfg "$reg/punch-write-fault.cfg" > shrink.txt 2>&1)
result "--shrink $key exits 0" $?
grep -q "^; expect lockless: stale_mapping>0" "$tmp/min.cfg"
result "the reproducer keeps the kind and the strategy" $?
mkdir "$tmp/j1"
# shellcheck disable=SC2086
(cd "$tmp/j1" && "$sim" -j1 -s lockless -r 1 --duration 1ms --shrink $key \
	--shrink-out min.cfg "$reg/punch-write-fault.cfg" > shrink.txt 2>&1) &&
	cmp -s "$tmp/min.cfg" "$tmp/j1/min.cfg" &&
	cmp -s "$(grep -v ' in [0-9.]* s$' "$tmp/shrink.txt" > "$tmp/s2.txt"; echo "$tmp/s2.txt")" \
	       "$(grep -v ' in [0-9.]* s$' "$tmp/j1/shrink.txt" > "$tmp/s1.txt"; echo "$tmp/s1.txt")"
result "the same reproducer and output (but for times) at -j1 and -j2" $?
"$sim" -q -j1 -o "$tmp/min.json" "$tmp/min.cfg" >/dev/null 2>&1 &&
	jq -e '.strategies[0].name == "lockless" and .strategies[0].violations.stale_mapping > 0' \
		"$tmp/min.json" >/dev/null
result "the reproducer shows stale_mapping under lockless on its own" $?
jq -e '[.strategies[1,2].violations.total] == [0, 0]' "$tmp/min.json" >/dev/null
result "... and nothing under i_mmap_sem and invalidate_lock" $?

# ---- a model error in a schedule ---------------------------------------------------
bug() { # jobs: the search with schedule 3 hitting the test-only BUG
	FAULTLINE_TEST_BUG_SCHEDULE=3 "$sim" -q "-j$1" -s lockless,i_mmap_sem -r 1 \
		--duration 1ms --explore 8 "$reg/punch-write-fault.cfg" \
		> /dev/null 2> "$tmp/bug$1.txt"
	echo $? > "$tmp/bug$1.rc"
}
bug 1
bug 2
want='^sim: model error in schedule 3 of job 0 \(lockless\): BUG at .*FAULTLINE_TEST_BUG_SCHEDULE.*replay with --replay 1:0:3$'
[ "$(cat "$tmp/bug1.rc")" = 3 ] && [ "$(wc -l < "$tmp/bug1.txt")" = 1 ] &&
	grep -Eq "$want" "$tmp/bug1.txt"
result "a model error in a schedule: exit 3, one line with its replay key" $?
cmp -s "$tmp/bug1.txt" "$tmp/bug2.txt" && [ "$(cat "$tmp/bug2.rc")" = 3 ]
result "... the same schedule named at -j1 and -j2" $?
FAULTLINE_TEST_BUG_SCHEDULE=3 "$sim" -s lockless -r 1 --duration 1ms \
	--replay 1:0:3 "$reg/punch-write-fault.cfg" > /dev/null 2> "$tmp/bugr.txt"
rc=$?
[ "$rc" = 3 ] && grep -Eq "$want" "$tmp/bugr.txt"
result "... and its --replay ends with the same model error" $?

# ---- errors ---------------------------------------------------------------------------
expect_error "--replay with a bad schedule" "^sim: --replay '1:0:x': expected SEED:JOB or SEED:JOB:SCHEDULE" \
	"$sim" --replay 1:0:x "$reg/punch-write-fault.cfg"
expect_error "--dump-config with --explore" "^sim: --dump-config runs nothing: --explore has nothing to search$" \
	"$sim" --dump-config --explore 5 "$reg/punch-write-fault.cfg"
printf '[global]\nstrategies = lockless\n[f]\ntype = file\nsize = 1M\n[j]\nfile = f\nscript = punch_hole 0 4K, fsnyc\n' > "$tmp/bad.cfg"
expect_error "a misspelt script op" "bad.cfg:8: \[j\] script: item 2 'fsnyc': unknown operation 'fsnyc' \(did you mean 'fsync'\?\)" \
	"$sim" "$tmp/bad.cfg"
