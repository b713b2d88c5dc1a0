#!/bin/sh
# tui-knobs.sh -- each knob a shipped lesson's notes ask a student to turn
# can be set to the value asked for in at most 6 keystrokes, and the rerun
# uses it (the figures panel names the run's parameters).  Both run blocks
# of lesson 10 page 2 run.
. "$top_srcdir/tests/lib.sh"
PARLAB_LESSONS="$top_srcdir/lessons"; export PARLAB_LESSONS
XDG_STATE_HOME="$TEST_TMP/state"; export XDG_STATE_HOME

# open N: open the Nth lesson (from 1) from the menu.
open() {
	set -- "$1" Home
	n=1
	while [ $n -lt "$1" ]; do
		set -- "$@" Down
		n=$((n + 1))
	done
	shift
	tmux_keys "$@" Enter
	tmux_wait ' 1/[0-9]+ *$'
}

# page PATTERN: press Space until the demo pane's header matches PATTERN.
page() {
	n=0
	while ! tmux_capture | grep -q -E "^▶ .*$1"; do
		n=$((n + 1))
		[ $n -lt 30 ] || fail "no run block showing '$1': $(tmux_capture)"
		tmux_keys Space
		sleep 0.2
	done
}

# turn DEMO EXPECT KEY...: at most 6 keys set a knob, r reruns, and the
# figures panel of the finished run shows DEMO: ... EXPECT.
turn() {
	demo=$1 expect=$2
	shift 2
	[ $# -le 6 ] || fail "$expect takes $# keys"
	tmux_keys "$@"
	tmux_wait "^▶ .*$expect"
	tmux_keys r
	tmux_wait 'Done in' 60
	tmux_keys f
	tmux_wait "$demo: .*$expect"
	tmux_wait 'Figures of the last run'
	tmux_keys x
	ok "$demo: $expect in $# keys, and the rerun used it"
}

tmux_start 120 40 "$PARLAB"
tmux_wait 'Choosing'

open 1
page 'async tasks=2'
turn async 'tasks=10' Tab 1 0 Enter
tmux_keys q
open 2
page 'gen tasks=2'
turn gen 'step_ms=10' Tab Right 1 0 Enter
tmux_keys q
open 4
page 'race.*sync=lock'
turn race 'sync=atomic' Tab Up
tmux_keys q
open 5
page 'queue producers=10'
turn queue 'consumers=4' Tab Right 4 Enter
tmux_keys q
open 6
page 'threads.*gil=new'
turn threads 'gil=old' Tab Right Up
tmux_keys q
open 7
page 'procs.*start=fork'
turn procs 'start=spawn' Tab Right Up
tmux_keys q
open 8
page 'pool chunksize=1 '
turn pool 'chunksize=500' Tab 5 0 0 Enter
tmux_keys q
open 9
page 'async tasks=3'
turn async 'tasks=10000' Tab 1 e 4 Enter
tmux_keys q

# Lesson 10 page 2: both run blocks run, each with its own runs.
open 10
page 'threads'
tmux_keys r
tmux_wait 'Done in' 60
tmux_keys ']'
tmux_wait '^▶ 2/2 procs'
tmux_wait 'Press r to run'
tmux_keys r
tmux_wait 'Done in' 60
tmux_keys f
tmux_wait 'procs: '
tmux_keys x '['
tmux_wait '^▶ 1/2 threads.*done'
tmux_keys f
tmux_wait 'threads: '
tmux_keys x
ok "both run blocks of lesson 10 page 2 run, each keeping its run"
tmux_keys q q
st=$(tmux_wait_exit 10)
[ "$st" = 0 ] || fail "exit status $st"
done_testing
