# pool.sh -- the pool demo: exact results in order on both backends,
# chunks, futures, speedup directions, the trace, and no leftover process.
. "$top_srcdir/tests/lib.sh"

ncpu=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)

for bad in backend=fiber workers=0 items=0 items=100001 fn=sqrt \
    work_us=-1 chunksize=0 gil=old; do
	expect_exit 2 "$PARLAB" run pool "$bad"
	grep -q "${bad%%=*}" "$TEST_TMP/err" || fail "$bad: message does not name it"
done
ok "bad parameters exit 2 and name themselves"

# Results exact and in input order, on both backends.
for b in thread process; do
	for g in new none; do
		"$PARLAB" run pool backend=$b gil=$g fn=square --format json \
		    > "$TEST_TMP/j" || fail "$b square failed"
		[ "$(json_array results "$TEST_TMP/j")" = "[1,4,9,16,25]" ] ||
		    fail "$b square: $(json_array results "$TEST_TMP/j")"
		"$PARLAB" run pool backend=$b gil=$g fn=cube --format json \
		    > "$TEST_TMP/j" || fail "$b cube failed"
		[ "$(json_array results "$TEST_TMP/j")" = "[1,8,27,64,125]" ] ||
		    fail "$b cube: $(json_array results "$TEST_TMP/j")"
		[ "$(json_num futures_done "$TEST_TMP/j")" = 5 ] || fail "futures done"
		[ "$(json_num futures_pending "$TEST_TMP/j")" = 0 ] || fail "futures pending"
	done
done
ok "square and cube give exact results on threads and processes"

# Chunks: any chunksize gives the same results; chunks = ceil(items/size).
want=$(awk 'BEGIN { s = "["; for (i = 1; i <= 10; i++) s = s (i > 1 ? "," : "") i * i; print s "]" }')
for b in thread process; do
	for c in 1 3 4 10 50; do
		"$PARLAB" run pool backend=$b items=10 chunksize=$c workers=3 \
		    --format json > "$TEST_TMP/j" || fail "chunksize=$c failed"
		[ "$(json_array results "$TEST_TMP/j")" = "$want" ] ||
		    fail "$b chunksize=$c: $(json_array results "$TEST_TMP/j")"
		[ "$(json_num chunks "$TEST_TMP/j")" = $(( (10 + c - 1) / c )) ] ||
		    fail "$b chunksize=$c: $(json_num chunks "$TEST_TMP/j") chunks"
	done
done
ok "chunksize batches items without changing the results"

# Items finishing out of order still come back in input order.
"$PARLAB" run pool backend=process fn=sleep work_us=20000 items=9 workers=3 \
    --format json > "$TEST_TMP/j" || fail "sleep map failed"
[ "$(json_array results "$TEST_TMP/j")" = "[1,2,3,4,5,6,7,8,9]" ] ||
    fail "sleep results: $(json_array results "$TEST_TMP/j")"
ok "map returns results in input order"

# Two sleeping tasks on two threads overlap: about one sleep, not two.
"$PARLAB" run pool backend=thread fn=sleep work_us=1000000 workers=2 items=2 \
    scale=0.3 --format json > "$TEST_TMP/j" || fail "sleep pool failed"
fcmp "$(json_num wall_ms "$TEST_TMP/j")" '<' 450 ||
    fail "sleep pool took $(json_num wall_ms "$TEST_TMP/j") ms"
fcmp "$(json_num speedup "$TEST_TMP/j")" '>' 1.5 || fail "sleep pool speedup"
ok "sleeping threads overlap under the GIL"

# CPU work: processes speed up; threads under the GIL do not.
proc_fast() {
	"$PARLAB" run pool backend=process fn=cpu work_us=100000 items=4 \
	    workers=2 --format json > "$TEST_TMP/p" || fail "cpu process failed"
	fcmp "$(json_num speedup "$TEST_TMP/p")" '>' 1.15
}
thread_slow() {
	"$PARLAB" run pool backend=thread gil=new fn=cpu work_us=100000 \
	    items=4 workers=2 --format json > "$TEST_TMP/t" || fail "cpu thread failed"
	fcmp "$(json_num speedup "$TEST_TMP/t")" '<' 1.15
}
if [ "$ncpu" -ge 2 ]; then
	try 5 proc_fast || fail "process cpu speedup $(json_num speedup "$TEST_TMP/p")"
	ok "fn=cpu speeds up on processes"
fi
try 3 thread_slow || fail "thread+GIL cpu speedup $(json_num speedup "$TEST_TMP/t")"
ok "fn=cpu does not speed up on threads under the GIL"

# Tiny tasks: a process pool is slower than a plain loop.
"$PARLAB" run pool backend=process fn=square items=1000 --format json \
    > "$TEST_TMP/j" || fail "tiny tasks failed"
fcmp "$(json_num speedup "$TEST_TMP/j")" '<' 1 ||
    fail "tiny tasks speedup $(json_num speedup "$TEST_TMP/j")"
[ "$(json_num messages "$TEST_TMP/j")" = 2000 ] || fail "messages"
ok "tiny tasks on processes are slower than sequential"

# The trace: JSON, process lanes by pid, one labelled span per item.
"$PARLAB" run pool backend=process items=6 workers=2 fn=cpu work_us=5000 \
    --format trace > "$TEST_TMP/t.json" || fail "trace run failed"
valid_json "$TEST_TMP/t.json"
if command -v python3 >/dev/null 2>&1; then
	python3 - "$TEST_TMP/t.json" <<'PY' || fail "trace content"
import json, sys
t = json.load(open(sys.argv[1]))
ev = t["traceEvents"]
procs = [e for e in ev if e.get("name") == "thread_name" and
         e["args"]["name"].startswith("P")]
assert len(procs) == 2, procs
for e in procs:
    assert e["args"]["name"] == "P%d" % e["pid"], e
items = {e["args"]["item"] for e in ev
         if e.get("ph") == "X" and e["name"] == "running" and "item" in e["args"]}
assert items == set(range(6)), items
PY
fi
ok "--format trace names process lanes by pid and labels each item"

# Interrupted mid-map: every worker process is stopped and reaped.
for sig in INT TERM; do
	interrupt "$sig" 4 pool backend=process fn=sleep work_us=3000000 items=8
done
ok "an interrupted process pool leaves no child"

done_testing
