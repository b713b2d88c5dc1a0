# async.sh -- the async demo end to end: gathered results in task order,
# overlapping sleeps (about one sleep in all), a blocking call that stalls
# the loop (large max_lag_ms, longer wall: generous ratios) and its fix on
# a worker thread, a semaphore's limit, a timeout's cancellations,
# as_completed's order, 2000 tasks on one thread, a clean stop on SIGINT
# (also mid blocking call), and bad parameters refused (exit 2).
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
grep -q '"params":{"tasks":3,"sleep_ms":200,"blocking":"0","offload":"none","limit":0,"timeout_ms":0,"order":"gather","sleeps":"same","scale":1}' \
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

# offload=thread: the same blocking call on a worker thread (to_thread);
# the loop stays free (lag well under the sleep), the thread has a lane.
# The lag is a time on a shared machine: one of three runs must show it.
off_lag() {
	"$PARLAB" run async tasks=3 sleep_ms=500 blocking=1 offload=thread \
	    --format json > "$TEST_TMP/off" || return 1
	fcmp "$(json_num max_lag_ms "$TEST_TMP/off")" '<' 20
}
try 3 off_lag ||
    fail "offload: max_lag_ms $(num off max_lag_ms), the loop still stalled"
[ "$(json_array results "$TEST_TMP/off")" = "[0,1,4]" ] ||
    fail "offload: results $(json_array results "$TEST_TMP/off")"
fcmp "$(num off wall_ms)" '<' 800 || fail "offload: wall $(num off wall_ms) ms"
[ -n "$(num off thread_start_us)" ] || fail "offload: no thread_start_us"
"$PARLAB" run async tasks=2 sleep_ms=100 blocking=1 offload=thread \
    --format trace > "$TEST_TMP/offtrace" || fail "offload trace failed"
grep -q '"name":"thread"' "$TEST_TMP/offtrace" || fail "no worker thread lane"
ok "to_thread: lag $(num off max_lag_ms) ms (blocking: $(num blk max_lag_ms))"

# limit=5 over 20 tasks of 200 ms: four waves, never more than 5 at once,
# the waiting ones drawn as wait-lock; without a limit, all 20 at once.
runj lim tasks=20 sleep_ms=200 limit=5
[ "$(num lim max_in_flight)" = 5 ] ||
    fail "limit=5: max_in_flight $(num lim max_in_flight)"
fcmp "$(num lim wall_ms)" '>=' 720 || fail "limit=5: wall $(num lim wall_ms) ms < 4 waves"
fcmp "$(num lim wall_ms)" '<' 1200 || fail "limit=5: wall $(num lim wall_ms) ms"
runj nolim tasks=20 sleep_ms=50
[ "$(num nolim max_in_flight)" = 20 ] ||
    fail "no limit: max_in_flight $(num nolim max_in_flight)"
"$PARLAB" run async tasks=4 sleep_ms=50 limit=1 --format trace \
    > "$TEST_TMP/limtrace" || fail "limit trace failed"
grep -q '"name":"wait-lock"' "$TEST_TMP/limtrace" ||
    fail "limit=1: no task drawn waiting on the semaphore"
ok "Semaphore(5): 20 tasks in $(num lim wall_ms) ms, 5 in flight at most"

# sleeps=varied: the last task finishes first; as_completed reports so,
# gather in task order.
runj asc tasks=4 sleep_ms=200 sleeps=varied order=as_completed
[ "$(json_array completed "$TEST_TMP/asc")" = "[3,2,1,0]" ] ||
    fail "varied: completed $(json_array completed "$TEST_TMP/asc")"
[ "$(json_array results "$TEST_TMP/asc")" = "[9,4,1,0]" ] ||
    fail "as_completed: results $(json_array results "$TEST_TMP/asc")"
runj gat tasks=4 sleep_ms=200 sleeps=varied
[ "$(json_array results "$TEST_TMP/gat")" = "[0,1,4,9]" ] ||
    fail "gather: results $(json_array results "$TEST_TMP/gat")"
ok "as_completed [9,4,1,0] vs gather [0,1,4,9]"

# timeout_ms: the tasks still pending at the deadline are cancelled, the
# results that arrived are kept, and the run ends at the deadline.
runj tmo tasks=4 sleep_ms=400 sleeps=varied timeout_ms=250
[ "$(json_array cancelled "$TEST_TMP/tmo")" = "[0,1]" ] ||
    fail "timeout: cancelled $(json_array cancelled "$TEST_TMP/tmo")"
[ "$(json_array results "$TEST_TMP/tmo")" = "[-1,-1,4,9]" ] ||
    fail "timeout: results $(json_array results "$TEST_TMP/tmo")"
fcmp "$(num tmo wall_ms)" '<' 380 || fail "timeout: wall $(num tmo wall_ms) ms"
runj tmo2 tasks=6 sleep_ms=200 limit=2 timeout_ms=300
[ "$(json_array cancelled "$TEST_TMP/tmo2")" = "[2,3,4,5]" ] ||
    fail "timeout with a limit: cancelled $(json_array cancelled "$TEST_TMP/tmo2")"
ok "wait_for: 2 cancelled at 250 ms, 2 results kept"

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

# SIGINT inside a ten-minute blocking call, on the loop or on a worker
# thread: the sleep ends within a slice, the run within a second.
for how in "" "offload=thread"; do
	"$PARLAB" run async blocking=1 sleep_ms=600000 $how > /dev/null \
	    2> "$TEST_TMP/blk.err" &
	pid=$!
	sleep 0.3
	kill -INT $pid
	i=0
	while kill -0 $pid 2>/dev/null && [ $i -lt 10 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	kill -0 $pid 2>/dev/null && { kill -9 $pid; fail "SIGINT left a blocking call running ($how)"; }
	st=0
	wait $pid || st=$?
	[ $st = 1 ] || fail "stopped blocking call ($how): exit $st"
done
ok "SIGINT ends a blocking call within a second"

# Bad parameters name themselves, exit 2.
expect_exit 2 "$PARLAB" run async blocking=2
grep -q "blocking" "$TEST_TMP/err" || fail "blocking=2: $(cat "$TEST_TMP/err")"
expect_exit 2 "$PARLAB" run async tasks=0
grep -q "tasks" "$TEST_TMP/err" || fail "tasks=0: $(cat "$TEST_TMP/err")"
expect_exit 2 "$PARLAB" run async tasks=20000
grep -q "tasks" "$TEST_TMP/err" || fail "tasks=20000: $(cat "$TEST_TMP/err")"
expect_exit 2 "$PARLAB" run async sleep_ms=soon
grep -q "sleep_ms" "$TEST_TMP/err" || fail "sleep_ms=soon: $(cat "$TEST_TMP/err")"
bad_param async offload=process offload
bad_param async order=random order
bad_param async limit=-1 limit
bad_param async timeout_ms=600001 timeout_ms
expect_exit 2 "$PARLAB" run async tasks=19999 blocking=1 offload=thread
grep -q "tasks: at most 19998" "$TEST_TMP/err" ||
    fail "a worker thread's lane past the limit: $(cat "$TEST_TMP/err")"
ok "bad parameters exit 2, naming themselves"

done_testing
