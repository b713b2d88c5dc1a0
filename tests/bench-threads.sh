# bench-threads.sh -- the figures of issue 3 at classroom size, each the
# median of 5 runs (CPython 3.11 on 2 cores beside them).  Not part of
# make check: it takes about a minute and a half and measures speed.
#   make bench-threads    or    PARLAB=src/parlab sh tests/bench-threads.sh
set -u
: "${PARLAB:=src/parlab}"
RUNS=${RUNS:-5}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/parlab-bench-threads.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

# median: the middle of the numbers on stdin.
median() {
	sort -g | awk '{ v[NR] = $1 } END {
		if (NR == 0) { print "?"; exit }
		if (NR % 2) print v[(NR + 1) / 2]
		else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# bench LABEL TARGET KEYS -- ARGS...: RUNS runs, the median of each key.
bench() {
	label=$1 target=$2 keys=$3
	shift 4
	: > "$TMP/all"
	i=0
	while [ $i -lt "$RUNS" ]; do
		"$PARLAB" run threads "$@" --no-trace --format json > "$TMP/j" ||
		    { echo "$label: run failed" >&2; return 1; }
		cat "$TMP/j" >> "$TMP/all"
		echo >> "$TMP/all"
		i=$((i + 1))
	done
	line="$label:"
	for k in $keys; do
		m=$(sed -n "s/.*\"$k\":\([-0-9.eE+]*\)[,}].*/\1/p" "$TMP/all" | median)
		all=$(sed -n "s/.*\"$k\":\([-0-9.eE+]*\)[,}].*/\1/p" "$TMP/all" | tr '\n' ' ')
		line="$line $k=$m [$all]"
	done
	echo "$line    (target: $target)"
}

echo "parlab threads demo, $RUNS runs each, medians [all runs]; $(nproc) cores"
bench "cpu gil=new " "0.85-1.15, CPython 1.07" "speedup gil_switches" -- task=cpu gil=new
bench "cpu gil=none" ">= 1.8" "speedup" -- task=cpu gil=none
bench "io  gil=new " ">= 1.8, CPython 2.0" "speedup" -- task=io gil=new
bench "mix gil=new " "p50 about 6 ms, CPython 6.24 / p99 6.9" \
    "io_latency_p50_ms io_latency_p99_ms" -- task=mix gil=new
bench "mix gil=new interval_us=500" "p50 < 2.5 ms, CPython 1.67" \
    "io_latency_p50_ms io_latency_p99_ms" -- task=mix gil=new interval_us=500
bench "mix gil=none" "CPython without the CPU thread 1.09" \
    "io_latency_p50_ms" -- task=mix gil=none
bench "cpu gil=old " "failed wake-ups in the thousands, waiter starved" \
    "gil_failed_wakeups gil_longest_wait_ms speedup" -- task=cpu gil=old
bench "cpu gil=none threads=1" "wall about work_ms (1000): calibration" \
    "wall_ms sequential_ms" -- task=cpu gil=none threads=1
