#!/bin/sh
# signals-tui.sh -- a signal or a crash during a live run in the TUI leaves a
# usable terminal (cooked mode, echo, main screen, cursor shown) and no
# process behind: SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGSEGV and SIGABRT in
# turn; the page turned before the signal is in the saved progress.  A
# terminal that cannot move the cursor (TERM=dumb) is refused with a message.
. "$top_srcdir/tests/lib.sh"
PARLAB_LESSONS="$top_srcdir/tests/tui-lessons"; export PARLAB_LESSONS
XDG_STATE_HOME="$TEST_TMP/state"; export XDG_STATE_HOME
PARLAB_TEST_MARK="$TEST_TMP"; export PARLAB_TEST_MARK
exe=$(readlink -f "$PARLAB")


# main_pid: the parlab whose parent is not a parlab (the UI process).
main_pid() {
	for p in $(ours); do
		pp=$(sed 's/.*) [A-Za-z] \([0-9]*\).*/\1/' "/proc/$p/stat" 2>/dev/null)
		[ "$(readlink "/proc/$pp/exe" 2>/dev/null)" = "$exe" ] || echo "$p"
	done | head -n 1
}

for sig in INT TERM HUP QUIT SEGV ABRT; do
	rm -rf "$XDG_STATE_HOME"
	rm -f "$TEST_TMP/status" "$TEST_TMP/exit" "$TEST_TMP/stty" "$TEST_TMP/typed"
	# After parlab ends, the same pane records its modes and reads a line.
	tmux_start 100 30 "ulimit -c 0; $PARLAB tui-long; echo \$? > '$TEST_TMP/exit'; stty -a > '$TEST_TMP/stty'; printf 'type> '; read x; echo \"typed:\$x\" > '$TEST_TMP/typed'"
	tmux_wait 'Tasks waiting'
	tmux_keys Space
	tmux_wait 'procs procs=2'
	tmux_keys r
	tmux_wait 'P[0-9]+ +[|│]' 10
	pid=$(main_pid)
	[ -n "$pid" ] || fail "SIG$sig: no parlab process found"
	kill -"$sig" "$pid"
	tmux_wait 'type>' 10
	[ -s "$TEST_TMP/exit" ] || fail "SIG$sig: no exit status"
	grep -q -E '(^| )icanon( |$)' "$TEST_TMP/stty" || fail "SIG$sig: not in cooked mode: $(cat "$TEST_TMP/stty")"
	grep -q -E '(^| )echo( |$)' "$TEST_TMP/stty" || fail "SIG$sig: echo is off"
	alt=$("$TMUX_PROG" -L "$TMUX_SOCK" display -p -t 0 '#{alternate_on}')
	[ "$alt" = 0 ] || fail "SIG$sig: still on the alternate screen"
	cur=$("$TMUX_PROG" -L "$TMUX_SOCK" display -p -t 0 '#{cursor_flag}')
	[ "$cur" = 1 ] || fail "SIG$sig: the cursor is hidden"
	tmux_keys hello Enter
	tmux_wait 'type> hello' 5
	i=0
	while [ ! -s "$TEST_TMP/typed" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	grep -q '^typed:hello$' "$TEST_TMP/typed" || fail "SIG$sig: the shell did not read the line"
	# Worker processes go too (the UI reaps them, or they die with it).
	i=0
	while [ -n "$(ours)" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	[ -z "$(ours)" ] || fail "SIG$sig: left running: $(ours)"
	"$PARLAB" progress --json > "$TEST_TMP/p.json" 2>&1 || fail "SIG$sig: parlab progress failed"
	grep -q '"id":"tui-long".*"last_page":2' "$TEST_TMP/p.json" ||
	    fail "SIG$sig: the page turn was not saved: $(cat "$TEST_TMP/p.json")"
	ok "SIG$sig during a live run: terminal restored (exit $(cat "$TEST_TMP/exit")), typed text echoes, nothing left"
	"$TMUX_PROG" -L "$TMUX_SOCK" kill-server 2>/dev/null
	i=0
	while "$TMUX_PROG" -L "$TMUX_SOCK" has-session 2>/dev/null && [ $i -lt 50 ]; do
		sleep 0.1; i=$((i + 1))
	done
done

# TERM=dumb: a clear message and exit 1, not a screen of spaces.
rm -f "$TEST_TMP/status"
tmux_start 100 30 "TERM=dumb $PARLAB tui-long 2> '$TEST_TMP/dumb.err'"
[ "$(tmux_wait_exit)" = 1 ] || fail "TERM=dumb: not exit 1"
grep -q "terminal type 'dumb' cannot move the cursor" "$TEST_TMP/dumb.err" ||
    fail "TERM=dumb: $(cat "$TEST_TMP/dumb.err")"
ok "TERM=dumb is refused with a message, exit 1"
done_testing
