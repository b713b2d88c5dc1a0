#!/bin/sh
# tui-bugs.sh -- the small TUI bugs of issue 11 stay fixed: z before any
# run; the 40x12 menu title and its count; the playhead never lands on an
# axis label; the replay hint says the speed R really uses; q on a lesson
# opened by name quits, and help and the status bar say so; the help box
# is framed and offers scrolling only when something scrolls.
. "$top_srcdir/tests/lib.sh"
PARLAB_LESSONS="$top_srcdir/tests/tui-lessons"; export PARLAB_LESSONS
XDG_STATE_HOME="$TEST_TMP/state"; export XDG_STATE_HOME

resize() {
	"$TMUX_PROG" -L "$TMUX_SOCK" resize-window -t 0 -x "$1" -y "$2"
}

# restart W H CMD: a new session once the last one has gone.
restart() {
	"$TMUX_PROG" -L "$TMUX_SOCK" kill-server 2>/dev/null
	n=0
	while "$TMUX_PROG" -L "$TMUX_SOCK" has-session 2>/dev/null &&
	    [ $n -lt 50 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	rm -f "$TEST_TMP/status"
	tmux_start "$@"
}

tmux_start 100 30 "$PARLAB tui-race"
tmux_wait '1/3'
tmux_keys '?'
tmux_wait 'q/Esc +quit'
tmux_wait '┌.* Keys '
tmux_wait 'any key closes'
grep -q 'j/k scroll' "$TEST_TMP/pane" && fail "help offers to scroll: $(cat "$TEST_TMP/pane")"
tmux_keys j
sleep 0.3
tmux_capture | grep -q ' Keys ' && fail "j kept a help that cannot scroll open"
ok "help is framed, says q quits, and offers no scrolling when all fits"
tmux_wait 'q quit'
ok "the status bar agrees: q quits a lesson opened by name"

tmux_keys Space
tmux_wait 'Press r to run'
tmux_keys z
tmux_wait 'Zoom needs a run'
ok "z before any run says what to do"

tmux_keys r
tmux_wait 'expected 1,200,000' 20
tmux_wait 'R replays at 1/4'
tmux_keys R
tmux_wait 'replay 1/4'
ok "the hint names the speed R replays at"

resize 40 12
tmux_keys '?'
tmux_wait 'more below'
tmux_keys j j
tmux_wait ' Keys '
tmux_keys x
ok "at 40x12 help scrolls and says so"
resize 100 30
tmux_keys q
st=$(tmux_wait_exit 10)
[ "$st" = 0 ] || fail "exit status $st"
ok "q on a lesson opened by name exits 0"

restart 40 12 "$PARLAB"
tmux_wait 'lessons'
line=$(tmux_capture | head -n 1)
echo "$line" | grep -q -E '^ parlab +[0-9]+ lessons *$' ||
    fail "the 40x12 title runs into its count: '$line'"
ok "at 40x12 the menu title leaves room for the count"

# The playhead of a live run is never drawn over an axis label.
restart 100 30 "$PARLAB tui-long"
tmux_wait 'Tasks waiting'
tmux_keys r
i=0
seen=0
while [ $i -lt 15 ]; do
	sleep 0.2
	tmux_capture | grep '^time ' > "$TEST_TMP/axis"
	grep -q -E '[0-9a-z]▲|▲[0-9a-z]' "$TEST_TMP/axis" &&
	    fail "the playhead overwrote a label: $(cat "$TEST_TMP/axis")"
	grep -q '▲' "$TEST_TMP/axis" && seen=$((seen + 1))
	i=$((i + 1))
done
[ $seen -gt 0 ] || fail "no playhead: $(cat "$TEST_TMP/axis")"
ok "the playhead keeps clear of the axis labels"
tmux_keys x q
st=$(tmux_wait_exit 10)
[ "$st" = 0 ] || fail "exit status $st"
done_testing
