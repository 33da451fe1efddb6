#!/bin/sh
# The run journal and --resume (TAP): a run killed with SIGKILL part-way
# and rerun with --resume ends byte-identical (minus "host") to an
# uninterrupted run and runs only the jobs the journal did not hold; a torn
# last record is run again; a journal of another plan is refused (exit 2);
# a finished run leaves no journal behind.
src=${FAULTLINE_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
bld=${FAULTLINE_BUILDDIR:-$src}
sim="$bld/sim/sim"
cfg="$src/workloads/punch_heavy.cfg"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/faultline-resume-XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
n=0
echo "1..6"
result() { # desc status
	n=$((n + 1))
	if [ "$2" = 0 ]; then echo "ok $n - $1"; else echo "not ok $n - $1"; fi
}
nohost() { sed '/^  "host": {/,$d' "$1"; }
args="-j1 -r 3 --duration 10ms"

"$sim" -q $args -o "$tmp/full.json" "$cfg"
[ $? = 0 ] && [ ! -e "$tmp/full.json.journal" ]
result "an uninterrupted run leaves no journal" $?

# Waits (at most 120 s) until journal $1 holds $2 records.
journaled() {
	i=0
	while [ $i -lt 1200 ]; do
		c=$(grep -c '^job ' "$1" 2>/dev/null)
		[ "${c:-0}" -ge "$2" ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# Killed at three points: before any job finished, after 3 and after 9 of
# the 12 jobs.
for at in 0 3 9; do
	rm -f "$tmp/k.json" "$tmp/k.json.journal"
	"$sim" -q $args -o "$tmp/k.json" "$cfg" &
	pid=$!
	if [ $at = 0 ]; then sleep 0.2; else journaled "$tmp/k.json.journal" $at; fi
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	had=$(grep -c '^job ' "$tmp/k.json.journal" 2>/dev/null)
	had=${had:-0}
	msg=$("$sim" $args --resume -o "$tmp/k.json" "$cfg" 2>&1 >/dev/null)
	echo "# killed after $at jobs: $had jobs journaled; $msg"
	ok=1
	if [ -e "$tmp/k.json" ] && [ ! -e "$tmp/k.json.journal" ]; then
		nohost "$tmp/k.json" > "$tmp/k.nohost"
		nohost "$tmp/full.json" | cmp -s - "$tmp/k.nohost" &&
		case "$msg" in
		*"resuming: $had of 12 jobs already finished"*) ok=0 ;;
		esac
	fi
	result "SIGKILL after $at jobs, --resume: same bytes, only the unfinished jobs run" $ok
done

# A torn last record: its job runs again.
rm -f "$tmp/t.json" "$tmp/t.json.journal"
"$sim" -q $args -o "$tmp/t.json" "$cfg" &
pid=$!
journaled "$tmp/t.json.journal" 2
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
size=$(wc -c < "$tmp/t.json.journal")
truncate -s $((size - 20)) "$tmp/t.json.journal"
"$sim" -q $args --resume -o "$tmp/t.json" "$cfg" 2>/dev/null
[ $? = 0 ] && nohost "$tmp/t.json" > "$tmp/t.nohost" &&
	nohost "$tmp/full.json" | cmp -s - "$tmp/t.nohost"
result "a torn last record is run again" $?

# A journal of another plan (another seed) is refused, nothing written.
rm -f "$tmp/p.json" "$tmp/p.json.journal"
"$sim" -q $args -o "$tmp/p.json" "$cfg" &
pid=$!
journaled "$tmp/p.json.journal" 1
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
err=$("$sim" -q $args --seed 2 --resume -o "$tmp/p.json" "$cfg" 2>&1)
rc=$?
echo "# $err"
[ $rc = 2 ] && [ ! -e "$tmp/p.json" ] &&
	case "$err" in *"journal of another plan"*) true ;; *) false ;; esac
result "a journal of another plan is refused with exit 2" $?
