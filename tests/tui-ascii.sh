#!/bin/sh
# tui-ascii.sh -- NO_COLOR and LANG=C: pure ASCII and no colour, with the
# same information (lanes, glyphs, legend); a bad theme is reported and
# the default used; SIGTERM restores the terminal.
. "$top_srcdir/tests/lib.sh"
PARLAB_LESSONS="$top_srcdir/tests/tui-lessons"; export PARLAB_LESSONS
XDG_STATE_HOME="$TEST_TMP/state"; export XDG_STATE_HOME
NO_COLOR=1; export NO_COLOR
unset LC_ALL LC_CTYPE
TMUX_LANG=C

# ascii FILE: fail if FILE holds a byte outside ASCII.
ascii() {
	if LC_ALL=C grep -q -P '[^\x00-\x7f]' "$1"; then
		cat "$1" >&2
		fail "non-ASCII output"
	fi
}

tmux_start 100 30 "$PARLAB"
tmux_wait 'TUI test: a racing counter'
tmux_capture > "$TEST_TMP/menu"
ascii "$TEST_TMP/menu"
"$TMUX_PROG" -L "$TMUX_SOCK" capture-pane -e -p -t 0 > "$TEST_TMP/esc"
grep -q "$(printf '\033')\[3[0-7]m\|$(printf '\033')\[38;" "$TEST_TMP/esc" &&
    fail "colour escapes under NO_COLOR"
ok "the menu is pure ASCII, without colour"
tmux_keys Home Enter
tmux_wait '1/3'
tmux_wait '\+- python'
tmux_keys Space
tmux_keys r
tmux_wait 'T0 +\|'
tmux_wait "'?#' running|# running"
tmux_wait 'expected 1,200,000' 20
tmux_capture > "$TEST_TMP/run"
ascii "$TEST_TMP/run"
grep -q '! wait-lock' "$TEST_TMP/run" || fail "no ASCII legend"
grep -q 'T0 *|[+# ]*#' "$TEST_TMP/run" || fail "no ASCII lane"
ok "a run draws ASCII lanes and an ASCII legend"
tmux_keys q q
st=$(tmux_wait_exit 10)
[ "$st" = 0 ] || fail "exit status $st"
ok "q exits 0"

# A broken theme: a clear message, then the default.
"$TMUX_PROG" -L "$TMUX_SOCK" kill-server 2>/dev/null
sleep 0.5
rm -f "$TEST_TMP/status"
printf 'heading = yellow\nflashing = red\n' > "$TEST_TMP/bad.theme"
tmux_start 100 30 "sh -c 'echo \$\$ > $TEST_TMP/pid; exec $PARLAB --theme $TEST_TMP/bad.theme'"
tmux_wait "bad.theme:2: unknown role 'flashing'"
tmux_wait 'TUI test: a racing counter'
ok "a bad theme file is named with its line, and the menu still works"
pid=$(cat "$TEST_TMP/pid")
[ -n "$pid" ] || fail "cannot find parlab's pid"
kill -TERM "$pid"
st=$(tmux_wait_exit 10)
[ "$st" = 143 ] || fail "exit status $st after SIGTERM"
"$TMUX_PROG" -L "$TMUX_SOCK" display -p -t 0 '#{alternate_on}' > "$TEST_TMP/alt"
[ "$(cat "$TEST_TMP/alt")" = 0 ] || fail "the alternate screen is still on"
ok "SIGTERM: exit 128+15, terminal restored"

# A broken lesson is refused with the validator's messages, no curses.
printf -- '---\nid: broken\ntitle: b\n---\n```run\nrace threads=0\n```\n' \
    > "$TEST_TMP/broken.md"
expect_exit 1 "$PARLAB" "$TEST_TMP/broken.md"
grep -q 'broken.md:6: error: .*threads' "$TEST_TMP/err" ||
    fail "no FILE:LINE error: $(cat "$TEST_TMP/err")"
ok "a broken lesson is refused with FILE:LINE messages"
done_testing
