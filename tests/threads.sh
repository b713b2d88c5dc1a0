# threads.sh -- the threads demo end to end: its JSON keys, the direction of
# each speedup and latency (generous bounds, scale=0.2, never an absolute
# time), the old GIL's failed wake-ups, the lanes drawn, bad parameters.
. "$top_srcdir/tests/lib.sh"

# runj NAME ARGS...: run the demo at scale=0.2 into $TEST_TMP/NAME.
runj() {
	name=$1
	shift
	"$PARLAB" run threads scale=0.2 "$@" --format json > "$TEST_TMP/$name" ||
	    fail "run threads $* failed: $(cat "$TEST_TMP/$name")"
	valid_json "$TEST_TMP/$name"
}

# num NAME KEY: a figure of an earlier run.
num() {
	v=$(json_num "$2" "$TEST_TMP/$1")
	[ -n "$v" ] || fail "$1 has no $2"
	echo "$v"
}

# attempt N CMD...: a timing comparison on a shared, noisy machine gets up
# to N tries; CMD returns non-zero to ask for another.
attempt() {
	tries=$1
	shift
	i=0
	while [ $i -lt "$tries" ]; do
		"$@" && return 0
		i=$((i + 1))
	done
	return 1
}

# The contract's keys, every parameter echoed.
runj cpu task=cpu work_ms=100
for k in wall_ms sequential_ms speedup gil_switches gil_wait_ms gil_failed_wakeups; do
	num cpu $k > /dev/null
done
grep -q '"params":{"threads":2,"task":"cpu","work_ms":100,"gil":"new","interval_us":5000,"check":100,"limit":0,"scale":0.2}' \
    "$TEST_TMP/cpu" || fail "params: $(cat "$TEST_TMP/cpu")"
runj mix task=mix work_ms=100
for k in io_latency_p50_ms io_latency_p99_ms io_waits; do
	num mix $k > /dev/null
done
[ "$(num mix io_waits)" -gt 0 ] || fail "mix: no I/O wait"
ok "JSON keys"

# I/O threads overlap whatever the GIL: speedup well above 1.
io_fast() {
	runj io task=io gil=new
	fcmp "$(num io speedup)" '>' 1.4
}
attempt 5 io_fast || fail "task=io speedup $(num io speedup) <= 1.4"
ok "task=io overlaps (speedup $(num io speedup))"

# CPU threads: no faster under the new GIL, faster without one.
cpu_dirs() {
	runj cnew task=cpu gil=new
	runj cnone task=cpu gil=none
	fcmp "$(num cnew speedup)" '<' 1.5 &&
	    fcmp "$(num cnone speedup)" '>' "$(num cnew speedup)"
}
attempt 5 cpu_dirs ||
    fail "cpu speedups: new $(num cnew speedup), none $(num cnone speedup)"
[ "$(num cnew gil_switches)" -gt 2 ] || fail "new GIL: no switches"
# Whatever the machine's load, under the GIL each thread waits while the
# other runs: about half the work in all.
quarter=$(awk -v s="$(num cnew sequential_cpu_ms)" 'BEGIN { print s / 4 }')
fcmp "$(num cnew gil_wait_ms)" '>' "$quarter" ||
    fail "new GIL: only $(num cnew gil_wait_ms) ms of waiting"
[ "$(num cnone gil_wait_ms)" = 0.000 ] || fail "no GIL, yet waits"
[ "$(num cnew gil_drop_requests)" -gt 0 ] || fail "new GIL: no drop request"
[ "$(num cnone gil_switches)" = 0 ] || fail "no GIL, yet switches"
ok "cpu: new $(num cnew speedup) < none $(num cnone speedup)"

# The same work both ways: the threads' CPU time matches the sequential
# run's (CPU time, not wall time: other work on the machine slows both).
awk -v s="$(num cnone sequential_cpu_ms)" -v f="$TEST_TMP/cnone" 'BEGIN {
	getline line < f
	n = split(line, parts, "\"cpu_ms\":")
	for (i = 2; i <= n; i++) sum += parts[i] + 0
	exit !(sum > 0.5 * s && sum < 1.5 * s)
}' || fail "threads' CPU time does not match sequential_cpu_ms $(num cnone sequential_cpu_ms)"
ok "sequential does the same work"

# The old GIL: the waiter wakes for nothing, and starves.
# This is a multi-core effect: when other work crowds both threads onto
# one core, the woken waiter preempts the releaser and wins, as on a
# single-core machine.  So a try only counts while gil=none shows two cores.
busy=0
old_starves() {
	runj old task=cpu gil=old
	# Starving means waits far past what the new GIL bounds: over four
	# switch intervals (20 ms) and twice the new GIL's longest wait.  On a
	# quiet machine it is about 230 ms against 6; under TSan about 40.
	[ "$(num old gil_failed_wakeups)" -gt 0 ] &&
	    fcmp "$(num old gil_longest_wait_ms)" '>' 20 &&
	    fcmp "$(num old gil_longest_wait_ms)" '>' "$(awk -v w="$(num cnew gil_longest_wait_ms)" 'BEGIN { print 2 * w }')" &&
	    return 0
	runj onone task=cpu gil=none
	fcmp "$(num onone speedup)" '<' 1.5 && busy=$((busy + 1))
	return 1
}
if attempt 5 old_starves; then
	ok "old GIL: $(num old gil_failed_wakeups) failed wake-ups, a $(num old gil_longest_wait_ms) ms wait"
elif [ "$busy" -eq 5 ]; then
	# Not a pass: the check could not be made, and says so uncounted.
	echo "# skipped: old GIL not judged, one core free only (gil=none speedup $(num onone speedup))"
else
	fail "old GIL: $(num old gil_failed_wakeups) failed wake-ups, longest wait $(num old gil_longest_wait_ms) ms (new GIL $(num cnew gil_longest_wait_ms) ms)"
fi
[ "$(num cnew gil_failed_wakeups)" = 0 ] || fail "new GIL counted failed wake-ups"

# The convoy: a shorter interval gives the I/O thread the GIL back sooner,
# and without a GIL it is never held up.  At the 5 ms interval a 1 ms wait
# takes about interval + 1 ms (6.24 in CPython): over 3 ms is the convoy,
# where a plain 1 ms sleep takes just over 1 ms.
mix_dirs() {
	runj m5000 task=mix gil=new
	runj m500 task=mix gil=new interval_us=500
	runj mnone task=mix gil=none
	fcmp "$(num m500 io_latency_p50_ms)" '<' "$(num m5000 io_latency_p50_ms)" &&
	    fcmp "$(num mnone io_latency_p50_ms)" '<' "$(num m5000 io_latency_p50_ms)" &&
	    fcmp "$(num m5000 io_latency_p50_ms)" '>' 3 &&
	    fcmp "$(num m5000 io_latency_p99_ms)" '>=' "$(num m5000 io_latency_p50_ms)"
}
attempt 3 mix_dirs || fail "mix p50: 5000 us $(num m5000 io_latency_p50_ms), 500 us $(num m500 io_latency_p50_ms), none $(num mnone io_latency_p50_ms)"
ok "mix: convoy p50 $(num m5000 io_latency_p50_ms) ms > $(num m500 io_latency_p50_ms) ms (500 us)"

# One thread of mix is the I/O thread alone, for work_ms.
runj one task=mix threads=1 work_ms=50 gil=new
[ "$(num one io_waits)" -ge 10 ] || fail "mix threads=1: $(num one io_waits) waits"
ok "mix with one thread"

# Text: one lane per thread, the GIL lane with holders; none has no GIL lane.
# Under the GIL the I/O thread's 1 ms waits may cover less of a column than
# its wait for the GIL does (a loaded machine lengthens the convoy), so its
# lane shows one or the other; without a GIL its waits fill the lane.
"$PARLAB" run threads scale=0.05 threads=3 task=mix > "$TEST_TMP/t" || fail "text run"
grep -q "^T0 *|.*#" "$TEST_TMP/t" || fail "no running T0: $(cat "$TEST_TMP/t")"
grep -q "^T2-io *|.*[~%]" "$TEST_TMP/t" || fail "no I/O lane: $(cat "$TEST_TMP/t")"
grep -q "^GIL *|.*[0-2]" "$TEST_TMP/t" || fail "no GIL lane: $(cat "$TEST_TMP/t")"
grep -q "speedup" "$TEST_TMP/t" || fail "no speedup in text"
"$PARLAB" run threads scale=0.05 threads=3 task=mix gil=none > "$TEST_TMP/t" ||
    fail "text run"
! grep -q "^GIL" "$TEST_TMP/t" || fail "a GIL lane without a GIL"
grep -q "^T2-io *|.*~~~" "$TEST_TMP/t" || fail "no I/O waits drawn: $(cat "$TEST_TMP/t")"
ok "text lanes"

# Trace: the GIL holder as a counter and the drop requests as instants.
"$PARLAB" run threads scale=0.1 task=cpu --format trace -o "$TEST_TMP/tr.json" 2>/dev/null ||
    fail "trace run"
valid_json "$TEST_TMP/tr.json"
grep -q '"ph":"C","name":"GIL"' "$TEST_TMP/tr.json" || fail "no GIL counter in trace"
grep -q 'gil-drop-request' "$TEST_TMP/tr.json" || fail "no drop request in trace"
ok "trace export"

# --no-trace gives the same figures, nothing recorded.
"$PARLAB" run threads scale=0.05 task=io --no-trace --format json > "$TEST_TMP/n" ||
    fail "--no-trace"
[ "$(json_num events "$TEST_TMP/n")" = 0 ] || fail "--no-trace recorded events"
[ -n "$(json_num speedup "$TEST_TMP/n")" ] || fail "--no-trace: no speedup"
ok "--no-trace"

# Every bad parameter exits 2, names itself and its range, runs nothing.
bad_param threads threads=0 "threads=0: out of range; threads is 1 to 64"
bad_param threads threads=65 "threads=65: out of range; threads is 1 to 64"
bad_param threads threads=two "threads=two: not a whole number"
bad_param threads task=gpu "task=gpu: not a choice; task is one of cpu|io|mix"
bad_param threads work_ms=0 "work_ms=0: out of range; work_ms is 1 to 600000"
bad_param threads work_ms=1.5 "work_ms=1.5: not a whole number"
bad_param threads gil=fast "gil=fast: not a choice; gil is one of new|old|none"
bad_param threads interval_us=0 "interval_us=0: out of range; interval_us is 1 to 1000000"
bad_param threads check=0 "check=0: out of range; check is 1 to 1000000"
bad_param threads check=-5 "check=-5: out of range"
bad_param threads scale=0 "scale=0: out of range"
bad_param threads iters=5 "iters"
ok "bad parameters exit 2"

done_testing
