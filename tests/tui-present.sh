#!/bin/sh
# tui-present.sh -- presenter mode: speaker notes never on the projected
# screen (tui-notes.sh follows them), and autoplay that turns pages and
# starts runs on its own, in the test lesson and in the shipped ones.
. "$top_srcdir/tests/lib.sh"
PARLAB_LESSONS="$top_srcdir/tests/present-lessons"; export PARLAB_LESSONS
XDG_STATE_HOME="$TEST_TMP/state"; export XDG_STATE_HOME
XDG_RUNTIME_DIR="$TEST_TMP/run"; export XDG_RUNTIME_DIR
mkdir -m 700 "$XDG_RUNTIME_DIR"

# Without --present: no notes, no autoplay.
tmux_start 100 30 "$PARLAB kiosk"
tmux_wait 'First page'
sleep 1.5
tmux_capture > "$TEST_TMP/plain"
grep -q 'NOTE-ONE' "$TEST_TMP/plain" && fail "notes shown outside presenter mode"
grep -q ' 1/3' "$TEST_TMP/plain" || fail "the page turned by itself: $(cat "$TEST_TMP/plain")"
tmux_keys q
[ "$(tmux_wait_exit 10)" = 0 ] || fail "exit status"
ok "without --present: no notes, no autoplay"
"$TMUX_PROG" -L "$TMUX_SOCK" kill-server 2>/dev/null
i=0
while "$TMUX_PROG" -L "$TMUX_SOCK" has-session 2>/dev/null && [ $i -lt 50 ]; do
	sleep 0.1; i=$((i + 1))
done
rm -f "$TEST_TMP/status"

# With --present: no note on the projected screen, pages turn (1 s each),
# the run starts by itself and finishes, and the last page is reached.
tmux_start 100 30 "$PARLAB --present kiosk"
tmux_wait 'First page'
grep -q 'NOTE-ONE' "$TEST_TMP/pane" && fail "--present draws the notes for the room"
ok "--present keeps the speaker notes off the projected screen"
tmux_wait 'Second page' 10
tmux_wait 'expected 40,000' 15
ok "autoplay turns the page and starts the run"
tmux_wait 'Last page' 15
ok "autoplay reaches the last page"
tmux_keys q
[ "$(tmux_wait_exit 10)" = 0 ] || fail "exit status"

# A shipped lesson that sets autoplay: the countdown runs, a pauses it.
"$TMUX_PROG" -L "$TMUX_SOCK" kill-server 2>/dev/null
i=0
while "$TMUX_PROG" -L "$TMUX_SOCK" has-session 2>/dev/null && [ $i -lt 50 ]; do
	sleep 0.1; i=$((i + 1))
done
rm -f "$TEST_TMP/status"
tmux_start 100 30 "$PARLAB --present '$top_srcdir/lessons/06-the-gil.md'"
tmux_wait 'autoplay [0-9]+s'
tmux_keys a
tmux_wait 'autoplay paused'
tmux_keys a
tmux_wait 'autoplay on'
tmux_keys q
[ "$(tmux_wait_exit 10)" = 0 ] || fail "exit status"
ok "a shipped lesson autoplays, and a pauses it"
done_testing
