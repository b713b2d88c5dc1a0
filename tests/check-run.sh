#!/bin/sh
# check-run.sh -- `parlab check --run`: every shipped lesson's questions hold
# against its own runs; a marked answer that contradicts its run fails at
# the ask's line, quoting the figure; a prediction of a figure the demo does
# not report fails at its line; expect: and needs: lines are checked.
. "$top_srcdir/tests/lib.sh"

lessons="$top_srcdir/lessons"
export XDG_DATA_HOME="$TEST_TMP/data" XDG_STATE_HOME="$TEST_TMP/state"

# The shipped lessons, all of them, under a minute.
t0=$(date +%s)
expect_exit 0 "$PARLAB" check --run "$lessons"/*.md
[ -s "$TEST_TMP/err" ] && fail "check --run warns: $(cat "$TEST_TMP/err")"
secs=$(($(date +%s) - t0))
[ "$secs" -lt 60 ] || fail "check --run took $secs s"
grep -q '^expect: ' "$lessons/02-generators.md" ||
    fail "lesson 2 states no figure its answers rest on"
ok "check --run passes every shipped lesson (${secs} s)"

# Lesson 2 as it was: the deadline run marked as taking the sum.
sed -e 's/^- \[x\] about 1.5 s, the longer one: each/- [ ] about 1.5 s, the longer one: each/' \
    -e '0,/^- \[ \] about 2.5 s, the sum/s//- [x] about 2.5 s, the sum/' \
    -e '0,/^expect: wall_per_longest < 1.3$/s//expect: wall_per_sum > 0.9/' \
    "$lessons/02-generators.md" > "$TEST_TMP/old.md"
line=$(grep -n '^expect: wall_per_sum > 0.9$' "$TEST_TMP/old.md" | head -n 1 | cut -d: -f1)
ask=$(head -n "$line" "$TEST_TMP/old.md" | grep -n '^```ask' | tail -n 1 | cut -d: -f1)
expect_exit 0 "$PARLAB" check "$TEST_TMP/old.md"
expect_exit 1 "$PARLAB" check --run "$TEST_TMP/old.md"
grep -q "^$TEST_TMP/old.md:$ask: error: expect: wall_per_sum > 0.9 does not hold: the gen run at line [0-9]* gave wall_per_sum = 0\.[0-9]*; the marked answer contradicts its run$" \
    "$TEST_TMP/err" || fail "old lesson 2: $(cat "$TEST_TMP/err")"
[ "$(wc -l < "$TEST_TMP/err")" = 1 ] || fail "old lesson 2: $(cat "$TEST_TMP/err")"
ok "lesson 2's old marked answer fails at the ask's line ($ask)"

# A misspelt prediction: plain check passes, --run names the figures.
cat > "$TEST_TMP/lag.md" <<'EOT'
---
id: lag
title: t
summary: s
---

# Page

```ask
How long could the loop not run?
predict: max_lag
> As long as the blocking call.
```

```run
async tasks=2 sleep_ms=100 blocking=1
```

```ask
Did the loop stall?
- [x] yes
- [ ] no
expect: max_lag_ms >= 10
> The blocking call held the one thread.
```

```ask
Which model?
- [x] one
- [ ] two
expect: results == sum
> Results are a list.
```
EOT
expect_exit 0 "$PARLAB" check "$TEST_TMP/lag.md"
expect_exit 1 "$PARLAB" check --run "$TEST_TMP/lag.md"
grep -q "^$TEST_TMP/lag.md:9: error: predict: 'max_lag' is not a figure of the async run at line 16 (its figures: .*max_lag_ms" \
    "$TEST_TMP/err" || fail "max_lag: $(cat "$TEST_TMP/err")"
grep -q "^$TEST_TMP/lag.md:31: error: expect: 'results' is not a word figure" \
    "$TEST_TMP/err" || fail "results == sum: $(cat "$TEST_TMP/err")"
[ "$(wc -l < "$TEST_TMP/err")" = 2 ] || fail "lag: $(cat "$TEST_TMP/err")"
ok "a prediction of a figure the demo lacks fails at its line"

# expect: and needs: are parsed by plain check, at their lines.
cat > "$TEST_TMP/syntax.md" <<'EOT'
---
id: syntax
title: t
summary: s
needs: cores>=zero
---

# Page

```run
gen tasks=1 durations=100 step_ms=50
needs: cores>=1024
```

```ask
Fast?
- [x] yes
- [ ] no
expect: wall_ms about 5
> Yes.
```
EOT
expect_exit 1 "$PARLAB" check "$TEST_TMP/syntax.md"
grep -q "^$TEST_TMP/syntax.md:5: error: needs: 'cores>=zero' is not 'cores>=N'" \
    "$TEST_TMP/err" || fail "needs: $(cat "$TEST_TMP/err")"
grep -q "^$TEST_TMP/syntax.md:19: error: expect: 'wall_ms about 5' is not 'FIGURE OP VALUE'" \
    "$TEST_TMP/err" || fail "expect: $(cat "$TEST_TMP/err")"
ok "bad expect: and needs: lines fail at their lines"

# A run that needs more cores than parlab may use is not run: a warning.
sed -e '/^needs: cores>=zero$/d' -e 's/^expect: wall_ms about 5$/expect: wall_ms < 1/' \
    "$TEST_TMP/syntax.md" > "$TEST_TMP/needs.md"
expect_exit 0 "$PARLAB" check --run "$TEST_TMP/needs.md"
grep -q "^$TEST_TMP/needs.md:10: warning: run gen needs 1024 cores and parlab may use [0-9]* here: not run" \
    "$TEST_TMP/err" || fail "needs 1024: $(cat "$TEST_TMP/err")"
ok "a run needing more cores is skipped, and said so"

done_testing
