# procs.sh -- the procs demo: results, separate memory, speedup directions,
# fork vs spawn starts, the trace, and no process left behind.
. "$top_srcdir/tests/lib.sh"

ncpu=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)

# Bad parameters name themselves and nothing runs.
for bad in procs=0 procs=257 start=vfork task=disk work_ms=0 payload=-1 \
    payload=99999999999 nosuch=1; do
	expect_exit 2 "$PARLAB" run procs "$bad"
	grep -q "${bad%%=*}" "$TEST_TMP/err" || fail "$bad: message does not name it"
done
ok "bad parameters exit 2 and name themselves"

# payload x procs has a cap of its own (256 MiB), checked like a range.
expect_exit 2 "$PARLAB" run procs procs=16 payload=67108864
grep -q "payload=67108864 with procs=16 .*out of range" "$TEST_TMP/err" ||
    fail "payload x procs: $(cat "$TEST_TMP/err")"
[ ! -s "$TEST_TMP/out" ] || fail "payload x procs: something ran"
run_json "$TEST_TMP/cap" procs procs=4 payload=67108864 work_ms=1
ok "payload x procs over 256 MiB refused (exit 2), exactly 256 MiB runs"

# Separate memory and the results of every child.
"$PARLAB" run procs procs=3 work_ms=100 --format json > "$TEST_TMP/j" ||
    fail "procs run failed"
[ "$(json_num parent_counter "$TEST_TMP/j")" = 0 ] || fail "parent counter moved"
[ "$(json_num child_counter "$TEST_TMP/j")" = 10 ] || fail "child counter: $(json_num child_counter "$TEST_TMP/j")"
[ "$(json_array child_counters "$TEST_TMP/j")" = "[10,10,10]" ] ||
    fail "child counters: $(json_array child_counters "$TEST_TMP/j")"
[ "$(grep -o '"type":"process","pid":' "$TEST_TMP/j" | wc -l)" -eq 3 ] ||
    fail "three process lanes with pids expected"
ok "each child counts in its own memory; the parent's counter stays 0"

# CPU work on processes speeds up on 2 cores and uses both.
cpu_fast() {
	"$PARLAB" run procs procs=2 task=cpu work_ms=400 --format json \
	    > "$TEST_TMP/c" || fail "cpu run failed"
	fcmp "$(json_num speedup "$TEST_TMP/c")" '>' 1.15 &&
	    [ "$(json_num cores_used "$TEST_TMP/c")" -ge 2 ]
}
if [ "$ncpu" -ge 2 ]; then
	try 5 cpu_fast || fail "task=cpu: speedup $(json_num speedup "$TEST_TMP/c"), cores $(json_num cores_used "$TEST_TMP/c")"
	ok "task=cpu speeds up on processes and uses 2 cores"
fi

# Sleeping processes overlap on any machine.  Each start costs what
# CPython's does (tens of ms where page faults are slow), so the sleeps are
# long beside it.
"$PARLAB" run procs procs=3 task=io work_ms=500 --format json > "$TEST_TMP/i" ||
    fail "io run failed"
fcmp "$(json_num speedup "$TEST_TMP/i")" '>' 2 ||
    fail "task=io speedup $(json_num speedup "$TEST_TMP/i")"
ok "task=io overlaps"

# spawn starts a fresh parlab: slower to start than a fork.
spawn_slower() {
	"$PARLAB" run procs procs=4 task=io work_ms=50 start=fork \
	    --format json > "$TEST_TMP/f" || fail "fork run failed"
	"$PARLAB" run procs procs=4 task=io work_ms=50 start=spawn \
	    --format json > "$TEST_TMP/s" || fail "spawn run failed"
	fcmp "$(json_num start_ms "$TEST_TMP/s")" '>' \
	    "$(json_num start_ms "$TEST_TMP/f")"
}
try 3 spawn_slower || fail "spawn start $(json_num start_ms "$TEST_TMP/s") ms, fork $(json_num start_ms "$TEST_TMP/f") ms"
[ "$(json_array child_counters "$TEST_TMP/s")" = "[5,5,5,4]" ] ||
    [ "$(json_array child_counters "$TEST_TMP/s")" = "[5,5,5,5]" ] ||
    fail "spawned counters: $(json_array child_counters "$TEST_TMP/s")"
ok "spawn workers run and start later than forked ones"

# A payload travels and is checked on arrival.
"$PARLAB" run procs procs=2 task=io work_ms=10 payload=300000 start=spawn \
    --format json > "$TEST_TMP/p" || fail "payload run failed"
[ "$(json_num payload_bytes "$TEST_TMP/p")" = 600000 ] || fail "payload bytes"
ok "payload comes back intact"

# The Chrome trace is JSON and names process lanes by their pid.
"$PARLAB" run procs procs=2 work_ms=50 start=spawn --format trace \
    > "$TEST_TMP/t.json" || fail "trace run failed"
valid_json "$TEST_TMP/t.json"
if command -v python3 >/dev/null 2>&1; then
	python3 - "$TEST_TMP/t.json" <<'PY' || fail "process lanes are not named by pid"
import json, sys
t = json.load(open(sys.argv[1]))
names = [e for e in t["traceEvents"] if e.get("name") == "thread_name"]
procs = [e for e in names if e["args"]["name"].startswith("P")]
assert len(procs) == 2, procs
for e in procs:
    assert e["args"]["name"] == "P%d" % e["pid"], e
spans = [e for e in t["traceEvents"] if e.get("ph") == "X"]
assert any(e["name"] == "starting" for e in spans)
assert any(e["name"] == "running" for e in spans)
PY
fi
ok "--format trace is JSON with process lanes named by pid"

# A normal run leaves nothing behind.
"$PARLAB" run procs procs=2 task=io work_ms=1500 > "$TEST_TMP/o" 2>&1 &
pid=$!
kids=$(wait_children "$pid" 2)
wait "$pid" || fail "the run failed"
[ "$(echo $kids | wc -w)" -eq 2 ] || fail "expected 2 children, saw: $kids"
gone $kids
ok "every child is reaped after a run"

# A child killed outright is named with its signal, and the run ends.
"$PARLAB" run procs procs=2 task=io work_ms=5000 > "$TEST_TMP/o" 2> "$TEST_TMP/e" &
pid=$!
kids=$(wait_children "$pid" 2)
[ "$(echo $kids | wc -w)" -eq 2 ] || fail "expected 2 children, saw: $kids"
kill -KILL ${kids%% *}
st=0
wait "$pid" || st=$?
[ "$st" = 1 ] || fail "a killed child: exit $st, not 1"
grep -q "worker [01] was killed by SIGKILL" "$TEST_TMP/e" ||
    fail "a killed child is not named with its signal: $(cat "$TEST_TMP/e")"
gone $kids
ok "a SIGKILLed child: 'worker N was killed by SIGKILL', exit 1, nothing left"

# Interrupted mid-way (SIGINT, SIGTERM; fork and spawn): nothing is left.
for sig in INT TERM; do
	for start in fork spawn; do
		interrupt "$sig" 2 procs procs=2 start=$start work_ms=5000
		grep -q stopped "$TEST_TMP/e" || fail "SIG$sig: no message"
	done
done
ok "SIGINT and SIGTERM mid-run leave no child and no zombie"

done_testing
