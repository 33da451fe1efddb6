#!/usr/bin/env bash
# fuzz/run.sh — builds the libFuzzer targets and runs them (`make fuzz`).
#
#   fuzz/run.sh build          build fuzz/build/ (clang, ASan+UBSan, libFuzzer)
#   fuzz/run.sh run [TARGET]   build, then run each target (or one) for
#                              FUZZ_SECONDS (default 60) on its corpus
#   fuzz/run.sh smoke          build, then a short fixed run of each target
#                              (FUZZ_SMOKE_RUNS inputs, default 20000, at
#                              most FUZZ_SMOKE_SECONDS each, default 120) and
#                              of the extreme-workload generator
#                              (FUZZ_GEN_COUNT workloads, default 40): what
#                              CI runs
#   fuzz/run.sh gen            build, then FUZZ_GEN_COUNT (default 1000)
#                              extreme workloads from seed FUZZ_GEN_SEED,
#                              many per sanitizer process (extreme-batch)
#
# Needs clang and libFuzzer (Debian: clang, libclang-rt-14-dev; `./dev
# fuzz` installs them).  The build is a copy of the tree configured with
# CC=clang --enable-asan --enable-debug and -fsanitize=fuzzer-no-link, so
# the targets see the invariant checkers and every sanitizer.  A crash, a
# sanitizer report, a leak, a timeout (FUZZ_TIMEOUT s per input, default
# 10) or an out-of-memory fails the run; the input that did it is left in
# fuzz/build/artifacts/.  New corpus entries found by `run` go to
# fuzz/build/corpus/TARGET (merge them into fuzz/corpus/TARGET by hand
# with -merge=1 when they add coverage).
set -uo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
bld=${FUZZ_BUILD:-$src/fuzz/build}
targets="workload fsx shard results cli"
mode=${1:-run}
only=${2:-}

build() {
	command -v clang >/dev/null || { echo "fuzz: clang not installed (./dev fuzz)" >&2; exit 2; }
	mkdir -p "$bld/tree" "$bld/artifacts" "$bld/corpus"
	# the tree as committed plus what is new (never the in-tree build)
	(cd "$src" && git ls-files -co --exclude-standard -z | grep -zv '^fuzz/build/' |
		tar --null -T - -cf -) | tar -xf - -C "$bld/tree" || exit 2
	(
		cd "$bld/tree" || exit 1
		if [ ! -f Makefile ]; then
			./autogen.sh >/dev/null &&
			./configure -q CC=clang CFLAGS="-fsanitize=fuzzer-no-link" \
				--enable-asan --enable-debug || exit 1
		fi
		make -s -j"${FUZZ_JOBS:-2}" sim/engine/libengine.a sim/config/libconfig.a \
			sim/run/librun.a fs/libfs.a reports/libreport.a sim/sim || exit 1
		flags="-g -O1 -std=gnu11 -D_GNU_SOURCE -I. -fsanitize=fuzzer,address,undefined
			-fno-sanitize-recover=undefined -fno-omit-frame-pointer
			$(pkg-config --cflags glib-2.0 json-glib-1.0)"
		libs="sim/run/librun.a fs/libfs.a reports/libreport.a sim/config/libconfig.a
			sim/engine/libengine.a $(pkg-config --libs json-glib-1.0 glib-2.0) -lm -pthread"
		for t in $targets; do
			if [ ! -x "fuzz-$t" ] || [ "fuzz/fuzz-$t.c" -nt "fuzz-$t" ] ||
			   [ sim/run/librun.a -nt "fuzz-$t" ]; then
				# shellcheck disable=SC2086
				clang $flags -o "fuzz-$t" "fuzz/fuzz-$t.c" $libs || exit 1
			fi
		done
		# many extreme workloads per sanitizer process (gen-extreme.py)
		if [ ! -x extreme-batch ] || [ fuzz/extreme-batch.c -nt extreme-batch ] ||
		   [ sim/run/librun.a -nt extreme-batch ]; then
			# shellcheck disable=SC2086
			clang ${flags/fuzzer,/} -o extreme-batch fuzz/extreme-batch.c \
				$libs || exit 1
		fi
	) || { echo "fuzz: build failed" >&2; exit 2; }
}

# run_target NAME ARGS...: libFuzzer on fuzz/corpus/NAME (+ the build's own
# corpus), dictionary fuzz/dict/NAME.dict.  Prints the last stats line.
run_target() {
	local t=$1 log rc
	shift
	mkdir -p "$bld/corpus/$t"
	log="$bld/fuzz-$t.log"
	(cd "$bld/tree" && ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		./fuzz-$t -dict="$src/fuzz/dict/$t.dict" -timeout="${FUZZ_TIMEOUT:-10}" \
		-rss_limit_mb=2048 -malloc_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$bld/artifacts/$t-" "$@" \
		"$bld/corpus/$t" "$src/fuzz/corpus/$t") >"$log" 2>&1
	rc=$?
	grep -E '^(#[0-9]+.*(DONE|pulse|NEW)|stat::number_of_executed_units|stat::peak_rss)' "$log" |
		tail -n 3 | sed "s/^/fuzz-$t: /"
	grep -E 'cov: [0-9]+' "$log" | tail -n 1 | sed -E "s/.*(cov: [0-9]+ ft: [0-9]+ corp: [0-9/a-zA-Z]+).*/fuzz-$t: \1/"
	if [ $rc != 0 ]; then
		echo "fuzz-$t: FAILED (exit $rc); see $log" >&2
		grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error)' "$log" | head -n 5 >&2
	fi
	return $rc
}

status=0
case "$mode" in
build) build ;;
run)
	build
	for t in $targets; do
		[ -n "$only" ] && [ "$only" != "$t" ] && continue
		run_target "$t" -max_total_time="${FUZZ_SECONDS:-60}" || status=1
	done
	;;
smoke)
	build
	for t in $targets; do
		run_target "$t" -runs="${FUZZ_SMOKE_RUNS:-20000}" -seed=1 \
			-max_total_time="${FUZZ_SMOKE_SECONDS:-120}" || status=1
	done
	# workloads that once tripped a sanitizer: run clean, nothing on stderr
	for cfg in "$src"/fuzz/regress/*.cfg; do
		err=$(ASAN_OPTIONS=detect_leaks=1 \
			UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
			timeout 300 "$bld/tree/sim/sim" -q -j1 -o /dev/null "$cfg" 2>&1)
		rc=$?
		if [ $rc = 0 ] && [ -z "$err" ]; then
			echo "fuzz/regress/${cfg##*/}: ok"
		else
			echo "fuzz/regress/${cfg##*/}: FAILED (exit $rc)" >&2
			printf '%s\n' "$err" | head -n 20 >&2
			status=1
		fi
	done
	python3 "$src/fuzz/gen-extreme.py" --sim "$bld/tree/sim/sim" \
		--batch "$bld/tree/extreme-batch" \
		--count "${FUZZ_GEN_COUNT:-40}" --seed 1 --work "$bld/gen" || status=1
	;;
gen)
	build
	python3 "$src/fuzz/gen-extreme.py" --sim "$bld/tree/sim/sim" \
		--batch "$bld/tree/extreme-batch" --count "${FUZZ_GEN_COUNT:-1000}" \
		--seed "${FUZZ_GEN_SEED:-1}" --work "$bld/gen" || status=1
	;;
*)
	echo "usage: fuzz/run.sh build|run [TARGET]|smoke|gen" >&2
	exit 2
	;;
esac
exit $status
