# witness.sh -- race witness=1: a lost update caught in the act (two lanes
# read one value, both write value+1, in time order), none under a GIL with
# body=plain, and the limits of what it records.
. "$top_srcdir/tests/lib.sh"

j="$TEST_TMP/j"

# check_witness FILE: every witness is read/read/write/write by two lanes
# of one value v (writes v+1 = lost_value), its times in order.
check_witness() {
	python3 - "$1" <<'PY' || fail "bad witness: $(cat "$1")"
import json, sys
d = json.load(open(sys.argv[1]))
ws = d["witness"]
assert d["witness_found"] >= len(ws)
for w in ws:
    st = w["steps"]
    assert [s["op"] for s in st] == ["read", "read", "write", "write"], st
    v = st[0]["value"]
    assert st[1]["value"] == v and w["lost_value"] == v + 1, st
    assert st[2]["value"] == v + 1 and st[3]["value"] == v + 1, st
    assert st[0]["lane"] != st[1]["lane"], st
    assert {st[2]["lane"], st[3]["lane"]} == {st[0]["lane"], st[1]["lane"]}, st
    t = [s["t_us"] for s in st]
    assert t == sorted(t), t
    assert v < d["expected"]
print(len(ws))
PY
}

command -v python3 > /dev/null || { echo "python3 needed: skipped"; exit 77; }

# The acceptance run: when updates are lost, at least one witness, well formed.
seen=0
for i in 1 2 3 4 5; do
	run_json "$j" race threads=4 iters=100000 sync=none witness=1
	n=$(check_witness "$j")
	lost=$(json_num lost "$j")
	if [ "$lost" -gt 0 ] && [ "$n" -ge 1 ]; then
		seen=$((seen + 1))
	fi
done
[ "$seen" -ge 3 ] || fail "a witness in only $seen of 5 lossy runs"
ok "threads=4 iters=100000 sync=none: read/read/write/write witnesses ($seen of 5 runs)"

# The text summary says it in one sentence.
"$PARLAB" run race threads=4 iters=100000 witness=1 > "$TEST_TMP/t" || fail "text run"
tr -s '\n ' '  ' < "$TEST_TMP/t" > "$TEST_TMP/t1"	# the summary wraps
grep -E -q "Caught in the act: T[0-9] read [0-9]+ at [0-9.]+ us, T[0-9] read [0-9]+ at [0-9.]+ us, T[0-9] wrote [0-9]+, T[0-9] wrote [0-9]+: one update lost" "$TEST_TMP/t1" ||
    grep -q "No witness among the records" "$TEST_TMP/t1" || fail "no sentence: $(cat "$TEST_TMP/t")"
ok "the text summary names the lost update in one sentence"

# Under a GIL with body=plain nothing is lost: no witness, and it says so.
run_json "$j" race threads=4 iters=100000 gil=new body=plain witness=1
[ "$(json_num lost "$j")" = 0 ] || fail "gil=new plain lost updates"
[ "$(json_array witness "$j")" = "[]" ] || fail "a witness with nothing lost"
"$PARLAB" run race threads=4 iters=50000 gil=new body=plain witness=1 > "$TEST_TMP/t"
tr -s '\n ' '  ' < "$TEST_TMP/t" | grep -q "No witness: no update was lost" || fail "GIL: no words"
ok "gil=new body=plain: no update lost, no witness, and the summary says why"

# sync=lock: nothing lost, nothing witnessed.
run_json "$j" race threads=4 iters=20000 sync=lock witness=1
[ "$(json_array witness "$j")" = "[]" ] || fail "a witness under a lock"
ok "sync=lock: no witness"

# Without witness=1 no key; with it, iters over 100000 is refused naming it.
run_json "$j" race threads=2 iters=1000
grep -q '"witness":\[' "$j" && fail "witness key without witness=1"
expect_exit 2 "$PARLAB" run race iters=100001 witness=1 --format json
grep -q "iters=1 to 100000" "$TEST_TMP/err" || fail "range not named: $(cat "$TEST_TMP/err")"
[ ! -s "$TEST_TMP/out" ] || fail "a refused run printed"
expect_exit 2 "$PARLAB" run race threads=100 iters=100000 witness=1
grep -q "threads x iters" "$TEST_TMP/err" || fail "memory bound not named"
bad_param race witness=2 "witness"
ok "witness=1 takes iters up to 100000; beyond, exit 2 naming the range"

# In the TUI a caught lost update puts the time cursor on it.  A run may
# lose nothing (rare): try a few times, as above.
mkdir -p "$TEST_TMP/lessons"
cat > "$TEST_TMP/lessons/w.md" <<'EOF2'
---
id: witness-tui
title: Caught
summary: a lost update in the act
---
# Caught

```run
race threads=4 iters=100000 witness=1
```
EOF2
XDG_STATE_HOME="$TEST_TMP/state"; export XDG_STATE_HOME
tmux_start 100 30 "'$PARLAB' '$TEST_TMP/lessons/w.md'"
tmux_wait 'r runs it below'
caught=0
for try in 1 2 3 4 5; do
	tmux_keys r
	tmux_wait 'Caught in the act|Done in' 30
	if grep -q 'Caught in the act' "$TEST_TMP/pane"; then
		caught=1
		break
	fi
done
[ $caught = 1 ] || fail "no lost update caught in 5 runs"
tmux_wait '^cursor [0-9.]+ms  A [0-9.]+ms  B [0-9.]+ms'
tmux_keys t q
[ "$(tmux_wait_exit 10)" = 0 ] || fail "exit status"
ok "the TUI puts the time cursor and marks A-B on the caught lost update"

done_testing
