#!/bin/sh
# runfile.sh -- saved runs: `run ... --save FILE`, then `show FILE --format
# json` gives the same figures as the run printed; the text summary; a
# damaged, truncated, newer or foreign file is refused with exit 1; `show`
# opens the run in the TUI's demo pane, labelled with where it was made.
. "$top_srcdir/tests/lib.sh"
XDG_STATE_HOME="$TEST_TMP/state"; export XDG_STATE_HOME

for d in "race threads=4 iters=50000" "threads threads=2 task=mix work_ms=60" \
    "queue producers=3 items=5" "gen durations=200,300 step_ms=20" \
    "async tasks=2 sleep_ms=30" "procs procs=2 work_ms=30" \
    "pool workers=2 items=6"; do
	name=${d%% *}
	# shellcheck disable=SC2086
	run_json "$TEST_TMP/$name.json" $d --save "$TEST_TMP/$name.run"
	[ -s "$TEST_TMP/$name.run" ] || fail "$name: nothing saved"
	expect_exit 0 "$PARLAB" show "$TEST_TMP/$name.run" --format json
	cmp -s "$TEST_TMP/out" "$TEST_TMP/$name.json" ||
	    fail "$name: show differs: $(cat "$TEST_TMP/out") vs $(cat "$TEST_TMP/$name.json")"
	ok "$name: show --format json gives the run's figures"
done

# The text summary, with where and when it was recorded.
expect_exit 0 "$PARLAB" show "$TEST_TMP/race.run" --format text
grep -q "^saved run, recorded on $(uname -n) ($(nproc) cores), 20[0-9-]* [0-9:]* UTC, parlab" \
    "$TEST_TMP/out" || fail "no provenance: $(head -n 2 "$TEST_TMP/out")"
grep -q 'expected *200000' "$TEST_TMP/out" || fail "no figures: $(cat "$TEST_TMP/out")"
grep -q '^T3 *|' "$TEST_TMP/out" || fail "no timeline: $(cat "$TEST_TMP/out")"
ok "show --format text: provenance, figures, timeline"

# A large trace is saved and read back whole.
run_json "$TEST_TMP/big.json" queue producers=4 items=5000 \
    --save "$TEST_TMP/big.run"
ev=$(json_num events "$TEST_TMP/big.json")
[ "$ev" -gt 10000 ] || fail "only $ev events"
expect_exit 0 "$PARLAB" show "$TEST_TMP/big.run" --format json
cmp -s "$TEST_TMP/out" "$TEST_TMP/big.json" || fail "big: show differs"
ok "a trace of $ev events round-trips ($(wc -c < "$TEST_TMP/big.run") bytes)"

# Refused files: message, exit 1, nothing on stdout.
refused() {
	expect_exit 1 "$PARLAB" show "$1" --format json
	grep -q -- "$2" "$TEST_TMP/err" || fail "$1: '$(cat "$TEST_TMP/err")' lacks '$2'"
	[ ! -s "$TEST_TMP/out" ] || fail "$1: printed something"
}
head -c 300 "$TEST_TMP/race.run" > "$TEST_TMP/trunc.run"
refused "$TEST_TMP/trunc.run" 'truncated'
cp "$TEST_TMP/race.run" "$TEST_TMP/flip.run"
printf 'Z' | dd of="$TEST_TMP/flip.run" bs=1 seek=400 conv=notrunc 2>/dev/null
refused "$TEST_TMP/flip.run" 'damaged'
cp "$TEST_TMP/race.run" "$TEST_TMP/newer.run"
printf '\011' | dd of="$TEST_TMP/newer.run" bs=1 seek=8 conv=notrunc 2>/dev/null
refused "$TEST_TMP/newer.run" 'newer parlab'
refused "$top_srcdir/lessons/03-threads.md" 'not a saved parlab run'
refused "$TEST_TMP/race.json" 'not a saved parlab run'
refused "$TEST_TMP/none.run" 'No such file'
ok "truncated, damaged, newer, foreign and missing files: exit 1"

expect_exit 2 "$PARLAB" show "$TEST_TMP/race.run" --format trace
expect_exit 2 "$PARLAB" show
expect_exit 1 "$PARLAB" run race threads=2 iters=10 --save "$TEST_TMP/no/dir/x.run"
grep -q 'no/dir/x.run' "$TEST_TMP/err" || fail "save error: $(cat "$TEST_TMP/err")"
expect_exit 1 "$PARLAB" show "$TEST_TMP/race.run"
grep -q 'needs a terminal' "$TEST_TMP/err" || fail "no tty: $(cat "$TEST_TMP/err")"
ok "bad usage exits 2; an unwritable --save and a pipe for the TUI exit 1"

# In the TUI: the saved run is in the demo pane, labelled, with its views.
tmux_start 100 30 "$PARLAB show '$TEST_TMP/race.run'"
tmux_wait 'recorded on '
tmux_wait 'expected 200,000'
tmux_wait '^T3 '
tmux_keys R
tmux_wait 'replay (1x|1/4|1/16)'
tmux_keys z
tmux_wait 'zoom|[0-9]ms'
tmux_keys r
tmux_wait '^before: ' 10
tmux_keys q
[ "$(tmux_wait_exit 15)" = 0 ] || fail "show exit status"
ok "show FILE: the run in the demo pane, replay and zoom, r reruns it"

# A run block's fallback: f puts the recorded run in the pane.
"$TMUX_PROG" -L "$TMUX_SOCK" kill-server 2>/dev/null
rm -f "$TEST_TMP/status"
mkdir -p "$TEST_TMP/lesson/runs"
cp "$TEST_TMP/race.run" "$TEST_TMP/lesson/runs/race-4.run"
cat > "$TEST_TMP/lesson/fb.md" <<'LESSON'
---
id: fb
title: Fallback test
summary: a run block with a recorded run
---
# A page with a recorded run

```run
race threads=4 iters=50000
fallback: runs/race-4.run
```
LESSON
expect_exit 0 "$PARLAB" check "$TEST_TMP/lesson/fb.md"
sed 's|race-4.run|missing.run|' "$TEST_TMP/lesson/fb.md" > "$TEST_TMP/lesson/fb2.md"
expect_exit 0 "$PARLAB" check "$TEST_TMP/lesson/fb2.md"
grep -q 'fb2.md:10: warning: fallback: .*missing.run' "$TEST_TMP/err" ||
    fail "missing fallback: $(cat "$TEST_TMP/err")"
ok "check: fallback: resolved next to the lesson, a missing file warned about"
tmux_start 100 30 "$PARLAB '$TEST_TMP/lesson/fb.md'"
tmux_wait 'F recorded run'
tmux_keys F
tmux_wait 'the recorded run, recorded on '
tmux_wait 'expected 200,000'
tmux_keys q
[ "$(tmux_wait_exit 15)" = 0 ] || fail "fallback lesson exit status"
ok "f shows a run block's recorded run, labelled"
done_testing
