# tui-child-crash.sh -- a forked worker that crashes during a live TUI run
# leaves the parent's screen alone: the child resets the handlers parlab
# installed (the TUI's crash handler would otherwise reset the terminal the
# parent is still drawing on), the run reports the child's death with its
# signal, and q still quits with 0.
. "$top_srcdir/tests/lib.sh"
PARLAB_LESSONS="$top_srcdir/tests/tui-lessons"; export PARLAB_LESSONS
XDG_STATE_HOME="$TEST_TMP/state"; export XDG_STATE_HOME
PARLAB_TEST_MARK="$TEST_TMP"; export PARLAB_TEST_MARK

tmux_start 100 30 "ulimit -c 0; $PARLAB tui-long"
tmux_wait 'Tasks waiting'
tmux_keys Space
tmux_wait 'procs procs=2'
tmux_keys r
tmux_wait 'P[0-9]+ +[|│]' 10

# The pane runs `sh -c ...`, whose child is the parlab UI.
shell=$("$TMUX_PROG" -L "$TMUX_SOCK" display -p -t 0 '#{pane_pid}')
ui=$(wait_children "$shell" 1)
[ -n "$ui" ] || fail "no parlab under the pane's shell $shell"
kids=$(wait_children "$ui" 2)
[ "$(echo $kids | wc -w)" -eq 2 ] || fail "expected 2 workers under $ui, saw: $kids"
kill -SEGV ${kids%% *}

tmux_wait 'killed by SIGSEGV' 10
alt=$("$TMUX_PROG" -L "$TMUX_SOCK" display -p -t 0 '#{alternate_on}')
[ "$alt" = 1 ] || fail "the crash left the alternate screen under the running parent"
grep -q 'procs procs=2' "$TEST_TMP/pane" || fail "the parlab screen is gone: $(cat "$TEST_TMP/pane")"
[ ! -s "$TEST_TMP/status" ] || fail "parlab ended with the child: $(cat "$TEST_TMP/status")"
ok "a worker killed by SIGSEGV: the parent's screen stays, the run names the signal"

tmux_keys q
st=$(tmux_wait_exit 10)
[ "$st" = 0 ] || fail "q after the crash: exit $st"
gone $kids
ok "q then exits 0 and no worker is left"

done_testing
