#!/bin/sh
# Layering rules of docs/design.md §2, checked on the sources (TAP):
#  1. sim/ never includes fs/ or reports/ (only sim/run/main.c composes);
#  2. fs/ includes from sim/ only the public headers sim.h, types.h, cfg.h
#     and model.h (the model plug-in contract, fs/workload/model.c);
#  3. reports/ includes neither fs/ nor sim/ internals (it reads the run
#     directory format; at most the public sim.h, types.h, cfg.h);
#  4. generic kernel code never uses EXT4_SB: it reaches the disk, the
#     costs, the oracle and the strategy through struct super_block
#     (fs/fs.h);
#  5. generic kernel code includes nothing from fs/ext4/;
#  6. the kernel mirror includes from fs/oracle/ only the hook header
#     fs/oracle/oracle.h, and nothing from fs/workload/;
#  7. sim/engine/ includes nothing from sim/run/;
#  8. judge/ (real ext4 as the judge) sits above the model: only
#     sim/run/main.c includes it, and it never includes reports/.
# "Generic kernel code" is fs/*.[ch], fs/mm/, fs/block/ and fs/jbd2/, and
# fs/oracle/oracle.h, which they include; "the kernel mirror" is that and
# fs/ext4/.  An include is matched wherever its path names the folder
# ("fs/ext4/", "../ext4/"), so a relative include cannot slip past.
src=${FAULTLINE_SRCDIR:-$(dirname "$0")/..}
cd "$src" || exit 1
echo "1..8"
n=0
check() {
	n=$((n + 1))
	if [ -z "$2" ]; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1"
		echo "$2" | sed 's/^/# /'
	fi
}
# includes FOLDER-OR-FILE... : every '#include "..."' line of the C sources
# there, as file:line:text.
includes() {
	find "$@" -name '*.[ch]' -exec grep -nE '#include[[:space:]]+"' {} + 2>/dev/null
}
generic="fs/mm fs/block fs/jbd2 fs/oracle/oracle.h $(ls fs/*.[ch])"
mirror="$generic fs/ext4"

bad=$(includes sim | grep -E '"(fs|reports)/' | grep -v '^sim/run/main\.c:')
check "sim/ does not include fs/ or reports/" "$bad"
bad=$(includes fs | grep -E '"sim/' |
	grep -vE '"sim/(engine/(sim|types|model)|config/cfg)\.h"')
check "fs/ includes only the public sim/engine/sim.h, sim/engine/types.h, sim/config/cfg.h, sim/engine/model.h" "$bad"
bad=$(includes reports | grep -E '"(\.\./)*(fs|sim)/' |
	grep -vE '"sim/(engine/(sim|types)|config/cfg)\.h"')
check "reports/ does not include fs/ or sim/ internals" "$bad"
# shellcheck disable=SC2086
bad=$(find $generic -name '*.[ch]' -exec grep -nw EXT4_SB {} + 2>/dev/null)
check "fs/*.[ch], fs/mm/, fs/block/, fs/jbd2/ do not use EXT4_SB" "$bad"
# shellcheck disable=SC2086
bad=$(includes $generic | grep -E '"[^"]*ext4/')
check "fs/*.[ch], fs/mm/, fs/block/, fs/jbd2/ include nothing from fs/ext4/" "$bad"
# shellcheck disable=SC2086
bad=$(includes $mirror | grep -E '"[^"]*(oracle|workload)/' |
	grep -v '"fs/oracle/oracle\.h"')
check "the kernel mirror includes only fs/oracle/oracle.h from fs/oracle/ and nothing from fs/workload/" "$bad"
bad=$(includes sim/engine | grep -E '"[^"]*run/')
check "sim/engine/ does not include sim/run/" "$bad"
bad=$( (find sim fs reports -name '*.[ch]' -exec grep -nE '#include[[:space:]]+"judge/' {} + 2>/dev/null |
	grep -v '^sim/run/main\.c:'
	find judge -name '*.[ch]' -exec grep -nE '#include[[:space:]]+"reports/' {} + 2>/dev/null) )
check "judge/ is included only by sim/run/main.c and does not include reports/" "$bad"
