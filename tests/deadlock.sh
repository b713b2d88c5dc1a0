# deadlock.sh -- the deadlock demo: a real cycle found and ended within the
# timeout, the fix by lock order, rings of more threads, the words, and no
# thread or process left behind.
. "$top_srcdir/tests/lib.sh"

j="$TEST_TMP/j"

# opposite: deadlocked, the cycle, exit 0, within timeout_ms + 1 s.
for t in 300 1000; do
	t0=$(date +%s%N)
	"$PARLAB" run deadlock order=opposite timeout_ms=$t --format json > "$j" ||
	    fail "timeout_ms=$t: exit $?"
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	valid_json "$j"
	[ "$(json_num deadlocked "$j")" = true ] || fail "timeout_ms=$t: not deadlocked: $(cat "$j")"
	[ "$(json_array cycle "$j")" = '["T0","T1"]' ] || fail "cycle: $(json_array cycle "$j")"
	[ "$ms" -lt $((t + 1000)) ] || fail "timeout_ms=$t took $ms ms"
	[ "$ms" -ge "$t" ] || fail "timeout_ms=$t ended after $ms ms: nobody waited it out"
	[ "$(json_num gave_up "$j")" -ge 1 ] || fail "no acquire gave up"
	[ $(( $(json_num completed "$j") + $(json_num gave_up "$j") )) = 2 ] || fail "threads lost"
done
ok "order=opposite deadlocks, finds the cycle [T0,T1], ends within timeout_ms + 1 s"

# Every wait shows on the lanes (wait-lock) for about timeout_ms.
w0=$(sed -n 's/.*"lane":"T0"[^}]*"wait_ms":\([0-9.]*\).*/\1/p' "$j")
fcmp "$w0" '>=' 900 || fail "T0 waited only $w0 ms"
ok "the deadlocked lane waits about timeout_ms in wait-lock ($w0 ms)"

# same: never deadlocks (20 runs), everybody finishes.
for i in $(seq 20); do
	run_json "$j" deadlock order=same timeout_ms=200 hold_us=2000
	[ "$(json_num deadlocked "$j")" = false ] || fail "order=same deadlocked"
	[ "$(json_array cycle "$j")" = '[]' ] || fail "order=same has a cycle"
	[ "$(json_num completed "$j")" = 2 ] || fail "order=same: not all finished"
done
ok "order=same: no deadlock in 20 of 20, both threads finish"

# A ring of four threads and four locks: the cycle names all four.
run_json "$j" deadlock threads=4 locks=4 timeout_ms=300
[ "$(json_array cycle "$j")" = '["T0","T1","T2","T3"]' ] || fail "ring: $(json_array cycle "$j")"
run_json "$j" deadlock threads=4 locks=4 order=same timeout_ms=300
[ "$(json_num deadlocked "$j")" = false ] || fail "ring in order deadlocked"
ok "threads=4 locks=4: a ring of four; in order, none"

# The text summary says it in plain words.
"$PARLAB" run deadlock timeout_ms=200 > "$TEST_TMP/t" || fail "text run"
grep -q "T0 holds L0 and waits for L1, held by T1" "$TEST_TMP/t" || fail "words: $(cat "$TEST_TMP/t")"
grep -q "The fix: take the locks in one global" "$TEST_TMP/t" || fail "no fix named"
ok "the text summary explains the cycle and the fix"

# Bad parameters are refused; nothing runs.
bad_param deadlock order=sideways "order"
bad_param deadlock threads=9 "threads"
bad_param deadlock timeout_ms=0 "timeout_ms"
ok "bad parameters are refused"

# No thread or process left: the run ends, its threads joined.
"$PARLAB" run deadlock timeout_ms=300 > /dev/null &
pid=$!
sleep 0.15
n=$(ls "/proc/$pid/task" 2>/dev/null | wc -l)
[ "$n" -ge 3 ] || fail "only $n tasks while deadlocked"
wait "$pid" || fail "exit status $?"
gone "$pid"
ok "while deadlocked the threads exist ($n tasks); afterwards nothing is left"

# In the list of demos.
"$PARLAB" list | grep -q "^  deadlock " || fail "not in parlab list"
ok "in parlab list"

done_testing
