# step.sh -- `parlab step` headless: the lost update, the deadlock and its
# cycle, refused steps, goals, JSON keys and a bad program file.
. "$top_srcdir/tests/lib.sh"

stepj() {
	"$PARLAB" step "$@" --format json > "$TEST_TMP/j" 2> "$TEST_TMP/j.err" ||
	    fail "step $* failed: $(cat "$TEST_TMP/j.err")"
	valid_json "$TEST_TMP/j"
}

# The acceptance schedule loses an update: value 1, both threads done.
stepj racy-counter --script 0,1,0,1,0,1
grep -q '"shared":{"value":1}' "$TEST_TMP/j" || fail "value not 1: $(cat "$TEST_TMP/j")"
[ "$(grep -o '"state":"done"' "$TEST_TMP/j" | wc -l)" = 2 ] || fail "not two done"
[ "$(json_num goal_met "$TEST_TMP/j")" = true ] || fail "goal not met"
[ "$(json_num deadlock "$TEST_TMP/j")" = false ] || fail "deadlock"
for k in program steps shared threads pc locals state deadlock goal_met; do
	grep -q "\"$k\":" "$TEST_TMP/j" || fail "no key $k"
done
ok "racy-counter 0,1,0,1,0,1: value 1, two threads done, goal met"

# One thread after the other: nothing lost, goal not met.
stepj racy-counter --script 0,0,0,1,1,1
grep -q '"shared":{"value":2}' "$TEST_TMP/j" || fail "serial value not 2"
[ "$(json_num goal_met "$TEST_TMP/j")" = false ] || fail "serial goal met"
ok "a serial schedule gives 2, goal not met"

# The goal can be set by the caller.
stepj racy-counter --script 0,0,0,1,1,1 --goal 'value == 2'
[ "$(json_num goal_met "$TEST_TMP/j")" = true ] || fail "--goal not used"
expect_exit 2 "$PARLAB" step racy-counter --goal 'nothing == 2'
grep -q "goal" "$TEST_TMP/err" || fail "bad goal message: $(cat "$TEST_TMP/err")"
ok "--goal overrides the program's goal; a bad one exits 2"

# Two locks in opposite orders: the deadlock and its cycle.
stepj two-locks --script 0,1
[ "$(json_num deadlock "$TEST_TMP/j")" = true ] || fail "no deadlock"
[ "$(json_num goal_met "$TEST_TMP/j")" = true ] || fail "deadlock goal"
grep -q '"cycle":\[{"thread":"T0","holds":\["lock_a"\],"waits_for":"lock_b","held_by":"T1"},{"thread":"T1","holds":\["lock_b"\],"waits_for":"lock_a","held_by":"T0"}\]' \
    "$TEST_TMP/j" || fail "cycle: $(cat "$TEST_TMP/j")"
[ "$(grep -o '"state":"blocked"' "$TEST_TMP/j" | wc -l)" = 2 ] || fail "not two blocked"
ok "two-locks 0,1: deadlock true with the cycle T0 -> T1 -> T0"

# A step of a blocked thread, or a finished one, is refused: exit 2.
expect_exit 2 "$PARLAB" step two-locks --script 0,1,0 --format json
grep -q "step 3 refused: T0 waits in lock_b.acquire(): lock_b is held by T1" \
    "$TEST_TMP/err" || fail "blocked message: $(cat "$TEST_TMP/err")"
[ ! -s "$TEST_TMP/out" ] || fail "a refused script printed a state"
expect_exit 2 "$PARLAB" step racy-counter --script 0,0,0,0
grep -q "T0 has finished" "$TEST_TMP/err" || fail "done message: $(cat "$TEST_TMP/err")"
expect_exit 2 "$PARLAB" step racy-counter --script 0,7
grep -q "no thread T" "$TEST_TMP/err" || fail "no such thread: $(cat "$TEST_TMP/err")"
expect_exit 2 "$PARLAB" step racy-counter --script 0,x
ok "blocked, finished and missing threads are refused with exit 2"

# The ordered fix: every interleaving we try ends done, never deadlocked.
for s in 1,1,1,1,1,1,0,0,0,0,0,0 0,0,0,0,0,0,1,1,1,1,1,1; do
	stepj two-locks-ordered --script $s
	[ "$(json_num deadlock "$TEST_TMP/j")" = false ] || fail "ordered deadlocked"
done
expect_exit 2 "$PARLAB" step two-locks-ordered --script 0,1
grep -q "lock_a is held by T0" "$TEST_TMP/err" || fail "ordered: T1 not blocked on lock_a"
ok "two-locks-ordered: T1 waits for lock_a instead of deadlocking"

# The lock keeps the counter exact.
expect_exit 2 "$PARLAB" step locked-counter --script 0,1
stepj locked-counter --script 0,0,0,0,0,1,1,1,1,1
grep -q '"shared":{"value":2}' "$TEST_TMP/j" || fail "locked value"
ok "locked-counter: the second thread waits at the lock"

# Text output shows the program counters and the deadlock.
"$PARLAB" step two-locks --script 0,1 > "$TEST_TMP/t" || fail "text"
grep -q -- "-> lock_b.acquire()" "$TEST_TMP/t" || fail "no pc arrow"
grep -q "T0 waits for lock_b, held by T1" "$TEST_TMP/t" || fail "no cycle in text"
ok "text output: code with program counters, the cycle"

# --list names the built-ins.
"$PARLAB" step --list > "$TEST_TMP/l" || fail "--list"
for p in racy-counter locked-counter two-locks two-locks-ordered; do
	grep -q "^  $p " "$TEST_TMP/l" || fail "--list lacks $p"
done
ok "step --list names the built-ins"

# An instructor's own file; a bad one gets FILE:LINE: error.
cat > "$TEST_TMP/mine.step" <<'P'
shared: x = 5
thread:
    x = x - 1
thread:
    x = x + 2
P
stepj "$TEST_TMP/mine.step" --script 1,0
grep -q '"shared":{"x":6}' "$TEST_TMP/j" || fail "own program"
grep -q '"goal":null' "$TEST_TMP/j" || fail "no goal is null"
printf 'shared: x = 0\nthread:\n    x = y\nthread:\n    x = 1\n' > "$TEST_TMP/bad.step"
expect_exit 2 "$PARLAB" step "$TEST_TMP/bad.step" --script 0
grep -q "^parlab: $TEST_TMP/bad.step:3: error: 'y' is read before" "$TEST_TMP/err" ||
    fail "bad file: $(cat "$TEST_TMP/err")"
expect_exit 2 "$PARLAB" step no-such-program --script 0
grep -q "no step program 'no-such-program'" "$TEST_TMP/err" || fail "unknown"
ok "a program file of one's own runs; a bad one says FILE:LINE: error"

# Without a terminal and a script, the start state is printed.
"$PARLAB" step racy-counter < /dev/null > "$TEST_TMP/t" || fail "no script"
grep -q "steps: none yet" "$TEST_TMP/t" || fail "start state"
ok "no script, no terminal: the start state"

# A lesson's step block is checked: the program must load, the goal parse.
"$PARLAB" check "$top_srcdir/tests/step-lessons/stepper.md" > "$TEST_TMP/c" 2>&1 ||
    fail "a good step block refused: $(cat "$TEST_TMP/c")"
printf -- '---\nid: x\ntitle: X\nsummary: s\n---\n# A\n\n```step\nnope\n```\n\n```step\nracy-counter\ngoal: blah\n```\n' \
    > "$TEST_TMP/bad.md"
expect_exit 1 "$PARLAB" check "$TEST_TMP/bad.md"
grep -q "bad.md:9: error: no step program 'nope'" "$TEST_TMP/err" "$TEST_TMP/out" ||
    fail "bad program in a lesson: $(cat "$TEST_TMP/err" "$TEST_TMP/out")"
grep -q "bad.md:14: error: a goal is" "$TEST_TMP/err" "$TEST_TMP/out" ||
    fail "bad goal in a lesson"
ok "lesson step blocks: a bad program or goal is FILE:LINE: error"

done_testing
