#!/bin/sh
# tui-small.sh -- 40x12 works (menu, lesson, a run with its legend);
# smaller gets a "terminal too small" notice; resizing never crashes.
. "$top_srcdir/tests/lib.sh"
PARLAB_LESSONS="$top_srcdir/tests/tui-lessons"; export PARLAB_LESSONS
XDG_STATE_HOME="$TEST_TMP/state"; export XDG_STATE_HOME

resize() {
	"$TMUX_PROG" -L "$TMUX_SOCK" resize-window -t 0 -x "$1" -y "$2"
}

tmux_start 40 12 "$PARLAB tui-race"
tmux_wait '1/3'
ok "a lesson opens at 40x12"
tmux_keys Space
tmux_wait 'running'
tmux_keys r
tmux_wait 'T0 +[|│]'
tmux_wait 'wait-lock'
tmux_wait 'more lanes|T3'
ok "a run at 40x12 shows lanes and the legend"
resize 30 8
tmux_wait 'terminal too small'
tmux_wait 'needs 40x12'
ok "below 40x12: a clear notice"
resize 100 30
tmux_wait 'T3 +[|│]' 20
resize 40 12
resize 120 40
resize 41 13
tmux_wait '2/3'
resize 100 30
tmux_wait 'expected 1,200,000' 20
ok "resizing during and after a run does not crash"
tmux_keys q
st=$(tmux_wait_exit 10)
[ "$st" = 0 ] || fail "exit status $st"
ok "q exits 0"
done_testing
