#!/bin/sh
# The main job on the real model (TAP): the acceptance checks of the kernel
# paths and the main-job issues, run small enough for `make check`.
#  - lockless shows violations where i_mmap_sem shows none (punch_heavy);
#  - -j1 and -j2 write the same results.json but for "host";
#  - --explain prints the first violation's interleaving and --replay with
#    the printed seed/job reproduces it byte for byte;
#  - --report writes index.html, the .gp/.dat files and PNG/SVG plots;
#  - --trace writes JSON that parses.
src=${FAULTLINE_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
bld=${FAULTLINE_BUILDDIR:-$src}
sim="$bld/sim/sim"
w="$src/workloads"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/faultline-main-XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
n=0
echo "1..15"
result() { # desc status
	n=$((n + 1))
	if [ "$2" = 0 ]; then echo "ok $n - $1"; else echo "not ok $n - $1"; fi
}
# the part of a results.json that must not depend on the host
nohost() { sed '/^  "host": {/,$d' "$1"; }
# total violations of strategy $2 in results.json $1
total() {
	awk -v s="$2" '
		$0 ~ "^      \"name\": \"" s "\"," { want = 1; next }
		want && /^        "total": / { gsub(/[^0-9]/, ""); print; exit }' "$1"
}

# lockless races, i_mmap_sem does not (4 replicas x 40 ms of punch_heavy);
# the expectations say so in the exit status
"$sim" -r 4 --duration 40ms -s lockless,i_mmap_sem -o "$tmp/ph.json" \
	--expect 'i_mmap_sem: none' --expect 'lockless: any' \
	--violations "$tmp/ph.jsonl" "$w/punch_heavy.cfg" > "$tmp/ph.txt"; rc=$?
l=$(total "$tmp/ph.json" lockless); m=$(total "$tmp/ph.json" i_mmap_sem)
echo "# lockless $l violations, i_mmap_sem $m"
[ $rc = 0 ] && [ -n "$l" ] && [ "$l" -gt 0 ] && [ "$m" = 0 ]
result "punch_heavy: lockless shows violations, i_mmap_sem none (exit 0)" $?
head -n 20 "$tmp/ph.txt" | grep -q '^== summary: baseline lockless' &&
	head -n 20 "$tmp/ph.txt" | grep -q '^  i_mmap_sem .* 0/4 .* safe$' &&
	head -n 20 "$tmp/ph.txt" | grep -q '^  lockless .* UNSAFE$' &&
	head -n 20 "$tmp/ph.txt" | grep -q '^  cheapest safe: i_mmap_sem, throughput '
result "punch_heavy: the summary and the cheapest-safe line in the first 20 lines" $?
"$sim" -q -r 4 --duration 40ms -s lockless,i_mmap_sem \
	--expect 'lockless: none' "$w/punch_heavy.cfg" 2> "$tmp/exp.err"; rc=$?
[ $rc = 1 ] && grep -q "^sim: expectation failed: lockless: none: expected none, got stale_read $l (4 replicas)$" "$tmp/exp.err"
result "--expect 'lockless: none' exits 1 and says why" $?
# mapped loads and stores cost their copy: no 0 ns percentile; faults are
# their own figure
if command -v jq >/dev/null 2>&1; then
	jq -e '[.strategies[].ops | (.mmap_read, .mmap_write) | .percentiles["1"]] | all(. > 0)' "$tmp/ph.json" >/dev/null &&
		jq -e '[.strategies[].ops.mmap_write.faults.count] | all(. > 0)' "$tmp/ph.json" >/dev/null &&
		jq -e '[.strategies[].ops.punch_hole.faults.count] | all(. == 0)' "$tmp/ph.json" >/dev/null
	rc=$?
else
	rc=0
fi
[ $rc = 0 ] && ! grep -q '\[ *0\]' "$tmp/ph.txt" && ! grep -q ' 0 ns' "$tmp/ph.txt" &&
	grep -q '^    faults: [0-9]* ([0-9.]* per op), lat (nsec): min=' "$tmp/ph.txt"
result "no 0 ns latency anywhere; page faults reported per op kind" $?
grep -q '^ *i_mmap_rwsem-W:  *[0-9]' "$tmp/ph.txt" && grep -q '^ *i_mmap_rwsem-R:  *[0-9]' "$tmp/ph.txt" &&
	grep -q '^ *i_mutex  *[1-9][0-9]*  *ext4_punch_hole$' "$tmp/ph.txt"
result "lock_stat: rw_semaphores on -W and -R rows, contention points by call site" $?
[ "$(wc -l < "$tmp/ph.jsonl")" = "$((l + m))" ] &&
	if command -v jq >/dev/null 2>&1; then
		[ "$(jq -c 'select(.kind and .replay and .strategy == "lockless")' "$tmp/ph.jsonl" | wc -l)" = "$l" ]
	fi
result "--violations: one JSON object per violation the summary counts" $?

# -j1 and -j2 on the ext4 model
"$sim" -q -j1 -r 2 --duration 5ms -o "$tmp/j1.json" "$w/punch_heavy.cfg" &&
	"$sim" -q -j2 -r 2 --duration 5ms -o "$tmp/j2.json" "$w/punch_heavy.cfg" &&
	nohost "$tmp/j1.json" > "$tmp/j1.nohost" &&
	nohost "$tmp/j2.json" > "$tmp/j2.nohost" &&
	cmp -s "$tmp/j1.nohost" "$tmp/j2.nohost" &&
	[ "$(wc -l < "$tmp/j1.nohost")" -gt 1000 ] && grep -q '"threads": 2' "$tmp/j2.json"
result "ext4: -j1 and -j2 give the same results.json without host" $?

# --explain, then --replay of the job it names
pw="$w/regress/punch-write-fault.cfg"
"$sim" -s lockless --explain "$pw" > "$tmp/explain.txt"; rc=$?
# the first explained violation: from its heading to its "state" row
first() { sed -n '/^ *[a-z_]*: ino [0-9]/,/^ *state /p' "$1" | sed 's/^ *//'; }
first "$tmp/explain.txt" > "$tmp/e1.txt"
key=$(sed -n 's/.*replay with sim\/sim --replay \([0-9]*:[0-9]*\) .*/\1/p' "$tmp/e1.txt" | head -n 1)
echo "# replay key: $key"
[ $rc = 0 ] && [ -n "$key" ] && [ "$(wc -l < "$tmp/e1.txt")" -gt 10 ] &&
	grep -q '^time *| task .*| task ' "$tmp/e1.txt" &&
	grep -q '^held *|' "$tmp/e1.txt"
result "--explain prints the first violation's interleaving side by side" $?
"$sim" -s lockless --replay "$key" "$pw" > "$tmp/replay.txt" &&
	first "$tmp/replay.txt" > "$tmp/e2.txt" && cmp -s "$tmp/e1.txt" "$tmp/e2.txt"
result "--replay $key reproduces it byte for byte" $?
"$sim" -s lockless --replay "$key" "$pw" | cmp -s - "$tmp/replay.txt"
result "--replay output is byte-identical run to run" $?

# --report and --trace
"$sim" -q -r 2 --duration 5ms --report "$tmp/rep" --trace "$tmp/trace.json" \
	"$w/punch_heavy.cfg" 2> "$tmp/rep.err"; rc=$?
[ $rc = 0 ] && [ -s "$tmp/rep/results.json" ] && [ -s "$tmp/rep/index.html" ] &&
	ls "$tmp/rep/plots" | grep -q '\.gp$' && ls "$tmp/rep/plots" | grep -q '\.dat$'
result "--report writes results.json, index.html and the .gp/.dat files" $?
if command -v gnuplot >/dev/null 2>&1; then
	ls "$tmp/rep/plots" | grep -q '\.png$' && ls "$tmp/rep/plots" | grep -q '\.svg$' &&
		grep -q 'plots/latency-mmap_write.svg' "$tmp/rep/index.html"
	result "--report draws PNG and SVG plots" $?
else
	echo "ok $((n = n + 1)) # SKIP gnuplot not installed"
fi
# the progress line (a terminal's) moves inside one job: several
# percentages, each with an ETA, before the job finishes
if command -v script >/dev/null 2>&1; then
	script -qc "'$sim' --brief -r 1 -s lockless --duration 60ms '$w/punch_heavy.cfg'" \
		/dev/null > "$tmp/prog.txt" 2>&1
	steps=$(tr '\r' '\n' < "$tmp/prog.txt" | grep -a -o 'sim: 0/1 jobs, [0-9]*%, ETA [0-9]*:[0-9][0-9]:[0-9][0-9]' | sort -u | wc -l)
	echo "# progress lines inside the job: $steps"
	[ "$steps" -ge 2 ]
	result "progress line: advances with simulated time inside a job, with an ETA" $?
else
	echo "ok $((n = n + 1)) # SKIP script(1) not installed"
fi
# traces Perfetto loads whole: every track nests (tests/trace-check.py)
if command -v python3 >/dev/null 2>&1; then
	tc() { python3 "$src/tests/trace-check.py" "$@" > "$tmp/tc.txt" 2>&1; rc=$?
		sed 's/^/# /' "$tmp/tc.txt"; return $rc; }
	tc "$tmp/trace.json" --ops
	result "--trace: every track nests, op spans present" $?
	"$sim" -s lockless --replay 1:0 --trace "$tmp/t.json" \
		--trace-window 12ms:13ms "$pw" > /dev/null &&
		tc "$tmp/t.json" --ops --violations --window 12000:13000
	result "--trace of a --replay with --trace-window: nested, op spans and violation instants, nothing outside the window" $?
else
	echo "ok $((n = n + 1)) # SKIP python3 not installed"
	echo "ok $((n = n + 1)) # SKIP python3 not installed"
fi
