# meet.sh -- threads meeting: an Event releases every waiter, a Condition's
# wait_for re-checks its predicate after notify_all, a Barrier's rounds
# last as long as their stragglers; and threads task=io under a
# threading.Semaphore (limit=N): never more than N inside, N at a time.
. "$top_srcdir/tests/lib.sh"

# num NAME KEY: a figure of an earlier run.
num() {
	v=$(json_num "$2" "$TEST_TMP/$1")
	[ -n "$v" ] || fail "$1 has no $2"
	echo "$v"
}

# Event: all four wait until main sets it, 100 ms in; then all go on.
run_json "$TEST_TMP/ev" meet prim=event threads=4 work_ms=100
fcmp "$(num ev wall_ms)" '>=' 100 || fail "event: wall $(num ev wall_ms) ms"
fcmp "$(num ev release_first_ms)" '<' 50 ||
    fail "event: first release $(num ev release_first_ms) ms after set()"
[ -n "$(num ev release_spread_ms)" ] || fail "event: no release_spread_ms"
ok "Event: released $(num ev release_first_ms) ms after set()"

# Condition: 8 items for 4 consumers, each taken exactly once; notify_all
# wakes them all, so some wake-ups find nothing (with 4 waiters, most do).
run_json "$TEST_TMP/cv" meet prim=condition threads=4 work_ms=20
[ "$(num cv items)" = 8 ] || fail "condition: $(num cv items) items taken"
[ "$(num cv notifies)" = 9 ] || fail "condition: $(num cv notifies) notifies"
taken=$(json_array taken "$TEST_TMP/cv" | tr -d '[]' | tr ',' '\n' |
    awk '{ s += $1 } END { print s }')
[ "$taken" = 8 ] || fail "condition: per-consumer counts add to $taken"
fcmp "$(num cv false_wakeups)" '>' 0 ||
    fail "condition: notify_all with 4 waiters made no false wake-up"
ok "Condition: 8 items, $(num cv false_wakeups) wake-ups found nothing"

# Barrier: 3 rounds of 4 threads, round p's straggler is thread 3-p, and
# each round lasts about its straggler's share (work_ms), not the sum.
run_json "$TEST_TMP/bar" meet prim=barrier threads=4 work_ms=100 phases=3
[ "$(json_array straggler "$TEST_TMP/bar")" = "[3,2,1]" ] ||
    fail "barrier: stragglers $(json_array straggler "$TEST_TMP/bar")"
fcmp "$(num bar wall_ms)" '>=' 300 || fail "barrier: wall $(num bar wall_ms) ms"
fcmp "$(num bar wall_ms)" '<' 600 || fail "barrier: wall $(num bar wall_ms) ms"
"$PARLAB" run meet prim=barrier threads=2 work_ms=40 --format trace \
    > "$TEST_TMP/bt" || fail "barrier trace failed"
grep -q '"name":"wait-lock"' "$TEST_TMP/bt" || fail "barrier: nobody drawn waiting"
ok "Barrier: rounds $(json_array phase_ms "$TEST_TMP/bar") ms"

# threads task=io limit=5: 20 threads of 200 ms in four waves.
run_json "$TEST_TMP/lim" threads threads=20 task=io work_ms=200 limit=5
[ "$(num lim max_in_flight)" = 5 ] ||
    fail "threads limit=5: max_in_flight $(num lim max_in_flight)"
fcmp "$(num lim wall_ms)" '>=' 720 || fail "threads limit=5: wall $(num lim wall_ms) ms"
fcmp "$(num lim wall_ms)" '<' 1300 || fail "threads limit=5: wall $(num lim wall_ms) ms"
ok "threading.Semaphore(5): 20 threads in $(num lim wall_ms) ms"

# A stop reaches threads waiting on each primitive.
for p in event condition barrier; do
	interrupt INT 0 meet prim=$p work_ms=60000
done
ok "SIGINT ends every wait"

bad_param meet prim=lock prim
bad_param meet threads=1 threads
bad_param threads limit=65 limit
ok "bad parameters exit 2"

done_testing
