#!/bin/sh
# tui-menu.sh -- the menu lists the lessons; Enter opens one; pages turn;
# help lists the keys; q goes back, q again exits 0.  At 100x30.
. "$top_srcdir/tests/lib.sh"
PARLAB_LESSONS="$top_srcdir/tests/tui-lessons"; export PARLAB_LESSONS
XDG_STATE_HOME="$TEST_TMP/state"; export XDG_STATE_HOME
PARLAB_TUI_STATS="$TEST_TMP/stats"; export PARLAB_TUI_STATS

tmux_start 100 30 "$PARLAB"
tmux_wait 'TUI test: a racing counter'
tmux_wait 'TUI test: a second lesson'
tmux_wait 'TUI test: long runs'
ok "the menu lists every lesson of PARLAB_LESSONS"
tmux_wait '0%.*TUI test: a racing counter'
ok "progress marks shown"

tmux_keys '?'
tmux_wait 'Enter/l/Right'
tmux_wait 'quit'
ok "? lists the menu's keys"
tmux_keys x
tmux_keys Down
tmux_keys Up
tmux_keys Enter
tmux_wait 'Two threads, one counter'
tmux_wait '1/3'
tmux_wait 'python'
tmux_wait 'value = value \+ 1'
ok "Enter opens the lesson at page 1/3 with its code box"
tmux_keys Space
tmux_wait '2/3'
tmux_wait 'Press r to run'
tmux_wait 'What will the counter read'
ok "space turns the page; the demo pane and the question appear"
tmux_keys '?'
tmux_wait 'zoom the time axis'
tmux_wait 'previous page'
ok "help on a demo page lists page and demo keys"
tmux_keys x
tmux_keys 2
tmux_wait 'Right\.'
tmux_wait 'both write value\+1'
ok "answering shows right/wrong and the explanation"
tmux_keys Space
tmux_wait 'A lock makes it exact'
ok "a pause marker reveals the rest of the page"
tmux_keys Left
tmux_wait '1/3'
tmux_keys q
tmux_wait '[0-9]+%.*TUI test: a racing counter'
grep -q ' 0%.*racing' "$TEST_TMP/pane" && fail "progress did not move: $(cat "$TEST_TMP/pane")"
ok "q goes back to the menu, with progress recorded"
tmux_keys q
st=$(tmux_wait_exit 10)
[ "$st" = 0 ] || fail "exit status $st"
ok "q on the menu exits 0"
[ -s "$XDG_STATE_HOME/parlab/progress" ] || ls -R "$XDG_STATE_HOME" | grep -q . ||
    fail "no progress saved under XDG_STATE_HOME"
ok "progress saved under XDG_STATE_HOME"
echo "# first frame: $(sed -n 's/first_frame_ms //p' "$TEST_TMP/stats") ms"
done_testing
