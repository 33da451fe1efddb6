#!/bin/sh
# The run command line (TAP), on sim/sim's CLI over the toy model
# (tests/sim/toy-sim) and on sim/sim itself: bad inputs give exit status 2
# and one line; -j1 and -j2 write the same results.json but for "host";
# shards merge into the whole run; SIGINT writes marked outputs and no
# temporaries; workload files are found from anywhere.
src=${FAULTLINE_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
bld=${FAULTLINE_BUILDDIR:-$src}
toy="$bld/tests/sim/toy-sim"
sim="$bld/sim/sim"
cfg="$src/tests/sim/toy.cfg"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/faultline-cli-XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
n=0
echo "1..52"
result() { # desc status
	n=$((n + 1))
	if [ "$2" = 0 ]; then echo "ok $n - $1"; else echo "not ok $n - $1"; fi
}
# expect_error DESC REGEX PROGRAM ARGS...: exit 2, one line matching REGEX
expect_error() {
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
# the part of a results.json that must not depend on the host
nohost() { sed '/^  "host": {/,$d' "$1"; }

printf '[toy]\ntaks = 3\n' > "$tmp/typo.cfg"
expect_error "missing file" "cannot open .*nosuch.cfg" "$toy" "$tmp/nosuch.cfg"
expect_error "typo'd key" "typo.cfg:2: \[toy\] taks: .*did you mean 'tasks'" "$toy" "$tmp/typo.cfg"
expect_error "--set of an unknown key" "--set toy.taks.*did you mean 'tasks'" "$toy" --set toy.taks=2 "$cfg"
expect_error "-j 0" "^sim: -j '0': expected a number of threads" "$toy" -j 0 "$cfg"
expect_error "-j0" "^sim: -j '0': " "$toy" -j0 "$cfg"
expect_error "-j x" "^sim: -j 'x': " "$toy" -j x "$cfg"
expect_error "--shard 3/2" "^sim: --shard '3/2': expected K/N with 1 <= K <= N" "$toy" --shard 3/2 -o "$tmp/s.json" "$cfg"
expect_error "--shard without -o" "--shard K/N needs -o" "$toy" --shard 1/2 "$cfg"
expect_error "--replay garbage" "^sim: --replay 'x:y': expected SEED:JOB" "$toy" --replay x:y "$cfg"
expect_error "--replay outside the plan" "--replay 7:999: the plan has 12 jobs" "$toy" --replay 7:999 "$cfg"
expect_error "--sweep of an unknown key" "toy.taks.*did you mean 'tasks'" "$toy" --sweep toy.taks=1,2 "$cfg"
expect_error "--sweep of a plan key" "cannot be swept" "$toy" --sweep global.replicas=1,2 "$cfg"
expect_error "-s unknown strategy" "mutx" "$toy" -s mutx "$cfg"
expect_error "merge of a non-shard file" "not a faultline shard file" "$toy" merge "$tmp/m.json" "$cfg"
expect_error "sim/sim: --set of an unknown key" "--set global.replica.*did you mean 'replicas'" \
	"$sim" --set global.replica=3 "$src/workloads/punch_heavy.cfg"
expect_error "sim/sim: -j 0" "^sim: -j '0'" "$sim" -j 0 "$src/workloads/punch_heavy.cfg"

# -j1 and -j2: the same results.json but for host
"$toy" -q -j1 -o "$tmp/j1.json" "$cfg"; a=$?
"$toy" -q -j 2 -o "$tmp/j2.json" "$cfg"; b=$?
[ $a = 0 ] && [ $b = 0 ] && nohost "$tmp/j1.json" > "$tmp/j1.nohost" &&
	nohost "$tmp/j2.json" > "$tmp/j2.nohost" && cmp -s "$tmp/j1.nohost" "$tmp/j2.nohost" &&
	[ "$(wc -l < "$tmp/j1.nohost")" -gt 100 ]
result "-j1 and -j2 give the same results.json without host" $?
grep -q '"interrupted": false' "$tmp/j1.json"; result "a whole run is not marked interrupted" $?

# shards and merge (run from another directory: relative paths, lookups)
(cd "$tmp" && for k in 1 2 3; do "$toy" -q --shard $k/3 -o "s$k.json" "$cfg" || exit 1; done &&
	"$toy" merge -q merged.json s2.json s3.json s1.json) &&
	nohost "$tmp/merged.json" | cmp -s - "$tmp/j1.nohost"
result "three shards merged == the whole run" $?
expect_error "merge with a shard missing" "shard 2/3 missing" "$toy" merge "$tmp/m.json" "$tmp/s1.json" "$tmp/s3.json"

# SIGINT: outputs written, marked, no temporaries; exit 130
"$toy" -q -j1 --set global.replicas=30 --set toy.sigint_job=2 -o "$tmp/int.json" "$cfg" 2>"$tmp/int.err"
rc=$?
[ $rc = 130 ] && grep -q '"interrupted": true' "$tmp/int.json" &&
	grep -q "interrupted" "$tmp/int.err"
result "SIGINT: exit 130, results marked interrupted" $?
ls "$tmp" | grep -q '\.tmp-'; [ $? = 1 ]; result "no temporary file left" $?

# replay and trace
"$toy" --replay 7:9 --trace "$tmp/trace.json" "$cfg" > "$tmp/replay.txt" &&
	grep -q '^job 9 of 12: strategy racy, replica 1, seed 7' "$tmp/replay.txt" &&
	grep -q 'overlap at t=' "$tmp/replay.txt" &&
	head -c 40 "$tmp/trace.json" | grep -q traceEvents && tail -n 1 "$tmp/trace.json" | grep -q ']}'
result "--replay explains the job, --trace writes it" $?
"$toy" --replay 7:9 "$cfg" | cmp -s - "$tmp/replay.txt"
result "--replay is byte-identical run to run" $?

# text output: the summary first (a row and a verdict word per strategy,
# the cheapest-safe line), then the detail blocks and the comparison
"$toy" -j2 "$cfg" > "$tmp/text.txt" &&
	sed -n 4p "$tmp/text.txt" | grep -q '^== summary: baseline mutex' &&
	sed -n 5p "$tmp/text.txt" | grep -q '^  strategy .* violating .* throughput (ops/s) .* verdict$' &&
	grep -q '^  mutex_long  *4/4  *rare [0-9]* .* -[0-9.]*% ±[0-9.]*%  *lock +[0-9.]*% .* UNSAFE$' "$tmp/text.txt" &&
	sed -n 9p "$tmp/text.txt" | grep -q '^  cheapest safe: none' &&
	grep -q '^== comparison: paired over replicas, 95% CI, baseline mutex' "$tmp/text.txt" &&
	grep -q '99.99th=\[' "$tmp/text.txt" &&
	grep -q '^  lock_stat version 0.4 (times in us)$' "$tmp/text.txt"
result "text: summary first, then percentiles, lock_stat, comparison" $?
# with rare violations off, mutex and mutex_long are safe in every
# replica; racy still overlaps
"$toy" -j2 --set toy.rare=0 -s mutex,mutex_long,racy "$cfg" > "$tmp/safe.txt" &&
	grep -q '^  mutex  *0/4  *-  .* safe$' "$tmp/safe.txt" &&
	grep -q '^  racy  *4/4  *overlap [0-9]* .* UNSAFE$' "$tmp/safe.txt" &&
	grep -q '^  cheapest safe: mutex, [0-9.]* M ops/s ±[0-9.]* [kM]* (the baseline); +[0-9.]*% ±[0-9.]*% over mutex_long, the next safe$' "$tmp/safe.txt"
result "summary: verdict words and the cheapest strategy safe in every replica" $?
"$toy" -j2 --brief "$cfg" > "$tmp/brief.txt" &&
	[ "$(wc -l < "$tmp/brief.txt")" = 9 ] && ! grep -q 'lock_stat' "$tmp/brief.txt"
result "--brief: header and summary only" $?
"$toy" -q --list-strategies | grep -q '^racy ' && "$toy" --help-config | grep -q long_extra
result "--list-strategies and --help-config" $?

# workload files are found from anywhere
(cd "$tmp" && "$sim" --dump-config punch_heavy.cfg >/dev/null && \
	"$sim" --dump-config workloads/punch_heavy.cfg >/dev/null)
result "sim/sim finds workloads/*.cfg from another directory" $?
(cd "$tmp" && "$sim" -q --report "$tmp/rep" -s lockless -r 1 punch_heavy.cfg >/dev/null 2>&1); rc=$?
[ $rc = 0 ] || [ $rc = 2 ]
result "sim/sim runs (or says in one line why it cannot)" $?

# the report writer reads what we write
"$toy" -q -j2 --report "$tmp/toyrep" --sweep toy.tasks=2,3 "$cfg" 2>"$tmp/rep.err" &&
	[ -s "$tmp/toyrep/results.json" ] && [ -s "$tmp/toyrep/index.html" ] &&
	! grep -q 'error' "$tmp/rep.err"
result "--report: results.json rendered by the report writer" $?

# -o onto something that is not a regular file is written in place (a
# rename would replace a device or FIFO with a plain file); a symlink
# stays a symlink
mkfifo "$tmp/fifo" && { cat "$tmp/fifo" > "$tmp/fromfifo" & } &&
	"$toy" -q -o "$tmp/fifo" "$cfg" && wait && [ -p "$tmp/fifo" ] &&
	grep -q '"schema": "faultline-results"' "$tmp/fromfifo"
result "-o FIFO: written in place, still a FIFO" $?
: > "$tmp/target.json" && ln -s target.json "$tmp/link.json" &&
	"$toy" -q -o "$tmp/link.json" "$cfg" && [ -L "$tmp/link.json" ] &&
	grep -q '"schema": "faultline-results"' "$tmp/target.json"
result "-o symlink: the target is replaced, the link stays" $?

# expectations: exit 1 and the reason on stderr, 0 when they hold, 2 for a
# bad expectation
"$toy" -q -j2 --expect 'mutex_long: any' --expect 'racy: overlap>0' \
	--expect 'racy: overlap~"critical section">0' "$cfg"
result "--expect: expectations met (a K~TEXT term too): exit 0" $?
"$toy" -q -j2 --expect 'racy: none' "$cfg" 2> "$tmp/exp.err"; rc=$?
[ $rc = 1 ] && grep -q '^sim: expectation failed: racy: none: expected none, got overlap [0-9]*, rare [0-9]* (4 replicas)$' "$tmp/exp.err"
result "--expect 'racy: none': exit 1 saying what was found" $?
"$toy" -q -j2 --expect 'racy: overlap~"nowhere">0' "$cfg" 2> "$tmp/exp.err"; rc=$?
[ $rc = 1 ] && grep -q 'term 1 (overlap~"nowhere">0): got 0' "$tmp/exp.err"
result "--expect K~TEXT counts the headlines that contain TEXT" $?
expect_error "--expect of a strategy not in the plan" "strategy nope is not in the plan \(mutex, mutex_long, racy\)" \
	"$toy" -q --expect 'nope: none' "$cfg"
expect_error "--expect with an unknown kind" "unknown violation kind 'bogus' \(one of overlap, rare\)" \
	"$toy" -q --expect 'racy: bogus>0' "$cfg"
"$toy" -q -j2 --fail-on-violation racy "$cfg" 2> "$tmp/fov.err"; rc=$?
[ $rc = 1 ] && grep -q '^sim: --fail-on-violation: racy: [0-9]* violations in 4/4 replicas (overlap [0-9]*, rare [0-9]*)$' "$tmp/fov.err" &&
	"$toy" -q -j2 --set toy.rare=0 --fail-on-violation mutex,mutex_long "$cfg"
result "--fail-on-violation: exit 1 when a listed strategy violated, else 0" $?
expect_error "--fail-on-violation of a strategy not in the plan" "'nope' is not a strategy of the plan" \
	"$toy" -q --fail-on-violation mutex,nope "$cfg"

# --check: scenarios judged by their own expect lines
{ echo '; expect mutex: overlap=0'; echo '; expect mutex_long: overlap=0'
  echo '; expect racy: overlap>0'; cat "$cfg"; } > "$tmp/pass.cfg"
{ echo '; expect mutex: none'; echo '; expect mutex_long: any'
  echo '; expect racy: none'; cat "$cfg"; } > "$tmp/fail.cfg"
{ echo '; expect mutex: none'; echo '; known: rare happens (the toy model draws it)'
  echo '; expect mutex_long: any'; echo '; expect racy: any'; cat "$cfg"; } > "$tmp/known.cfg"
"$toy" -j2 --check "$tmp/pass.cfg" "$tmp/fail.cfg" "$tmp/known.cfg" > "$tmp/check.txt"; rc=$?
cat "$tmp/check.txt" | sed 's/^/# /'
[ $rc = 1 ] && grep -q "^[^ ]*/pass  *[0-9.]*s$" "$tmp/check.txt" &&
	grep -q "^[^ ]*/fail  *- expectation failed$" "$tmp/check.txt" &&
	grep -q "^    racy: none: expected none, got overlap" "$tmp/check.txt" &&
	grep -q "^[^ ]*/known  *\[known failure\]" "$tmp/check.txt" &&
	grep -q "^    known: rare happens" "$tmp/check.txt" &&
	grep -q "^Failures: [^ ]*/fail$" "$tmp/check.txt" &&
	tail -n 1 "$tmp/check.txt" | grep -q "^Failed 1 of 3 tests$"
result "--check: a line per scenario, Failures: and Failed 1 of 3" $?
"$toy" -j2 --check "$tmp/pass.cfg" "$tmp/known.cfg" | tail -n 1 | grep -q '^Passed all 2 tests$'
result "--check: Passed all 2 tests, exit 0" $?
expect_error "--check of a file without expect lines" "no '; expect STRATEGY: TERM' lines" \
	"$toy" --check "$tmp/pass.cfg" "$cfg"
grep -v 'expect racy' "$tmp/pass.cfg" > "$tmp/partial.cfg"
expect_error "--check of a scenario missing a strategy's expect line" "no expect line for strategy racy" \
	"$toy" --check "$tmp/partial.cfg"

# --violations: one JSON object per violation, as many as results.json
# counts, or the cap and a line saying how many were dropped
"$toy" -q -j2 -o "$tmp/v.json" --violations "$tmp/v.jsonl" "$cfg" &&
	total=$(awk '/^        "total": / { gsub(/[^0-9]/, ""); t += $0 } END { print t }' "$tmp/v.json") &&
	[ "$(wc -l < "$tmp/v.jsonl")" = "$total" ] && [ "$total" -gt 100 ] &&
	grep -q '^{"kind":"overlap","strategy":"racy","sweep":null,"replica":0,"job":8,"replay":"7:8","time_ns":[0-9]*,"task":"worker","op":"lock",.*"headline":"overlap in worker (2 in the critical section)"}$' "$tmp/v.jsonl"
result "--violations: one line per violation, as many as results.json counts" $?
if command -v jq >/dev/null 2>&1; then
	jq -e -s 'length > 100 and all(.[]; .kind and .strategy and .replay and (.time_ns | type) == "number")' "$tmp/v.jsonl" >/dev/null
	result "--violations: every line is a JSON object with kind, strategy, replay, time" $?
else
	echo "ok $((n = n + 1)) # SKIP jq not installed"
fi
"$toy" -q -j2 --violations "$tmp/v5.jsonl" --violations-max 5 "$cfg" 2> "$tmp/v5.err" &&
	w5=$(wc -l < "$tmp/v5.jsonl") && [ "$w5" -le 60 ] &&
	d5=$(sed -n "s/^sim: --violations .*v5.jsonl: $w5 records written, \([0-9]*\) more dropped (at most 5 per job: --violations-max)$/\1/p" "$tmp/v5.err") &&
	[ -n "$d5" ] && [ $((w5 + d5)) = "$total" ]
result "--violations-max 5: at most 5 per job kept, the rest counted as dropped" $?
expect_error "--violations with --shard" "--violations needs the whole run" \
	"$toy" -q --shard 1/2 -o "$tmp/s.json" --violations "$tmp/x.jsonl" "$cfg"

# --trace: tracks nest (tests/trace-check.py); --trace-window cuts it
if command -v python3 >/dev/null 2>&1; then
	"$toy" -q --replay 7:9 --trace "$tmp/tw.json" --trace-window 100us:300us "$cfg" > /dev/null &&
		python3 "$src/tests/trace-check.py" "$tmp/tw.json" --ops --violations \
			--window 100:300 > "$tmp/tw.txt" 2>&1; rc=$?
	sed 's/^/# /' "$tmp/tw.txt"
	result "--trace --trace-window: nested tracks, op spans and violation instants inside the window" $rc
else
	echo "ok $((n = n + 1)) # SKIP python3 not installed"
fi
expect_error "--trace-window without --trace" "give --trace too" \
	"$toy" -q --trace-window 1ms:2ms "$cfg"
expect_error "--trace-window TO before FROM" "^sim: --trace-window 3ms:1ms: TO is before FROM" \
	"$toy" -q --trace "$tmp/x.json" --trace-window 3ms:1ms "$cfg"

# lock_stat as /proc/lock_stat prints it: its columns in its order, times
# in us, classes by contentions, a shared-only rwsem on its -R row, the
# contention points under a contended class
sed -n '/^== mutex:/,/^== mutex_long/p' "$tmp/text.txt" > "$tmp/ls.txt"
grep -q '^ *class name  *con-bounces  *contentions  *waittime-min  *waittime-max  *waittime-total  *waittime-avg  *acq-bounces  *acquisitions  *holdtime-min  *holdtime-max  *holdtime-total  *holdtime-avg$' "$tmp/ls.txt" &&
	grep -q '^ *toy_mutex:  *[0-9]*  *[1-9][0-9]*  *[0-9]*\.[0-9][0-9]  ' "$tmp/ls.txt" &&
	grep -q '^ *toy_rwsem-R:  *0  *0  ' "$tmp/ls.txt" &&
	[ "$(grep -n 'toy_mutex:' "$tmp/ls.txt" | cut -d: -f1)" -lt "$(grep -n 'toy_rwsem-R:' "$tmp/ls.txt" | cut -d: -f1)" ] &&
	grep -q '^ *toy_mutex  *[1-9][0-9]*  *toy_lock$' "$tmp/ls.txt"
result "lock_stat: /proc/lock_stat columns and units, -R row, sorted, contention points" $?
