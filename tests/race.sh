# race.sh -- the race demo end to end: lost updates, exact syncs, the GIL's
# safe points, --no-trace, and all three output formats.
. "$top_srcdir/tests/lib.sh"

runj() {
	run_json "$TEST_TMP/j" race "$@"
}

# sync=none at the defaults loses updates in at least 19 of 20 runs.
lossy=0
for i in $(seq 20); do
	runj
	lost=$(json_num lost "$TEST_TMP/j")
	[ "$lost" -gt 0 ] && lossy=$((lossy + 1))
	[ "$(json_num expected "$TEST_TMP/j")" = 10000000 ] || fail "expected"
done
[ "$lossy" -ge 19 ] || fail "sync=none lost updates in only $lossy of 20 runs"
ok "sync=none loses updates ($lossy of 20 runs)"

# lock is exact every time (20 of 20); atomic and local too.
for i in $(seq 20); do
	runj sync=lock
	[ "$(json_num lost "$TEST_TMP/j")" = 0 ] || fail "sync=lock lost updates"
	[ "$(json_num actual "$TEST_TMP/j")" = 10000000 ] || fail "sync=lock actual"
done
ok "sync=lock exact in 20 of 20"
for s in atomic local; do
	runj sync=$s threads=4 iters=500000
	[ "$(json_num actual "$TEST_TMP/j")" = 2000000 ] || fail "sync=$s not exact"
done
ok "atomic and local exact"

# Under a GIL: plain loses nothing, a call between read and write loses.
for g in new old; do
	runj gil=$g body=plain threads=4 iters=300000
	[ "$(json_num lost "$TEST_TMP/j")" = 0 ] || fail "gil=$g plain lost"
	[ "$(json_num gil_switches "$TEST_TMP/j")" -gt 0 ] || fail "gil=$g no switch"
done
runj gil=new body=call
[ "$(json_num lost "$TEST_TMP/j")" -gt 0 ] || fail "gil=new body=call lost nothing"
ok "GIL: plain exact, call lossy"

# The JSON summary carries the contract's keys.
runj threads=3 iters=100000 sync=lock
for k in wall_ms events dropped expected actual lost; do
	[ -n "$(json_num $k "$TEST_TMP/j")" ] || fail "no $k"
done
grep -q '"params":{"threads":3,"iters":100000,"sync":"lock","gil":"none","body":"plain","witness":0,"scale":1}' "$TEST_TMP/j" ||
    fail "params: $(cat "$TEST_TMP/j")"
grep -q '"workers":\[{"lane":"T0","type":"thread","cpu_ms":[0-9.]*,"wait_ms":[0-9.]*,"io_ms":[0-9.]*,"start_ms":[0-9.]*,"cores":\[[0-9]' "$TEST_TMP/j" ||
    fail "workers: $(cat "$TEST_TMP/j")"
[ "$(json_num events "$TEST_TMP/j")" -gt 0 ] || fail "no events recorded"
ok "JSON keys"

# --no-trace: same result, nothing recorded, workers still accounted.
runj threads=3 iters=100000 sync=lock
"$PARLAB" run race threads=3 iters=100000 sync=lock --no-trace --format json > "$TEST_TMP/n" || fail "--no-trace"
[ "$(json_num actual "$TEST_TMP/n")" = 300000 ] || fail "--no-trace result"
[ "$(json_num events "$TEST_TMP/n")" = 0 ] || fail "--no-trace recorded events"
grep -q '"traced":false' "$TEST_TMP/n" || fail "traced flag"
grep -q '"cpu_ms"' "$TEST_TMP/n" || fail "--no-trace lost the worker figures"
ok "--no-trace"

# Text: summary, one lane per thread, the legend, 80 columns at most.
"$PARLAB" run race threads=4 iters=200000 > "$TEST_TMP/t" || fail "text run"
grep -q "^T3 *|" "$TEST_TMP/t" || fail "no lane T3"
grep -q "^legend:" "$TEST_TMP/t" || fail "no legend"
grep -q "expected  *800000" "$TEST_TMP/t" || fail "no expected figure"
[ "$(awk '{ if (length($0) > m) m = length($0) } END { print m }' "$TEST_TMP/t")" -le 80 ] ||
    fail "text wider than 80 columns"
ok "text summary and timeline"

# Trace: Chrome Trace Event JSON with spans, names, instants and counters.
"$PARLAB" run race threads=3 iters=100000 gil=new --format trace -o "$TEST_TMP/tr.json" 2>/dev/null ||
    fail "trace run"
valid_json "$TEST_TMP/tr.json"
for pat in '"traceEvents":\[' '"ph":"X","name":"running"' '"ph":"M","name":"thread_name"' \
    '"args":{"name":"T2"}' '"ph":"C","name":"GIL"'; do
	grep -q "$pat" "$TEST_TMP/tr.json" || fail "trace lacks $pat"
done
ok "trace export"

done_testing
