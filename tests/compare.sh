#!/bin/sh
# compare.sh -- `parlab run DEMO --compare python`: the CPython twin of each
# demo gives a "cpython" object whose keys are parlab's own figure keys; a
# text column; without Python one line on stderr and nothing else changes;
# sync=atomic refused by its twin; SIGINT ends the twin with parlab.
. "$top_srcdir/tests/lib.sh"

# keys FILE: the top-level figure keys of parlab's JSON, one a line.
keys() {
	python3 -c 'import json,sys
d = json.load(open(sys.argv[1])); c = d.get("cpython", {})
print(" ".join(sorted(k for k in c if k != "version")))
print(" ".join(sorted(k for k in c if k not in d and k not in ("version", "wall_ms"))))
print(c.get("version", ""))' "$1"
}

# Without Python: one clear line, the same output otherwise, exit 0.
PARLAB_PYTHON=/nonexistent "$PARLAB" run gen durations=40 step_ms=10 \
    --compare python --format json > "$TEST_TMP/j" 2> "$TEST_TMP/e" ||
    fail "no python: the run failed"
[ "$(wc -l < "$TEST_TMP/e")" = 1 ] || fail "no python: stderr $(cat "$TEST_TMP/e")"
grep -q "^parlab: --compare python: PARLAB_PYTHON is not an executable" "$TEST_TMP/e" ||
    fail "no python: $(cat "$TEST_TMP/e")"
grep -q cpython "$TEST_TMP/j" && fail "no python: a cpython object"
"$PARLAB" run gen durations=40 step_ms=10 --format json > "$TEST_TMP/j2" ||
    fail "plain run failed"
if command -v python3 > /dev/null 2>&1; then
	python3 -c 'import json,sys
a, b = (json.load(open(f)) for f in sys.argv[1:])
assert sorted(a) == sorted(b) and a["params"] == b["params"], (a, b)' \
	    "$TEST_TMP/j" "$TEST_TMP/j2" || fail "no python: the output changed"
fi
ok "without Python: one line on stderr, nothing else changes"

command -v python3 > /dev/null 2>&1 || { ok "# SKIP no python3"; done_testing; exit 0; }

n=0
for d in "race iters=20000" "race iters=20000 body=call gil=new" \
    "race iters=20000 sync=lock" "threads work_ms=50" "threads task=io work_ms=50" \
    "threads task=mix work_ms=100" "queue" "procs work_ms=50" \
    "procs work_ms=50 start=spawn" "pool items=4" "pool backend=process items=4" \
    "gen durations=100,150 step_ms=20" "gen durations=100,150 step_ms=20 until=steps" \
    "async sleep_ms=50" "async sleep_ms=50 blocking=1"; do
	# shellcheck disable=SC2086
	"$PARLAB" run $d --compare python --format json > "$TEST_TMP/c" 2> "$TEST_TMP/e" ||
	    fail "$d --compare python failed: $(cat "$TEST_TMP/e")"
	[ -s "$TEST_TMP/e" ] && fail "$d: stderr $(cat "$TEST_TMP/e")"
	valid_json "$TEST_TMP/c"
	keys "$TEST_TMP/c" > "$TEST_TMP/k"
	[ -n "$(sed -n 1p "$TEST_TMP/k")" ] || fail "$d: no CPython figure"
	[ -z "$(sed -n 2p "$TEST_TMP/k")" ] || fail "$d: keys parlab lacks: $(sed -n 2p "$TEST_TMP/k")"
	sed -n 3p "$TEST_TMP/k" | grep -q '^3\.' || fail "$d: no version"
	n=$((n + 1))
done
ok "$n runs of the 7 demos: a cpython object with parlab's own keys"

# The twins compute what the demos do: the same results where they are
# determined (gen's steps, pool's and async's results, the queue's count).
"$PARLAB" run gen durations=100,150 step_ms=20 until=steps --compare python \
    --format json > "$TEST_TMP/c"
python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))
assert d["cpython"]["results"] == d["results"] == [5, 8], d' "$TEST_TMP/c" ||
    fail "gen steps: $(cat "$TEST_TMP/c")"
"$PARLAB" run async sleep_ms=50 --compare python --format json > "$TEST_TMP/c"
python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))
assert d["cpython"]["results"] == d["results"], d' "$TEST_TMP/c" ||
    fail "async results: $(cat "$TEST_TMP/c")"
ok "twins agree with the demos where the answer is fixed"

# A column in the text summary.
"$PARLAB" run race iters=20000 --compare python > "$TEST_TMP/t" ||
    fail "text --compare failed"
grep -q "^ *parlab *CPython 3\." "$TEST_TMP/t" || fail "no header: $(cat "$TEST_TMP/t")"
grep -q "^  expected  *200000  *200000$" "$TEST_TMP/t" || fail "no column: $(cat "$TEST_TMP/t")"
ok "a CPython column in the text summary"

# No Python equivalent: the twin says so, the run still prints.
"$PARLAB" run race iters=1000 sync=atomic --compare python --format json \
    > "$TEST_TMP/j" 2> "$TEST_TMP/e" || fail "atomic: the run failed"
grep -q "sync=atomic has no Python equivalent" "$TEST_TMP/e" || fail "atomic: $(cat "$TEST_TMP/e")"
valid_json "$TEST_TMP/j"
ok "sync=atomic: no Python equivalent, said in one line"

# SIGINT while the twin runs: parlab ends within a second, the twin too.
PARLAB_TEST_MARK=$TEST_TMP "$PARLAB" run race sync=lock iters=300000 --compare python \
    > "$TEST_TMP/o" 2> "$TEST_TMP/e" &
pid=$!
i=0
while [ $i -lt 100 ] && ! grep -qsz "^PARLAB_TEST_MARK=$TEST_TMP\$" /proc/[0-9]*/environ 2>/dev/null; do
	sleep 0.05; i=$((i + 1))
done
sleep 1.5
t0=$(date +%s%N)
kill -INT "$pid"
wait "$pid"
ms=$((($(date +%s%N) - t0) / 1000000))
[ "$ms" -lt 1000 ] || fail "SIGINT: $ms ms to exit"
sleep 0.2
left=$(grep -lsz "^PARLAB_TEST_MARK=$TEST_TMP\$" /proc/[0-9]*/environ 2>/dev/null)
[ -z "$left" ] || fail "processes left: $left"
ok "SIGINT ends parlab and its twin (${ms} ms), no process left"

done_testing
