# pool-fail.sh -- an exception through futures: pool fail=K makes input K
# raise ValueError.  The run still exits 0; the other futures finish with
# their results; map yields the results before K; the JSON names the item
# and the exception, the text summary shows it as Python would, and the
# futures lane marks the failed future, on both backends.
. "$top_srcdir/tests/lib.sh"

for b in thread process; do
	out="$TEST_TMP/$b"
	run_json "$out" pool backend=$b items=5 fail=2
	[ "$(json_array results "$out")" = "[1,9,16,25]" ] ||
	    fail "$b: results $(json_array results "$out")"
	[ "$(json_array map_results "$out")" = "[1]" ] ||
	    fail "$b: map_results $(json_array map_results "$out")"
	[ "$(json_array errors "$out")" = "[2]" ] ||
	    fail "$b: errors $(json_array errors "$out")"
	grep -q '"exception":"ValueError: item 2 failed"' "$out" ||
	    fail "$b: no exception text"
	[ "$(json_num futures_failed "$out")" = 1 ] || fail "$b: futures_failed"
	[ "$(json_num futures_done "$out")" = 4 ] || fail "$b: futures_done"
done
ok "fail=2: [1,9,16,25] kept, map stopped after [1], on threads and processes"

expect_exit 0 "$PARLAB" run pool items=5 fail=2
grep -q "Traceback (most recent call last).*ValueError: item 2 failed" \
    "$TEST_TMP/out" || fail "no traceback line: $(cat "$TEST_TMP/out")"
grep -q "result() re-raised" "$TEST_TMP/out" || fail "no result() line"
ok "the text summary shows the traceback"

# The failed future's mark on the futures lane is -(item + 1).
"$PARLAB" run pool items=3 fail=3 --format trace > "$TEST_TMP/trace" ||
    fail "trace failed"
grep -q '"arg":-3' "$TEST_TMP/trace" || fail "no failed-future mark in the trace"
ok "the futures lane marks the failed one"

# fail=0 (the default) raises nothing; all five results.
run_json "$TEST_TMP/none" pool items=5
[ "$(json_array results "$TEST_TMP/none")" = "[1,4,9,16,25]" ] ||
    fail "no fail: results $(json_array results "$TEST_TMP/none")"
grep -q '"errors"' "$TEST_TMP/none" && fail "no fail: errors reported"
bad_param pool fail=-1 fail
ok "fail=0 raises nothing; fail=-1 refused"

done_testing
