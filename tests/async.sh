# async.sh -- the async demo end to end: gathered results in task order,
# overlapping sleeps (about one sleep in all), a blocking call that stalls
# the loop (large max_lag_ms, longer wall: generous ratios), 2000 tasks on
# one thread, a clean stop on SIGINT, and bad parameters refused (exit 2).
. "$top_srcdir/tests/lib.sh"

# runj NAME ARGS...: run the demo into $TEST_TMP/NAME as JSON.
runj() {
	name=$1
	shift
	run_json "$TEST_TMP/$name" async "$@"
}

# num NAME KEY: a figure of an earlier run.
num() {
	v=$(json_num "$2" "$TEST_TMP/$1")
	[ -n "$v" ] || fail "$1 has no $2"
	echo "$v"
}

# Three tasks each await 200 ms: together about 200 ms, not 600.
runj free sleep_ms=200
grep -q '"params":{"tasks":3,"sleep_ms":200,"blocking":"0","scale":1}' \
    "$TEST_TMP/free" || fail "params: $(cat "$TEST_TMP/free")"
[ "$(json_array results "$TEST_TMP/free")" = "[0,1,4]" ] ||
    fail "results $(json_array results "$TEST_TMP/free"), not [0,1,4]"
free_wall=$(num free wall_ms)
fcmp "$free_wall" '>=' 200 || fail "wall $free_wall ms < one sleep"
fcmp "$free_wall" '<' 400 || fail "wall $free_wall ms: the sleeps did not overlap"
fcmp "$(num free max_lag_ms)" '<' 100 ||
    fail "max_lag_ms $(num free max_lag_ms) without a blocking call"
ok "gather of 3 awaited sleeps: [0,1,4] in $free_wall ms"

# blocking=1: task 0 sleeps without awaiting; the loop stalls a whole sleep.
runj blk sleep_ms=200 blocking=1
[ "$(json_array results "$TEST_TMP/blk")" = "[0,1,4]" ] ||
    fail "blocking: results $(json_array results "$TEST_TMP/blk")"
blk_wall=$(num blk wall_ms)
fcmp "$(num blk max_lag_ms)" '>=' 160 ||
    fail "blocking: max_lag_ms $(num blk max_lag_ms) < 0.8 of the sleep"
fcmp "$blk_wall" '>=' 320 || fail "blocking: wall $blk_wall ms did not grow"
fcmp "$blk_wall" '>' "$(awk -v w="$free_wall" 'BEGIN { print w * 1.4 }')" ||
    fail "blocking: wall $blk_wall ms not well above $free_wall ms"
ok "a blocking call stalls the loop: lag $(num blk max_lag_ms) ms, wall $blk_wall ms"

# 2000 tasks on one thread: still about one sleep, results in order.
runj many tasks=2000 sleep_ms=200
fcmp "$(num many wall_per_sleep)" '<' 1.5 ||
    fail "2000 tasks: wall_per_sleep $(num many wall_per_sleep)"
[ "$(num many dropped)" = 0 ] || fail "2000 tasks: events dropped"
[ "$(num many peak_rss_kb)" -gt 0 ] || fail "no peak_rss_kb"
if command -v python3 > /dev/null 2>&1; then
	python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))["results"]
sys.exit(r != [i * i for i in range(2000)])' "$TEST_TMP/many" ||
	    fail "2000 tasks: results out of order"
fi
ok "2000 tasks in $(num many wall_ms) ms"

# The trace has a lane per task and the loop's lane.
"$PARLAB" run async tasks=4 sleep_ms=50 --format trace > "$TEST_TMP/trace" ||
    fail "--format trace failed"
valid_json "$TEST_TMP/trace"
grep -q '"name":"loop"' "$TEST_TMP/trace" || fail "no loop lane in the trace"
grep -q '"name":"task3"' "$TEST_TMP/trace" || fail "no task3 lane"
grep -q '"name":"io"' "$TEST_TMP/trace" || fail "no awaiting (io) span"
ok "--format trace"

# SIGINT mid-sleep: the loop notices within its 100 ms housekeeping tick.
"$PARLAB" run async sleep_ms=20000 > /dev/null 2> "$TEST_TMP/int.err" &
pid=$!
sleep 0.3
kill -INT $pid
i=0
while kill -0 $pid 2>/dev/null && [ $i -lt 30 ]; do
	sleep 0.1
	i=$((i + 1))
done
kill -0 $pid 2>/dev/null && { kill -9 $pid; fail "SIGINT did not stop the loop"; }
wait $pid
[ $? = 1 ] || fail "a stopped run should exit 1"
grep -q "stopped" "$TEST_TMP/int.err" || fail "stop: $(cat "$TEST_TMP/int.err")"
ok "SIGINT stops the loop"

# Bad parameters name themselves, exit 2.
expect_exit 2 "$PARLAB" run async blocking=2
grep -q "blocking" "$TEST_TMP/err" || fail "blocking=2: $(cat "$TEST_TMP/err")"
expect_exit 2 "$PARLAB" run async tasks=0
grep -q "tasks" "$TEST_TMP/err" || fail "tasks=0: $(cat "$TEST_TMP/err")"
expect_exit 2 "$PARLAB" run async tasks=20000
grep -q "tasks" "$TEST_TMP/err" || fail "tasks=20000: $(cat "$TEST_TMP/err")"
expect_exit 2 "$PARLAB" run async sleep_ms=soon
grep -q "sleep_ms" "$TEST_TMP/err" || fail "sleep_ms=soon: $(cat "$TEST_TMP/err")"
ok "bad parameters exit 2, naming themselves"

done_testing
