#!/bin/sh
# tui-reload.sh -- hot reload: a save of the open lesson shows within a
# second without a key; a save that breaks it keeps the old page and puts
# FILE:LINE in the status line until a save fixes it; --page N opens page
# N; the menu re-reads its directory when shown again; `check --watch`
# rechecks on every save.
. "$top_srcdir/tests/lib.sh"
XDG_STATE_HOME="$TEST_TMP/state"; export XDG_STATE_HOME
mkdir -p "$TEST_TMP/lessons"
PARLAB_LESSONS="$TEST_TMP/lessons"; export PARLAB_LESSONS
f="$TEST_TMP/lessons/01-reload.md"
cat >"$f" <<'LESSON'
---
id: reload
title: Reload test
summary: edited while open
---

# First page

PAGE-ONE

---

# Second page

PAGE-TWO-A

```run
race threads=2 iters=1000
```

---

# Third page

PAGE-THREE
LESSON

expect_exit 2 "$PARLAB" "$f" --page 4
grep -q "has 3 pages: --page takes 1 to 3" "$TEST_TMP/err" ||
    fail "--page 4: $(cat "$TEST_TMP/err")"
expect_exit 2 "$PARLAB" "$f" --page 0
ok "--page out of range is bad usage, with the range"

tmux_start 100 30 "$PARLAB '$f' --page 2"
tmux_wait 'PAGE-TWO-A'
tmux_wait ' 2/3'
ok "--page 2 opens the second page"

# An edit as an editor saves it (a new file renamed over the old one).
sed 's/PAGE-TWO-A/PAGE-TWO-B/' "$f" >"$f.new" && mv "$f.new" "$f"
tmux_wait 'PAGE-TWO-B' 1
tmux_wait ' 2/3' 1
ok "a save shows on the same page within a second, no key pressed"

# A save in place that breaks it: the old text stays, the error shows.
sed 's/race threads=2/race thread=2/' "$f" >"$f.new" && cat "$f.new" >"$f"
tmux_wait "01-reload.md:18: race: unknown parameter 'thread'" 1
tmux_capture | grep -q 'PAGE-TWO-B' || fail "the last good page went away"
tmux_keys Right
tmux_wait 'PAGE-THREE'
tmux_wait "01-reload.md:18: race: unknown parameter" 1
ok "a broken save keeps the last good lesson and shows FILE:LINE, after keys too"

sed 's/PAGE-THREE/PAGE-THREE-FIXED/; s/race thread=2/race threads=2/' "$f" \
    >"$f.new" && cat "$f.new" >"$f"
tmux_wait 'PAGE-THREE-FIXED' 1
tmux_capture | grep -q '01-reload.md:18' && fail "the error stayed after the fix"
tmux_keys Left
tmux_wait 'PAGE-TWO-B'
tmux_capture | grep -q '01-reload.md:18' && fail "the error came back"
ok "fixing it clears the message"
tmux_keys q
[ "$(tmux_wait_exit 10)" = 0 ] || fail "exit status"
"$TMUX_PROG" -L "$TMUX_SOCK" kill-server 2>/dev/null
rm -f "$TEST_TMP/status"

# Without inotify (forced here): a stat() four times a second.  A lesson
# reopens at its last page, so start afresh on page 1.
rm -rf "$XDG_STATE_HOME"
tmux_start 100 30 "PARLAB_WATCH_POLL=1 $PARLAB '$f'"
tmux_wait 'PAGE-ONE'
sed 's/PAGE-ONE/PAGE-ONE-POLLED/' "$f" >"$f.new" && mv "$f.new" "$f"
tmux_wait 'PAGE-ONE-POLLED' 1
ok "without inotify a save shows within a second too"
tmux_keys q
[ "$(tmux_wait_exit 10)" = 0 ] || fail "exit status"
"$TMUX_PROG" -L "$TMUX_SOCK" kill-server 2>/dev/null
rm -f "$TEST_TMP/status"

# The menu: a lesson added while one is open is listed on the way back.
tmux_start 100 30 "$PARLAB"
tmux_wait 'Reload test'
tmux_keys Enter
tmux_wait 'PAGE-ONE'
sed 's/^id: reload/id: added/; s/^title: .*/title: Added later/' "$f" \
    >"$TEST_TMP/lessons/02-added.md"
tmux_keys q
tmux_wait 'Added later'
ok "the menu re-reads its directory when shown again"
tmux_keys q
[ "$(tmux_wait_exit 10)" = 0 ] || fail "exit status"

# check --watch: a check per save, until interrupted.
"$PARLAB" check --watch "$f" >"$TEST_TMP/wout" 2>"$TEST_TMP/werr" &
pid=$!
i=0
while ! grep -q 'no errors' "$TEST_TMP/wout" && [ $i -lt 50 ]; do
	sleep 0.1; i=$((i + 1))
done
grep -q 'no errors; watching 1 file' "$TEST_TMP/wout" || fail "watch: $(cat "$TEST_TMP/wout")"
sed 's/race threads=2/race thread=2/' "$f" >"$f.new" && mv "$f.new" "$f"
i=0
while ! grep -q ':18: error:' "$TEST_TMP/werr" && [ $i -lt 50 ]; do
	sleep 0.1; i=$((i + 1))
done
kill "$pid"
wait "$pid" 2>/dev/null
grep -q "01-reload.md:18: error: race: unknown parameter 'thread'" "$TEST_TMP/werr" ||
    fail "watch saw no save: $(cat "$TEST_TMP/werr")"
[ "$(grep -c '^-- ' "$TEST_TMP/wout")" = 2 ] || fail "watch: $(cat "$TEST_TMP/wout")"
ok "check --watch checks again after a save"
done_testing
