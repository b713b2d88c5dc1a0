#!/bin/sh
# tui-fuzz.sh -- a quick round of the pty key fuzzer (tests/tui-fuzz.c):
# random keys and SIGWINCH straight to a pty, on two shipped lessons;
# parlab must not exit until q, then exit 0.  `make fuzz-tui` runs the
# full round (10,000 keys and 50 resizes per lesson, every lesson).
. "$top_srcdir/tests/lib.sh"
XDG_STATE_HOME="$TEST_TMP/state"; export XDG_STATE_HOME
FUZZ=${TUI_FUZZ_PROG:-tests/tui-fuzz}
[ -x "$FUZZ" ] || fail "$FUZZ is not built"
"$FUZZ" -k 600 -r 6 -s "${PARLAB_MONKEY_SEED:-11}" "$PARLAB" \
    "$top_srcdir/lessons/04-races-and-locks.md" \
    "$top_srcdir/lessons/10-choosing.md" > "$TEST_TMP/out" 2>&1 ||
    fail "$(cat "$TEST_TMP/out")"
ok "600 random keys and 6 resizes on two lessons through a pty"
done_testing
