#!/bin/sh
# sim kcheck (TAP): bad input is exit 2 and one line naming the file and
# line; every shipped fsx log (tests/data/fsx from xfstests, tests/fs/fsx of
# our own) and 200 random logs end the same on the running kernel and in
# the model; a byte changed behind the model's back is reported.  Where this
# machine cannot loop-mount (not root, no /dev/loop-control), the tests that
# need the kernel say so and are skipped; the rest run.
src=${FAULTLINE_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
bld=${FAULTLINE_BUILDDIR:-$src}
sim="$bld/sim/sim"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/faultline-kcheck-test-XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
n=0
echo "1..7"
result() { # desc status [skip-reason]
	n=$((n + 1))
	if [ -n "$3" ]; then echo "ok $n - $1 # SKIP $3"
	elif [ "$2" = 0 ]; then echo "ok $n - $1"
	else echo "not ok $n - $1"; fi
}

# bad input
printf 'write 0x0 0x10 0x0\nfrobnicate 1 2 3\n' > "$tmp/bad.fsxops"
err=$("$sim" kcheck "$tmp/bad.fsxops" 2>&1 >/dev/null); rc=$?
[ "$rc" = 2 ] && [ "$(printf '%s\n' "$err" | wc -l)" = 1 ] &&
	printf '%s' "$err" | grep -q "bad.fsxops:2: unknown fsx op 'frobnicate'"
result "a log that does not parse: exit 2, file:line" $?
[ "$rc" = 2 ] || echo "# rc=$rc: $err"
err=$("$sim" kcheck --maxlen 0 "$tmp/bad.fsxops" 2>&1 >/dev/null); rc=$?
[ "$rc" = 2 ] && printf '%s' "$err" | grep -q -- "--maxlen 0"
result "a bad option: exit 2" $?

# can the kernel side run here?
"$sim" kcheck -q "$src/tests/data/fsx/generic-469.1.fsxops" > "$tmp/probe" 2>&1
rc=$?
skip=
if [ "$rc" = 77 ]; then
	skip=$(sed -n 's/^sim kcheck: //p' "$tmp/probe" | head -1)
	echo "# the kernel side cannot run here: $skip"
fi

run_logs() { # desc args...
	desc=$1; shift
	if [ -n "$skip" ]; then result "$desc" 0 "$skip"; return; fi
	"$sim" kcheck "$@" > "$tmp/out" 2>&1; rc=$?
	tail -1 "$tmp/out" | grep -Eq '^([0-9]+) logs, \1 agree, 0 differ$' && [ "$rc" = 0 ]
	result "$desc" $?
	[ "$rc" = 0 ] || sed 's/^/# /' "$tmp/out" | tail -40
	sed -n 's/^  note: /# note: /p' "$tmp/out"
}
run_logs "xfstests' fsx logs agree with the kernel" "$src"/tests/data/fsx/*.fsxops
run_logs "our own fsx logs agree with the kernel" "$src"/tests/fs/fsx/*.fsxops
run_logs "200 random logs agree with the kernel" --random 200 --keep "$tmp/differ"

if [ -n "$skip" ]; then
	result "a changed byte is a difference" 0 "$skip"
	result "the summary counts it" 0 "$skip"
else
	"$sim" kcheck --corrupt-after 2 "$src/tests/data/fsx/generic-456.fsxops" > "$tmp/out" 2>&1
	rc=$?
	[ "$rc" = 1 ] && grep -q 'DIFFER' "$tmp/out" &&
		grep -Eq 'end +- +file @0x137dd \(1 bytes differ\) .* line 2 write byte 0x0' "$tmp/out"
	result "a changed byte is a difference" $?
	[ "$rc" = 1 ] || sed 's/^/# /' "$tmp/out"
	tail -1 "$tmp/out" | grep -q '^1 logs, 0 agree, 1 differ$'
	result "the summary counts it" $?
fi
