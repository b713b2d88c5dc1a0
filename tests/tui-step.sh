# tui-step.sh -- the stepper screen in tmux: driven by keys to the lost
# update and to the deadlock, the goal message, undo, refusals, help, small
# and ASCII terminals, and opened from a lesson's step block.
. "$top_srcdir/tests/lib.sh"

# The lost update, by keys: 0 1 0 1 0 1.
tmux_start 80 24 "'$PARLAB' step racy-counter"
tmux_wait "Stepper: racy-counter"
tmux_wait "Goal: every thread done, with value == 1"
for k in 0 1 0 1 0; do tmux_keys $k; done
tmux_wait "T1 ready"
tmux_keys 1
tmux_wait "Goal reached!"
tmux_wait "shared: value=1"
grep -q "T0 done" "$TEST_TMP/pane" || fail "T0 not done"
grep -q "tmp=1" "$TEST_TMP/pane" || fail "no locals shown"
ok "keys 0 1 0 1 0 1 lose an update: value=1, goal reached"

# A finished thread is refused; u undoes; r resets.
tmux_keys 0
tmux_wait "T0 has finished"
tmux_keys u
tmux_wait "T1 ready"
tmux_wait "Goal: every thread done"
tmux_keys r
tmux_wait "steps 0:"
ok "a finished thread refused, undo and reset"

# Help lists the stepper's keys; q quits with status 0.
tmux_keys '?'
tmux_wait "undo the last step"
tmux_keys Escape
tmux_keys q
[ "$(tmux_wait_exit)" = 0 ] || fail "q did not exit 0"
ok "? shows the stepper keys; q quits"
tmux_stop

# The deadlock, by keys 0 1: the cycle is shown, goal reached.
tmux_start 80 24 "'$PARLAB' step two-locks"
tmux_wait "Goal: a deadlock"
tmux_keys 0
tmux_wait "holds lock_a"
tmux_keys 1
tmux_wait "DEADLOCK"
tmux_wait "waits for lock_b, held by T1"
tmux_wait "waits for lock_a, held by T0"
tmux_wait "Goal reached!"
tmux_keys 0
tmux_wait "T0 waits in lock_b.acquire\(\): lock_b is held by T1"
ok "keys 0 1 reach the deadlock; its cycle shows; a blocked step is refused"
tmux_keys q
tmux_wait_exit > /dev/null
tmux_stop

# 40x12 in ASCII still shows the code, the pc and the deadlock.
TMUX_LANG=C tmux_start 40 12 "'$PARLAB' step two-locks"
tmux_wait "T0 ready"
tmux_keys 0 1
tmux_wait "DEADLOCK"
tmux_wait "> lock_b.acquire"
grep -q "▶" "$TEST_TMP/pane" && fail "UTF-8 glyph on an ASCII terminal"
ok "40x12, ASCII: code with the pc and the deadlock"
tmux_keys q
tmux_wait_exit > /dev/null
tmux_stop

# Too small says so.
tmux_start 30 8 "'$PARLAB' step racy-counter"
tmux_wait "terminal too small"
tmux_keys q
tmux_wait_exit > /dev/null
tmux_stop
ok "too small a terminal says so"

# From a lesson: the block is one line; o opens the stepper, q comes back.
tmux_start 80 24 "'$PARLAB' '$top_srcdir/tests/step-lessons/stepper.md'"
tmux_wait "press o to open the stepper"
tmux_keys o
tmux_wait "Stepper: racy-counter"
tmux_keys 0 1 0 1 0 1
tmux_wait "Goal reached!"
tmux_keys q
tmux_wait "Be the scheduler"
ok "a lesson's step block opens the stepper with o; q goes back"
tmux_keys q q
tmux_wait_exit > /dev/null

done_testing
