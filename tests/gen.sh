# gen.sh -- the gen demo end to end: results and switches of the lesson's
# example, the wall time about the longest duration (generous ratios), the
# fixed-work model (until=steps) taking the sum, a stop ending a long step,
# only one task running at any instant (from the Chrome trace), the last
# duration repeating, extra ones unused, bad parameters refused (exit 2).
. "$top_srcdir/tests/lib.sh"

# runj NAME ARGS...: run the demo into $TEST_TMP/NAME as JSON.
runj() {
	name=$1
	shift
	run_json "$TEST_TMP/$name" gen "$@"
}

# The lesson's example at a fifth of its length: 400 and 600 ms, steps of
# 60 ms.  Each clock runs while the other works: 4 and 7 steps.
runj ex scale=0.2
grep -q '"params":{"tasks":2,"durations":\[2000,3000\],"step_ms":300,"until":"deadline","scale":0.2}' \
    "$TEST_TMP/ex" || fail "params: $(cat "$TEST_TMP/ex")"
[ "$(json_array results "$TEST_TMP/ex")" = "[4,7]" ] ||
    fail "results $(json_array results "$TEST_TMP/ex"), not [4,7]"
[ "$(json_num switches "$TEST_TMP/ex")" = 9 ] ||
    fail "switches $(json_num switches "$TEST_TMP/ex"), not 9"
[ "$(json_num resumes "$TEST_TMP/ex")" = 13 ] || fail "resumes not 13"
ok "results [4,7], 9 switches"

# About the longest duration (600 ms; 660 with the last step), far from
# the sum (1000 ms).
wall=$(json_num wall_ms "$TEST_TMP/ex")
fcmp "$wall" '>=' 600 || fail "wall $wall ms < the longest duration"
fcmp "$wall" '<' 900 || fail "wall $wall ms: not about the longest (600)"
[ "$(sed -n 's/.*"took":"\([a-z]*\)".*/\1/p' "$TEST_TMP/ex")" = longest ] ||
    fail "deadline: took is not longest: $(cat "$TEST_TMP/ex")"
ok "wall $wall ms, about the longest duration"

# Fixed work: each task does what it would alone (ceil(duration/step)),
# 400/60 -> 7 and 600/60 -> 10 steps, one after another on the one
# thread: 17 steps of 60 ms, the sum, not the longest.
runj steps scale=0.2 until=steps
[ "$(json_array results "$TEST_TMP/steps")" = "[7,10]" ] ||
    fail "until=steps: results $(json_array results "$TEST_TMP/steps"), not [7,10]"
wall=$(json_num wall_ms "$TEST_TMP/steps")
fcmp "$wall" '>=' 1020 || fail "until=steps: wall $wall ms < 17 steps of 60 ms"
[ "$(sed -n 's/.*"took":"\([a-z]*\)".*/\1/p' "$TEST_TMP/steps")" = sum ] ||
    fail "until=steps: took is not sum: $(cat "$TEST_TMP/steps")"
"$PARLAB" run gen scale=0.2 until=steps > "$TEST_TMP/steps.txt" ||
    fail "until=steps: the text run failed"
grep -q "steps done per task: 7, 10" "$TEST_TMP/steps.txt" ||
    fail "until=steps: no steps line in $(cat "$TEST_TMP/steps.txt")"
grep -q "about the sum" "$TEST_TMP/steps.txt" ||
    fail "until=steps: the summary does not say sum: $(cat "$TEST_TMP/steps.txt")"
ok "until=steps: [7,10] steps, wall $wall ms, the sum"

# A stop does not wait for a step to end: SIGINT during a 60 s step.
"$PARLAB" run gen step_ms=60000 > "$TEST_TMP/o" 2> "$TEST_TMP/e" &
pid=$!
sleep 0.5
t0=$(date +%s%N)
kill -INT "$pid"
st=0
wait "$pid" || st=$?
ms=$((($(date +%s%N) - t0) / 1000000))
[ "$st" = 1 ] || fail "SIGINT in a 60 s step: exit $st, not 1"
[ "$ms" -lt 1000 ] || fail "SIGINT in a 60 s step: $ms ms to exit"
ok "SIGINT ends a 60 s step in $ms ms"

# Fewer durations than tasks: the last one repeats.  3 tasks of 150 ms,
# 60 ms steps: task 0 steps at 0, finds 180 ms gone at its next turn; tasks
# 1 and 2 step at 60 and 120, then again once task 0 is done: [1,2,2].
runj rep tasks=3 durations=150 step_ms=60
[ "$(json_array results "$TEST_TMP/rep")" = "[1,2,2]" ] ||
    fail "repeat: results $(json_array results "$TEST_TMP/rep")"
ok "the last duration repeats"

# More durations than tasks: the extra ones are unused, and the summary
# says so (a lesson's student may turn the tasks knob down).  One task of
# 150 ms alone steps at 0, 60 and 120 ms.
runj extra tasks=1 durations=150,900 step_ms=60
[ "$(json_array results "$TEST_TMP/extra")" = "[3]" ] ||
    fail "extra durations: results $(json_array results "$TEST_TMP/extra")"
"$PARLAB" run gen tasks=1 durations=150,900 step_ms=60 > "$TEST_TMP/extra.txt" ||
    fail "extra durations: the text run failed"
grep -q "only the first 1 of 2 were used" "$TEST_TMP/extra.txt" ||
    fail "extra durations: no note in $(cat "$TEST_TMP/extra.txt")"
ok "extra durations are unused, and said so"

# One task at a time: no two task lanes are running at once, and someone
# is running nearly all the time.
"$PARLAB" run gen scale=0.2 --format trace > "$TEST_TMP/trace" ||
    fail "--format trace failed"
valid_json "$TEST_TMP/trace"
if command -v python3 > /dev/null 2>&1; then
	python3 - "$TEST_TMP/trace" <<'EOF' || fail "running spans overlap"
import json, sys
d = json.load(open(sys.argv[1]))
ev = d["traceEvents"]
tasks = {e["tid"] for e in ev if e.get("ph") == "M" and
         e.get("name") == "thread_name" and e["args"]["name"].startswith("task")}
assert len(tasks) == 2, tasks
run = sorted((e["ts"], e["ts"] + e["dur"], e["tid"]) for e in ev
             if e.get("ph") == "X" and e["name"] == "running" and e["tid"] in tasks)
assert len(run) >= 11, len(run)
for a, b in zip(run, run[1:]):
    if b[0] < a[1] - 0.01:
        sys.exit("task %d runs at %.3f us, before task %d stops at %.3f us"
                 % (b[2], b[0], a[2], a[1]))
busy = sum(e - s for s, e, _ in run)
span = run[-1][1] - run[0][0]
assert busy > 0.9 * span, (busy, span)
EOF
	ok "only one task runs at any instant"
fi

# Bad parameters name themselves, exit 2, and nothing runs.
expect_exit 2 "$PARLAB" run gen tasks=0
grep -q "tasks" "$TEST_TMP/err" || fail "tasks=0: $(cat "$TEST_TMP/err")"
expect_exit 2 "$PARLAB" run gen durations=100,x
grep -q "durations" "$TEST_TMP/err" || fail "durations=100,x: $(cat "$TEST_TMP/err")"
expect_exit 2 "$PARLAB" run gen step_ms=0
grep -q "step_ms" "$TEST_TMP/err" || fail "step_ms=0: $(cat "$TEST_TMP/err")"
expect_exit 2 "$PARLAB" run gen until=never
grep -q "until" "$TEST_TMP/err" || fail "until=never: $(cat "$TEST_TMP/err")"
[ ! -s "$TEST_TMP/out" ] || fail "a refused run printed: $(cat "$TEST_TMP/out")"
ok "bad parameters exit 2, naming themselves"

done_testing
