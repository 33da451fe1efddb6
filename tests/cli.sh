#!/bin/sh
# The command line on good and bad input (TAP): every bad input gives exit
# status 2 and exactly one line naming file, line, section and key.
src=${FAULTLINE_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
bld=${FAULTLINE_BUILDDIR:-$src}
sim="$bld/sim/sim"
t="$src/tests/cli"
n=0
nw=$(ls "$src"/workloads/*.cfg | wc -l)
plan=$((20 + nw))
echo "1..$plan"
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
for a in --version --help --help-config --list-strategies; do
	"$sim" $a >/dev/null 2>&1; result "$a exits 0" $?
done
expect_error "missing file" "cannot open .*nosuch.cfg" "$t/nosuch.cfg"
expect_error "typo'd key with did-you-mean" "typo-key.cfg:10: \[job\] numjob: .*did you mean 'numjobs'" "$t/typo-key.cfg"
# fio habits: runtime, filename, bs, thinktime (one at a time: the first
# unknown key is the one reported)
f=$t/fio-habits.cfg
tmpf=${TMPDIR:-/tmp}/faultline-fio-$$.cfg
expect_error "fio's runtime" "fio-habits.cfg:3: \[global\] runtime: unknown key 'runtime' \(did you mean 'duration'\? fio's runtime is duration here\)" "$f"
sed '/^runtime/d' "$f" > "$tmpf"
expect_error "fio's filename" ":9: \[job\] filename: .*did you mean 'file'\? fio's filename is file here" "$tmpf"
sed -e '/^runtime/d' -e 's/^filename/file/' "$f" > "$tmpf"
expect_error "fio's bs" ":10: \[job\] bs: .*did you mean 'len'\? fio's bs is len here" "$tmpf"
sed -e '/^runtime/d' -e 's/^filename/file/' -e 's/^bs/len/' "$f" > "$tmpf"
expect_error "fio's thinktime" ":11: \[job\] thinktime: .*did you mean 'think'\? fio's thinktime is think here" "$tmpf"
rm -f "$tmpf"
expect_error "out of range" "range.cfg:2: \[global\] replicas: .*range" "$t/range.cfg"
expect_error "wrong type" "type.cfg:2: \[global\] replicas: " "$t/type.cfg"
expect_error "unknown section" "section.cfg:2: \[globl\] replicas: .*did you mean section \[global\]" "$t/section.cfg"
expect_error "job names a missing file section" "nofile-section.cfg:6: \[job\] file: no file section \[nosuch\]" "$t/nofile-section.cfg"
: > "${TMPDIR:-/tmp}/faultline-empty-$$.cfg"
expect_error "a file with no job section" "nojob.cfg: no job section: nothing would run" "$t/nojob.cfg"
expect_error "an empty file" "faultline-empty-$$.cfg: no job section" "${TMPDIR:-/tmp}/faultline-empty-$$.cfg"
rm -f "${TMPDIR:-/tmp}/faultline-empty-$$.cfg"
expect_error "bad offset syntax" "offset.cfg:7: \[job\] offset: " "$t/offset.cfg"
expect_error "--set of an unknown key" "--set global.replica.*did you mean 'replicas'" --set global.replica=3 "$src/workloads/punch_heavy.cfg"
expect_error "-r 0 names the option" "^sim: -r/--replicas: 0 is out of range" -r 0 "$src/workloads/punch_heavy.cfg"
expect_error "--set out of range" "--set global.replicas: " --set global.replicas=0 "$src/workloads/punch_heavy.cfg"
for w in "$src"/workloads/*.cfg; do
	"$sim" --dump-config "$w" >/dev/null 2>&1; result "$(basename "$w") is valid" $?
done
