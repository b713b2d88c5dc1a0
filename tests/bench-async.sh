# bench-async.sh -- the figures of the gen and async demos (issue 4) at
# classroom size, each the median of 5 runs, traced as a student runs them,
# with CPython 3.11's figure beside them where there is one.  Not part of
# make check: it takes about 40 s and measures speed.
#   make bench-async    or    PARLAB=src/parlab sh tests/bench-async.sh
set -u
: "${PARLAB:=src/parlab}"
RUNS=${RUNS:-5}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/parlab-bench-async.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

# median: the middle of the numbers on stdin.
median() {
	sort -g | awk '{ v[NR] = $1 } END {
		if (NR == 0) { print "?"; exit }
		if (NR % 2) print v[(NR + 1) / 2]
		else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# bench LABEL TARGET DEMO KEYS -- ARGS...: RUNS runs, the median of each key.
bench() {
	label=$1 target=$2 demo=$3 keys=$4
	shift 5
	: > "$TMP/all"
	i=0
	while [ $i -lt "$RUNS" ]; do
		"$PARLAB" run "$demo" "$@" --format json > "$TMP/j" ||
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

echo "parlab gen and async demos, $RUNS runs each, medians [all runs]; $(nproc) cores"
bench "gen 2 tasks 2000,3000 ms" "wall about the longest (3000 ms), results [4,7]" \
    gen "wall_ms wall_per_longest switches" --
bench "async 3 x 1000 ms" "about 1000 ms, CPython 1001" \
    async "wall_ms max_lag_ms" --
bench "async blocking=1" "wall grows by a sleep, lag about 1000 ms" \
    async "wall_ms max_lag_ms" -- blocking=1
bench "async 10000 x 500 ms" "wall_per_sleep <= 1.05, RSS < 64 MB" \
    async "wall_ms wall_per_sleep max_lag_ms peak_rss_kb" -- tasks=10000 sleep_ms=500
bench "async 10000 --no-trace" "the same without recording" \
    async "wall_per_sleep peak_rss_kb" -- tasks=10000 sleep_ms=500 --no-trace
