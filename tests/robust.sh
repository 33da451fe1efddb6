#!/bin/bash
# Robustness behind the front door (TAP): a model error ends one job (exit
# 3, the other jobs byte-identical to a clean run, every output says which
# job failed); SIGINT/SIGTERM are honoured within a second in a run, a
# zero-time loop, --report, `sim report` and sim-report, leaving no
# temporary behind; `sim merge` and `sim report` refuse damaged input with
# one line naming the file and the JSON path, write nothing, exit 2; the
# smaller front-door fixes (--dump-config validates as a run does, --replay
# with -o is refused, -o /dev/full names ENOSPC).
src=${FAULTLINE_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
bld=${FAULTLINE_BUILDDIR:-$src}
toy="$bld/tests/sim/toy-sim"
sim="$bld/sim/sim"
simreport="$bld/reports/sim-report"
tcfg="$src/tests/sim/toy.cfg"
wcfg="$src/workloads/punch_heavy.cfg"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/faultline-robust-XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
n=0
echo "1..47"
result() { # desc status
	n=$((n + 1))
	if [ "$2" = 0 ]; then echo "ok $n - $1"; else echo "not ok $n - $1"; fi
}
# expect_refusal DESC REGEX PROGRAM ARGS...: exit 2, one line matching REGEX
expect_refusal() {
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
# jobs of a shard file but JOB, without host figures
jobs_but() { jq -S --argjson j "$2" '[.jobs[] | select(.job != $j) | del(.host)]' "$1"; }
# ms since the epoch
now_ms() { date +%s%3N; }

# ---- a model error ends one job ------------------------------------------------
# sim/sim, 8 jobs (4 strategies x 2 replicas); job 3 hits a BUG in a task
run8() { "$sim" -q -j2 --seed 1 --duration 2ms -r 2 "$@" "$wcfg"; }
run8 --shard 1/1 -o "$tmp/clean.json"; rc_clean=$?
FAULTLINE_TEST_BUG=3 run8 --shard 1/1 -o "$tmp/bug.json" 2>"$tmp/bug.err"; rc=$?
[ $rc_clean = 0 ] && [ $rc = 3 ]
result "sim/sim: a BUG in one job of eight exits 3" $?
[ "$(jq '.jobs | length' "$tmp/bug.json")" = 7 ] &&
	cmp -s <(jobs_but "$tmp/clean.json" 3) <(jobs_but "$tmp/bug.json" 3)
result "the other seven jobs are byte-identical to a clean run" $?
jq -e '.model_errors | length == 1 and .[0].job == 3 and .[0].phase == "run" and
	.[0].file == "sim/run/runner.c" and (.[0].line > 0) and .[0].time_ns == 1000000 and
	(.[0].task | startswith("sim-test-bug/")) and .[0].replay == "1:3" and
	(.[0].message | test("FAULTLINE_TEST_BUG"))' "$tmp/bug.json" >/dev/null
result "the shard lists the model error (phase, file:line, time, task, replay)" $?
grep -q "1 job ended with a model error (job 3)" "$tmp/bug.err"
result "one stderr line names the failed job" $?
FAULTLINE_TEST_BUG=3 "$sim" -j2 --seed 1 --duration 2ms -r 2 -o "$tmp/bug-results.json" \
	"$wcfg" > "$tmp/bug.txt" 2>/dev/null; rc=$?
[ $rc = 3 ] && grep -q '^MODEL ERRORS: 1 of 8 jobs' "$tmp/bug.txt" &&
	grep -q 'job 3 (i_data_sem replica 1): BUG sim/run/runner.c:' "$tmp/bug.txt" &&
	jq -e '.model_errors[0].strategy == "i_data_sem" and .model_errors[0].replica == 1 and
		.host.jobs_run == 7 and .interrupted == false' "$tmp/bug-results.json" >/dev/null
result "-o results.json and the text summary say which job failed" $?
run8 -o "$tmp/clean-results.json" >/dev/null 2>&1
jq -e '.model_errors == null' "$tmp/clean-results.json" >/dev/null
result "a clean run's results.json has no model_errors key" $?

# toy model: the event-loop and finish variants, merge, --report
"$toy" -q -j2 -r 4 -s mutex,racy --shard 1/1 -o "$tmp/tclean.json" "$tcfg"
for where in "" :loop :finish; do
	FAULTLINE_TEST_BUG=5$where "$toy" -q -j2 -r 4 -s mutex,racy --shard 1/1 \
		-o "$tmp/tbug.json" "$tcfg" 2>/dev/null; rc=$?
	[ $rc = 3 ] && cmp -s <(jobs_but "$tmp/tclean.json" 5) <(jobs_but "$tmp/tbug.json" 5) &&
		jq -e --arg w "$where" '.model_errors[0].job == 5 and .model_errors[0].phase ==
			(if $w == ":finish" then "finish" else "run" end) and
			((.model_errors[0].task == null) == ($w != ""))' "$tmp/tbug.json" >/dev/null
	result "toy: a BUG${where:- in a task} ends job 5 only" $?
done
(cd "$tmp" && for k in 1 2; do
	FAULTLINE_TEST_BUG=2 "$toy" -q -r 2 -s mutex,racy --shard $k/2 -o "ts$k.json" "$tcfg" 2>/dev/null
done
FAULTLINE_TEST_BUG=2 "$toy" -q -r 2 -s mutex,racy -o whole.json "$tcfg" 2>/dev/null
"$toy" merge -q merged.json ts1.json ts2.json 2>/dev/null; echo $? > merge.rc)
[ "$(cat "$tmp/merge.rc")" = 3 ] &&
	cmp -s <(jq -S 'del(.host)' "$tmp/merged.json") <(jq -S 'del(.host)' "$tmp/whole.json")
result "merge: shards with a model error give the unsharded results, exit 3" $?
FAULTLINE_TEST_BUG=1 FAULTLINE_GNUPLOT= "$toy" -q -r 2 -s mutex,racy --report "$tmp/trep" \
	"$tcfg" 2>/dev/null; rc=$?
[ $rc = 3 ] && grep -q 'ended with a model error' "$tmp/trep/index.html" &&
	grep -q 'replay 7:1' "$tmp/trep/index.html"
result "--report: the page lists the failed job" $?
FAULTLINE_TEST_BUG=1 "$toy" -r 2 -s mutex,racy --replay 7:1 "$tcfg" > "$tmp/rep.txt" 2>&1; rc=$?
[ $rc = 3 ] && grep -q 'ended with a model error' "$tmp/rep.txt"
result "--replay of the failed job prints its model error, exit 3" $?

# ---- interrupts --------------------------------------------------------------------
# kill_after SIG SECONDS CMD...: sends SIG after SECONDS; prints "rc ms"
kill_after() {
	sig=$1 s=$2; shift 2
	"$@" & p=$!
	sleep "$s"
	kill -"$sig" $p 2>/dev/null
	t0=$(now_ms)
	wait $p; rc=$?
	echo "$rc $(( $(now_ms) - t0 ))"
}
set -- $(kill_after TERM 2 "$toy" -q -j2 -r 2000 --duration 2ms -o "$tmp/term.json" "$tcfg" 2>/dev/null)
[ "$1" = 130 ] && [ "$2" -lt 1000 ] && jq -e '.interrupted == true and .host.jobs_run > 0' \
	"$tmp/term.json" >/dev/null
result "SIGTERM on an -o run: finished jobs written, marked, exit 130 within 1 s ($2 ms)" $?
printf '[global]\nstrategies = lockless\nreplicas = 1\nduration = 20ms\n\n[data]\ntype = file\nsize = 1M\n\n[w]\nfile = data\nops = mmap_write\nthink = fixed:0\n' > "$tmp/zero.cfg"
set -- $(kill_after INT 1 "$sim" -q -o "$tmp/zero.json" "$tmp/zero.cfg" 2>/dev/null)
# a fixed model may finish this in time: then it exits 0 before the signal
{ [ "$1" = 130 ] && [ "$2" -lt 1000 ]; } || [ "$1" = 0 ]
result "SIGINT during a zero-time loop: exit 130 within 1 s ($1, $2 ms)" $?
set -- $(kill_after TERM 1 "$toy" -q -r 1 -s mutex --set toy.think=fixed:0 \
	--set toy.hold=fixed:0 -o "$tmp/tz.json" "$tcfg" 2>/dev/null)
[ "$1" = 130 ] && [ "$2" -lt 1000 ]
result "SIGTERM during a toy zero-time loop: exit 130 within 1 s ($2 ms)" $?
# (bash starts background jobs with SIGINT ignored: SIGTERM here; a signal
# before the runner is up ends the process at once, which is prompt too)
set -- $(kill_after TERM 6 "$toy" -q -j2 -r 100000 --sweep toy.tasks=$(seq -s, 1 33) \
	--duration 1us -o "$tmp/huge.json" "$tcfg" 2>/dev/null)
{ [ "$1" = 130 ] && [ "$2" -lt 10000 ] &&
  jq -e '.plan.jobs == 9900000 and .interrupted' "$tmp/huge.json" >/dev/null; } ||
	{ [ "$1" = 143 ] && [ "$2" -lt 1000 ] && [ ! -e "$tmp/huge.json" ]; }
result "SIGTERM in a 9.9 M-job plan: exit 130 with outputs written, or 143 before the run ($1, $2 ms)" $?

# a gnuplot that takes its time: the report writer must not wait for it
cat > "$tmp/slowplot" <<EOF
#!/bin/sh
case "\$*" in *"set terminal"*) echo "   pngcairo  png" >&2; exit 0 ;; esac
echo \$\$ >> "$tmp/slowplot.pids"
exec sleep 30
EOF
chmod +x "$tmp/slowplot"
"$toy" -q -r 2 -s mutex,racy -o "$tmp/rdir.json" "$tcfg"
for sig in INT TERM; do
	d="$tmp/rd-$sig"; mkdir -p "$d"; cp "$tmp/rdir.json" "$d/results.json"
	set -- $(FAULTLINE_GNUPLOT="$tmp/slowplot" kill_after $sig 1 "$sim" report "$d" 2>/dev/null)
	[ "$1" = 130 ] && [ "$2" -lt 1000 ] && [ -z "$(ls -A "$d" | grep -v '^results.json$')" ]
	result "SIGINT/TERM during 'sim report DIR' ($sig): exit 130 within 1 s, DIR as it was" $?
done
d="$tmp/rd-sr"; mkdir -p "$d"; cp "$tmp/rdir.json" "$d/results.json"
set -- $(FAULTLINE_GNUPLOT="$tmp/slowplot" kill_after TERM 1 "$simreport" "$d" 2>/dev/null)
[ "$1" = 130 ] && [ "$2" -lt 1000 ] && [ -z "$(ls -A "$d" | grep -v '^results.json$')" ]
result "SIGTERM during sim-report: exit 130, no .report-XXXXXX left" $?
set -- $(FAULTLINE_GNUPLOT="$tmp/slowplot" kill_after TERM 2 "$toy" -q -r 2 -s mutex,racy \
	--report "$tmp/rrun" "$tcfg" 2>/dev/null)
[ "$1" = 130 ] && [ "$2" -lt 1000 ] && [ -s "$tmp/rrun/results.json" ] &&
	[ -z "$(ls -A "$tmp/rrun" | grep -v '^results.json$')" ]
result "SIGTERM during --report: results.json written, no staging dir, exit 130" $?
left=0
for p in $(cat "$tmp/slowplot.pids" 2>/dev/null); do
	kill -0 "$p" 2>/dev/null && { left=1; kill "$p"; }
done
[ -s "$tmp/slowplot.pids" ] && [ $left = 0 ]
result "every gnuplot started was killed" $?

# ---- merge distrusts its shards ------------------------------------------------
"$toy" -q -r 2 -s mutex,racy --shard 1/1 -o "$tmp/good.json" "$tcfg"
damage() { # DESC PATH-REGEX JQ-FILTER
	jq -c "$3" "$tmp/good.json" > "$tmp/bad.json"
	rm -f "$tmp/out.json"
	expect_refusal "merge refuses $1" "bad\\.json: .*$2" "$toy" merge "$tmp/out.json" "$tmp/bad.json"
	[ -e "$tmp/out.json" ] && echo "# merge wrote $tmp/out.json"
}
damage "a negative bucket" '\$\.jobs\[0\]\.ops\[0\]\.latency\.buckets\[0\]\[1\]' \
	'.jobs[0].ops[0].latency.buckets[0][1] = -1'
damage "a count that disagrees with its buckets" '\$\.jobs\[0\]\.ops\[0\]\.latency: count' \
	'.jobs[0].ops[0].latency.count += 1'
damage "events: -5" '\$\.jobs\[1\]\.events' '.jobs[1].events = -5'
damage "a count of 2^64-1" '\$\.jobs\[0\]\.events' '.jobs[0].events = 18446744073709551615'
damage "counts adding up past 2^63" 'past 2\^63' \
	'.jobs[0].events = 4611686018427387904 | .jobs[1].events = 4611686018427387904'
damage "kinds deleted" '\$\.jobs\[0\]\.kinds: missing' 'del(.jobs[0].kinds)'
damage "a kind deleted" "kind 'rare' missing" 'del(.jobs[0].kinds[1])'
damage "an unknown op" "unknown op 'lokc'" '.jobs[0].ops[0].name = "lokc"'
damage "a lock name with a quote" '\$\.jobs\[0\]\.locks\[0\]\.name' '.jobs[0].locks[0].name = "a\"b"'
damage "a timeline lock not among the job's" "not among the job's locks" \
	'.jobs[0].timeline[0].lock = "toy_other"'
damage "a hold past the window" 'timeline_ns' '.jobs[0].timeline[0].end_ns = 1e15'
damage "an unknown stop reason" "unknown stop reason" '.jobs[0].stop = "bored"'
python3 -c "import sys; sys.stdout.write('{\"a\":' + '['*100000 + ']'*100000 + '}')" > "$tmp/deep.json"
expect_refusal "merge refuses 100 000-deep nesting" "deep\\.json: .*nested deeper than 32" \
	"$toy" merge "$tmp/out.json" "$tmp/deep.json"
# json-glib quotes a bad string constant up to the next quote, newline and
# all (found by fuzz-shard): still one line
printf '{"schema":"faultline-shard","config_file":"a\n,"b":"c"}\n' > "$tmp/nl.json"
expect_refusal "merge refuses a raw newline in a string on one line" \
	"nl\\.json: not a faultline shard file \\(not JSON: .*invalid string constant" \
	"$toy" merge "$tmp/out.json" "$tmp/nl.json"

# ---- report distrusts results.json -------------------------------------------
rdamage() { # DESC PATH-REGEX JQ-FILTER
	d="$tmp/bad-rep"; rm -rf "$d"; mkdir -p "$d"
	jq -c "$3" "$tmp/rdir.json" > "$d/results.json"
	expect_refusal "report refuses $1" "results\\.json: .*$2" "$sim" report "$d"
	[ -z "$(ls -A "$d" | grep -v '^results.json$')" ] || echo "# report wrote into $d"
}
rdamage "a negative bucket count" '\$\.strategies\[0\]\.ops\.lock\.buckets\[0\]' \
	'.strategies[0].ops.lock.buckets[0][2] = -3'
rdamage "a violation total that disagrees" 'total' '.strategies[0].violations.total += 1'
rdamage "a kind missing in one strategy" "kind 'rare' missing" 'del(.strategies[1].violations.rare) | .strategies[1].violations.total = .strategies[1].violations.overlap'
rdamage "an unknown strategy" "not in plan.strategies" '.strategies[0].name = "nosuch"'
rdamage "a timeline lock not listed" "not among the strategy's locks" '.strategies[0].timeline[0].lock = "toy_other"'
d="$tmp/deep-rep"; mkdir -p "$d"; cp "$tmp/deep.json" "$d/results.json"
expect_refusal "report refuses 100 000-deep nesting" "nested deeper than 32" "$simreport" "$d"
d="$tmp/nl-rep"; mkdir -p "$d"; cp "$tmp/nl.json" "$d/results.json"
expect_refusal "report refuses a raw newline in a string on one line" \
	'results\.json:2:2: Parse error: invalid string constant "a\?,"' "$simreport" "$d"

# ---- smaller front-door fixes ---------------------------------------------------
expect_refusal "--dump-config refuses what a run refuses" "cannot mount" \
	"$sim" --dump-config --set global.journal_size=1M "$wcfg"
expect_refusal "--replay with -o is refused" "--replay prints one job" \
	"$toy" --replay 7:1 -o "$tmp/r.json" "$tcfg"
expect_refusal "--dump-config with -o is refused" "--dump-config runs nothing" \
	"$toy" --dump-config -o "$tmp/r.json" "$tcfg"
err=$("$toy" -q -r 1 -o /dev/full "$tcfg" 2>&1); rc=$?
[ $rc != 0 ] && printf '%s' "$err" | grep -q '/dev/full: No space left on device'
result "-o /dev/full: the path and ENOSPC, exit $rc" $?
"$toy" -q --explain -r 1 -o "$tmp/q.json" "$tcfg" 2>&1 | grep -q "warning: --explain is ignored with -q"
result "an ignored option is warned about" $?
