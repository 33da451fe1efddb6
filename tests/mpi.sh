#!/bin/sh
# The MPI runner (TAP; skipped unless built with ./configure --with-mpi):
#  - mpirun -n 3 writes the same results.json as -j1 on one machine, but
#    for "host";
#  - a rank killed with SIGKILL half-way (Open MPI ends the whole job) and
#    the same mpirun rerun with --resume ends with the same bytes, running
#    only the jobs the journal did not hold.
src=${FAULTLINE_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
bld=${FAULTLINE_BUILDDIR:-$src}
sim="$bld/sim/sim"
cfg="$src/workloads/punch_heavy.cfg"
if ! grep -q '^#define HAVE_MPI 1' "$bld/config.h" 2>/dev/null; then
	echo "1..0 # SKIP not an MPI build (./configure --with-mpi)"
	exit 0
fi
if ! command -v mpirun >/dev/null 2>&1; then
	echo "1..0 # SKIP no mpirun on this machine"
	exit 0
fi
# root in CI containers; oversubscribed: more ranks than cores
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
mpi="mpirun --oversubscribe -n 3"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/faultline-mpi-XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
n=0
echo "1..2"
result() { # desc status
	n=$((n + 1))
	if [ "$2" = 0 ]; then echo "ok $n - $1"; else echo "not ok $n - $1"; fi
}
nohost() { sed '/^  "host": {/,$d' "$1"; }
args="-r 3 --duration 10ms"

"$sim" -q -j1 $args -o "$tmp/j1.json" "$cfg" &&
	$mpi "$sim" -q $args -o "$tmp/mpi.json" "$cfg" &&
	nohost "$tmp/j1.json" > "$tmp/j1.nohost" &&
	nohost "$tmp/mpi.json" | cmp -s - "$tmp/j1.nohost"
result "mpirun -n 3 and -j1 write the same results (minus host)" $?

# Kill rank 0 (it holds the journal) once 4 jobs are journaled.
$mpi "$sim" -q $args -o "$tmp/k.json" "$cfg" 2>/dev/null &
mpid=$!
i=0
while [ $i -lt 1200 ]; do
	c=$(grep -c '^job ' "$tmp/k.json.journal" 2>/dev/null)
	[ "${c:-0}" -ge 4 ] && break
	sleep 0.1
	i=$((i + 1))
done
rank0=$(pgrep -P $mpid -f 'sim/sim' | head -1)
had=$(grep -c '^job ' "$tmp/k.json.journal" 2>/dev/null)
[ -n "$rank0" ] && kill -9 "$rank0"
wait $mpid 2>/dev/null
msg=$($mpi "$sim" $args --resume -o "$tmp/k.json" "$cfg" 2>&1 >/dev/null)
echo "# killed rank 0 with ${had:-0} jobs journaled; $msg"
ok=1
if [ -e "$tmp/k.json" ]; then
	nohost "$tmp/k.json" | cmp -s - "$tmp/j1.nohost" &&
	case "$msg" in *"resuming: "*" of 12 jobs already finished"*) ok=0 ;; esac
fi
result "a rank killed half-way, rerun with --resume: same bytes" $ok
