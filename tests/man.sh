#!/bin/sh
# The manual page (TAP): it renders, and it names every option sim --help,
# sim merge --help and sim kcheck --help list, the exit statuses and the files.
src=${FAULTLINE_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
bld=${FAULTLINE_BUILDDIR:-$src}
sim="$bld/sim/sim"
page="$bld/docs/sim.1"
n=0
echo "1..4"
result() { # desc status
	n=$((n + 1))
	if [ "$2" = 0 ]; then echo "ok $n - $1"; else echo "not ok $n - $1"; fi
}
# every long option of the two --help screens, as the page spells it
missing=
for o in $({ "$sim" --help; "$sim" merge --help; "$sim" kcheck --help; } |
	   grep -o -- '--[a-z][a-z-]*' | sort -u); do
	esc=$(printf '%s' "$o" | sed 's/-/\\\\-/g')
	grep -q -- "$esc" "$page" || missing="$missing $o"
done
[ -z "$missing" ] || echo "# not in the man page:$missing"
[ -z "$missing" ]
result "every option of sim, sim merge and sim kcheck --help is in sim(1)" $?
for s in 'SYNOPSIS' 'OPTIONS' 'EXIT STATUS' 'FILES' 'EXAMPLES'; do
	grep -q "^\.SH $s" "$page" || { echo "# no section $s"; false; } || break
done
result "sections: synopsis, options, exit status, files, examples" $?
for c in 0 1 2 3 130; do
	grep -q "^\.B $c\$" "$page" || { echo "# exit status $c missing"; false; } || break
done
result "exit statuses 0 1 2 3 130" $?
! grep -q '@[a-zA-Z]*@' "$page"
result "install paths and version substituted" $?
