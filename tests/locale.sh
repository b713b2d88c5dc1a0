#!/bin/sh
# locale.sh -- numbers are read and printed in the C locale everywhere: under
# a comma-decimal locale (de_DE.UTF-8) a typed prediction 1.9 is accepted, a
# lesson with scale=0.5 and tolerance: +-0.25 runs, and text stays UTF-8.
. "$top_srcdir/tests/lib.sh"

# The locale is compiled into the test's own folder (the locales package's
# localedef), so nothing is installed system-wide.
command -v localedef >/dev/null 2>&1 || { echo "no localedef (Debian package locales): skipped"; exit 77; }
mkdir -p "$TEST_TMP/loc"
localedef -i de_DE -f UTF-8 "$TEST_TMP/loc/de_DE.UTF-8" >/dev/null 2>&1 ||
    { echo "cannot make the de_DE.UTF-8 locale: skipped"; exit 77; }
LOCPATH="$TEST_TMP/loc"; export LOCPATH
[ "$(LC_ALL=de_DE.UTF-8 locale decimal_point 2>/dev/null)" = "," ] ||
    { echo "de_DE.UTF-8 has no comma decimal point here: skipped"; exit 77; }

mkdir -p "$TEST_TMP/lessons"
cat > "$TEST_TMP/lessons/comma.md" <<'LESSON'
---
id: comma
title: Decimal points – under any locale
---
# Predict

```ask
How many updates will two threads with a lock lose?
predict: lost
tolerance: +-0.25
> A lock makes every read-add-write whole: none are lost.
```

```run
race threads=2 iters=20000 sync=lock scale=0.5
```
LESSON
PARLAB_LESSONS="$TEST_TMP/lessons"; export PARLAB_LESSONS
XDG_STATE_HOME="$TEST_TMP/state"; export XDG_STATE_HOME

LC_ALL=de_DE.UTF-8 "$PARLAB" check "$TEST_TMP/lessons/comma.md" > "$TEST_TMP/out" 2>&1 ||
    fail "check under de_DE: $(cat "$TEST_TMP/out")"
LC_ALL=de_DE.UTF-8 "$PARLAB" run race threads=2 iters=1000 scale=0.5 --format json > "$TEST_TMP/r.json" ||
    fail "run scale=0.5 under de_DE"
valid_json "$TEST_TMP/r.json"
ok "check and run read 0.5 under de_DE.UTF-8"

tmux_start 100 30 "LOCPATH='$LOCPATH' LC_ALL=de_DE.UTF-8 $PARLAB comma"
tmux_wait 'Decimal points – under any locale'
ok "the title is drawn in UTF-8"
tmux_keys 1 . 9 Enter
tmux_wait 'Prediction noted'
ok "a typed 1.9 is a number"
tmux_keys r
tmux_wait 'You predicted lost = 1.9' 20
ok "the scale=0.5 run ran and judged the prediction"
tmux_keys q
[ "$(tmux_wait_exit)" = 0 ] || fail "parlab did not exit 0"
done_testing
