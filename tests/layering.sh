#!/bin/sh
# Layering rules of DESIGN §2, checked on the sources (TAP):
#  1. sim/ never includes fs/ or reports/ (only sim/run/main.c composes);
#  2. fs/ includes from sim/ only the public headers sim.h, types.h, cfg.h
#     and model.h (the model plug-in contract, fs/workload/model.c);
#  3. reports/ includes neither sim/ internals nor fs/;
#  4. judge/ (real ext4 as the judge) sits above the model: only
#     sim/run/main.c includes it, and it never includes reports/.
src=${FAULTLINE_SRCDIR:-$(dirname "$0")/..}
cd "$src" || exit 1
echo "1..4"
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
bad=$(find sim -name '*.[ch]' -exec grep -nE '#include[[:space:]]+"(fs|reports)/' {} + 2>/dev/null |
	grep -v '^sim/run/main\.c:')
check "sim/ does not include fs/ or reports/" "$bad"
bad=$(find fs -name '*.[ch]' -exec grep -nE '#include[[:space:]]+"sim/' {} + 2>/dev/null |
	grep -vE '"sim/(engine/(sim|types|model)|config/cfg)\.h"')
check "fs/ includes only the public sim/engine/sim.h, sim/engine/types.h, sim/config/cfg.h, sim/engine/model.h" "$bad"
bad=$(find reports -name '*.[ch]' -exec grep -nE '#include[[:space:]]+"(fs/|sim/internal)' {} + 2>/dev/null)
check "reports/ does not include fs/ or engine internals" "$bad"
bad=$( (find sim fs reports -name '*.[ch]' -exec grep -nE '#include[[:space:]]+"judge/' {} + 2>/dev/null |
	grep -v '^sim/run/main\.c:'
	find judge -name '*.[ch]' -exec grep -nE '#include[[:space:]]+"reports/' {} + 2>/dev/null) )
check "judge/ is included only by sim/run/main.c and does not include reports/" "$bad"
