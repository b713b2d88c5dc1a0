#!/bin/sh
# tui-compare.sh -- c picks any two of the last 4 runs (here runs 1 and 3
# of four) and shows both, labelled with the knobs that differ, with the
# figures that changed; P runs the CPython twin without blocking the UI
# (a fake PARLAB_PYTHON, so python3's speed does not matter) and the
# figures panel shows its column; without Python one clear line; q during
# a twin exits 0 and leaves no process.
. "$top_srcdir/tests/lib.sh"
PARLAB_LESSONS="$top_srcdir/tests/tui-lessons"; export PARLAB_LESSONS
XDG_STATE_HOME="$TEST_TMP/state"; export XDG_STATE_HOME
PARLAB_TEST_MARK="$TEST_TMP"; export PARLAB_TEST_MARK

# A fake CPython: notes its pid and its sleeping child's, waits the
# seconds in fake.sleep, then prints a twin's last line as the twins do.
cat > "$TEST_TMP/fakepy" <<EOF
#!/bin/sh
echo \$\$ > "$TEST_TMP/fake.pid"
sleep "\$(cat "$TEST_TMP/fake.sleep")" &
echo \$! > "$TEST_TMP/sleep.pid"
wait
echo '{"version": "3.99.1", "wall_ms": 123.4, "lost_pct": 61.5, "lost": 42}'
EOF
chmod +x "$TEST_TMP/fakepy"
echo 2 > "$TEST_TMP/fake.sleep"

# gone PATTERN: wait (5 s at most) until the pane no longer shows PATTERN.
gone() {
	n=0
	while tmux_capture | grep -q -E -- "$1"; do
		n=$((n + 1))
		[ $n -lt 50 ] || fail "the pane still shows '$1': $(tmux_capture)"
		sleep 0.1
	done
}

# running PID: whether PID is a live process (not gone, not a zombie).
running() {
	[ -r "/proc/$1/stat" ] && ! sed 's/.*) //' "/proc/$1/stat" | grep -q '^Z'
}

# run EXPECTED: r, and wait for the run's figures.
run() {
	tmux_keys r
	tmux_wait "expected $1" 30
	tmux_wait 'done' 10
}

tmux_start 100 30 "PARLAB_PYTHON='$TEST_TMP/fakepy' $PARLAB tui-race"
tmux_wait '1/3'
tmux_keys Space
tmux_wait 'Press r to run'
tmux_keys c
tmux_wait 'Nothing to compare yet'
ok "c before two runs says what to do"

# Four runs: threads=4, 5, 10, 20 (+ steps the knob on its ladder).
run 1,200,000
tmux_keys +
run 1,500,000
tmux_keys +
run 3,000,000
tmux_keys +
run 6,000,000
tmux_keys c
tmux_wait 'Compare two runs'
tmux_wait ' 1 +[0-9.]+ ms +threads=4'
tmux_wait ' 4 +[0-9.]+ ms +threads=20'
ok "c lists the 4 kept runs with the knobs that differ"

tmux_keys 1 3
tmux_wait 'A +1 +[0-9.]+ ms'
tmux_wait 'B +3 +[0-9.]+ ms'
tmux_keys Enter
tmux_wait 'Run 1 \(A\) and run 3 \(B\)'
tmux_wait 'A  run 1: threads=4 .*expected 1,200,000'
tmux_wait 'B  run 3: threads=10 .*expected 3,000,000'
tmux_wait 'Figures that changed, A -> B'
tmux_wait 'expected +1,200,000 -> 3,000,000'
# Each run with all its lanes: run 1's T3 above run 3's label, T9 below.
tmux_capture > "$TEST_TMP/pair"
awk '/A  run 1/ { a = NR } /B  run 3/ { b = NR }
    /T3 / && !t3 { t3 = NR } /T9 / { t9 = NR }
    END { exit !(a && b && a < t3 && t3 < b && b < t9) }' "$TEST_TMP/pair" ||
    fail "the pair's lanes: $(cat "$TEST_TMP/pair")"
grep -q 'more lanes' "$TEST_TMP/pair" && fail "lanes folded at 100x30"
ok "runs 1 and 3: both labels, all their lanes, the changed figures"

# c in the pair: the chooser again, its marks kept; Up, then b marks B.
tmux_keys c
tmux_wait 'Compare two runs'
tmux_keys Up b
tmux_wait 'B +2 +[0-9.]+ ms'
tmux_keys Escape
gone 'Compare two runs'
ok "Esc leaves the chooser"

# Runs 1 and 4 (4 and 20 lanes) at 150x24: stacked they would fold, so
# they stand side by side: both labels on one row, lanes beside lanes.
"$TMUX_PROG" -L "$TMUX_SOCK" resize-window -t 0 -x 150 -y 24
tmux_keys c 1 4 Enter
tmux_wait 'A  run 1: threads=4 .* B  run 4: threads=20 '
tmux_wait 'T3 .* T3 '
tmux_wait 'T13 '
tmux_keys Escape
gone 'Run 1 \(A\)'
"$TMUX_PROG" -L "$TMUX_SOCK" resize-window -t 0 -x 100 -y 30
ok "a wide terminal shows the pair side by side"

# P: the twin runs, the UI stays live, then the figures panel's column.
tmux_keys P
tmux_wait 'CPython runs the twin of race'
tmux_keys f
tmux_wait 'the twin is running'
tmux_keys f
tmux_wait 'CPython 3.99.1 ran the twin of run 4' 10
tmux_keys f
tmux_wait 'parlab +CPython 3.99.1'
tmux_wait 'lost_pct [0-9.]+ +61.5 '
tmux_wait 'actual [0-9,]+ +- '
ok "P runs the twin in the background; f shows CPython's column"
tmux_keys q q
st=$(tmux_wait_exit 10)
[ "$st" = 0 ] || fail "exit status $st"
tmux_stop

# Without Python: one clear line, and no CPython column.  (Each session
# has its own progress, so the lesson opens on its first page.)
tmux_start 100 30 "XDG_STATE_HOME='$TEST_TMP/state2' PARLAB_PYTHON=/nonexistent $PARLAB tui-race"
tmux_wait '1/3'
tmux_keys Space r
tmux_wait 'expected 1,200,000' 30
tmux_keys P
tmux_wait 'PARLAB_PYTHON is not an executable: no CPython figures'
tmux_keys f
tmux_wait 'wall_ms [0-9.]+ +time the whole'
tmux_capture | grep -q 'CPython' && fail "a CPython line without Python"
ok "without Python: one clear line, the panel unchanged"
tmux_keys q q
st=$(tmux_wait_exit 10)
[ "$st" = 0 ] || fail "exit status $st"
tmux_stop

# P twice, then q while the twin runs: exit 0, the twin and its child gone.
echo 60 > "$TEST_TMP/fake.sleep"
tmux_start 100 30 "XDG_STATE_HOME='$TEST_TMP/state3' PARLAB_PYTHON='$TEST_TMP/fakepy' $PARLAB tui-race"
tmux_wait '1/3'
tmux_keys Space r
tmux_wait 'expected 1,200,000' 30
# twin: P, and wait until the fake twin and its child have started.
twin() {
	rm -f "$TEST_TMP/fake.pid" "$TEST_TMP/sleep.pid"
	tmux_keys P
	n=0
	while [ ! -s "$TEST_TMP/sleep.pid" ] && [ $n -lt 100 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	[ -s "$TEST_TMP/sleep.pid" ] || fail "the fake twin never started"
	fake=$(cat "$TEST_TMP/fake.pid")
	kid=$(cat "$TEST_TMP/sleep.pid")
	running "$fake" || fail "the fake twin is not running"
}
twin
tmux_keys P
tmux_wait 'CPython twin stopped'
sleep 0.2
running "$fake" && fail "P again left the twin $fake running"
running "$kid" && fail "P again left the twin's child $kid running"
ok "P again stops the twin and its child"
twin
tmux_keys q
st=$(tmux_wait_exit 10)
[ "$st" = 0 ] || fail "exit status $st"
running "$fake" && fail "the twin $fake outlived parlab"
running "$kid" && fail "the twin's child $kid outlived parlab"
left=$(ours)
[ -z "$left" ] || fail "left running: $left"
ok "q during the twin exits 0 and leaves no process"
tmux_stop

# F after two runs: the recorded run joins the kept runs (it once freed
# a kept run and crashed on q); c lists it, q exits 0.
mkdir -p "$TEST_TMP/fb/runs"
"$PARLAB" run race threads=4 iters=50000 --save "$TEST_TMP/fb/runs/r.run" \
    > /dev/null || fail "run --save"
cat > "$TEST_TMP/fb/fb.md" <<'LESSON'
---
id: fb
title: Fallback test
summary: a run block with a recorded run
---
# A page with a recorded run

```run
race threads=4 iters=50000
fallback: runs/r.run
```
LESSON
tmux_start 100 30 "XDG_STATE_HOME='$TEST_TMP/state4' $PARLAB '$TEST_TMP/fb/fb.md'"
tmux_wait 'F recorded run'
run 200,000
run 200,000
tmux_keys F
tmux_wait 'the recorded run, recorded on '
tmux_keys c
tmux_wait ' 2 +[0-9.]+ ms'
tmux_wait ' rec +[0-9.]+ ms'
tmux_keys 2 Enter
tmux_wait 'A  run 2: '
tmux_wait 'B  the recorded run: '
tmux_keys x q
st=$(tmux_wait_exit 10)
[ "$st" = 0 ] || fail "exit status $st after F"
ok "F after two runs: the recorded run is kept with them; q exits 0"
done_testing
