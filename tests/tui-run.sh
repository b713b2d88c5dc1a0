#!/bin/sh
# tui-run.sh -- r animates the demo live: lanes appear and grow, a legend
# is on screen, figures at the end; knobs; rerun keeps the last run;
# replay, zoom, export; q during a run exits 0 and leaves no process.
. "$top_srcdir/tests/lib.sh"
PARLAB_LESSONS="$top_srcdir/tests/tui-lessons"; export PARLAB_LESSONS
XDG_STATE_HOME="$TEST_TMP/state"; export XDG_STATE_HOME
PARLAB_TEST_MARK="$TEST_TMP"; export PARLAB_TEST_MARK

tmux_start 100 30 "$PARLAB tui-race"
tmux_wait '1/3'
tmux_keys Space
tmux_wait 'Press r to run'
tmux_wait 'running.*wait-lock'
ok "the legend is on screen before any run"
tmux_keys r
tmux_wait 'T0 +[|│]'
tmux_wait 'T3 +[|│]'
ok "r shows one lane per worker"
tmux_wait 'cpu0'
tmux_wait 'time .*ms'
ok "the per-core strip and a time axis with units"
tmux_wait 'expected 1,200,000' 20
tmux_wait 'running.*wait-lock'
ok "the figures at the end, the legend still there"

tmux_keys +
tmux_wait 'threads=5'
tmux_keys Tab Right Right Up
tmux_wait 'sync=lock'
tmux_keys Right Up
tmux_wait 'gil=new'
tmux_keys Escape
tmux_wait 'r run  Tab knobs'
ok "+ steps the first knob; Tab, arrows turn any knob; Esc leaves"
tmux_keys r
tmux_wait 'before: threads=4' 10
tmux_wait 'T4 +[|│]'
tmux_wait 'expected 1,500,000' 20
ok "r reruns with the knobs; the last run stays above"
tmux_keys R
tmux_wait 'replay 1/4'
tmux_keys v
tmux_keys z
tmux_wait 'zoomed|replay' 5
tmux_keys '>'
tmux_keys e
tmux_wait 'Trace saved: .*parlab-race-.*json'
f=$(ls "$XDG_STATE_HOME"/parlab/parlab-race-*.json 2>/dev/null | head -n 1)
[ -n "$f" ] || fail "no trace under $XDG_STATE_HOME/parlab"
valid_json "$f"
grep -q '"traceEvents"\|"ph"' "$f" || fail "$f is not a Chrome trace"
ok "replay, zoom, and e exports a Chrome trace"

# Two captures during a long run differ: the lanes grow.
tmux_keys q
st=$(tmux_wait_exit 10)
[ "$st" = 0 ] || fail "exit status $st"
# A second server for the long runs, once the first has gone.
tmux_stop
sleep 0.3
tmux_start 100 30 "$PARLAB tui-long"
tmux_wait 'Tasks waiting'
tmux_keys r
tmux_wait 'task2 +[|│]'
sleep 0.5
tmux_capture > "$TEST_TMP/a"
sleep 0.7
tmux_capture > "$TEST_TMP/b"
cmp -s "$TEST_TMP/a" "$TEST_TMP/b" && fail "the pane did not change: $(cat "$TEST_TMP/b")"
grep -q 'live' "$TEST_TMP/b" || fail "not live: $(cat "$TEST_TMP/b")"
ok "two captures of a live run differ"

# q during a run of worker processes: exit 0, nothing left running.
tmux_keys Space
tmux_wait 'procs procs=2'
tmux_keys r
tmux_wait 'P[0-9]+ +[|│]' 10
sleep 0.5
n=$(ours | wc -l)
[ "$n" -ge 3 ] || fail "expected parlab and 2 workers running, found $n"
tmux_keys q
st=$(tmux_wait_exit 10)
[ "$st" = 0 ] || fail "exit status $st"
left=$(ours)
[ -z "$left" ] || fail "left running: $left"
ok "q during a run exits 0 and leaves no process behind"
done_testing
