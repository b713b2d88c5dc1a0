#!/bin/sh
# cores.sh -- every demo reports cores_available; confined to one core
# (taskset -c 0), procs and threads gil=none report 1 and say in one plain
# sentence why their speedup is about 1, while an I/O run says nothing.
. "$top_srcdir/tests/lib.sh"

for d in "race iters=1000" "threads work_ms=20" "queue" "procs work_ms=20" \
    "pool items=3" "gen durations=40 step_ms=10" "async sleep_ms=20"; do
	# shellcheck disable=SC2086
	run_json "$TEST_TMP/j" $d
	n=$(json_num cores_available "$TEST_TMP/j")
	[ -n "$n" ] && [ "$n" -ge 1 ] || fail "$d: cores_available '$n'"
done
ok "every demo reports cores_available"

command -v taskset > /dev/null 2>&1 || { ok "# SKIP no taskset"; done_testing; exit 0; }
taskset -c 0 true 2>/dev/null || { ok "# SKIP taskset -c 0 refused"; done_testing; exit 0; }

for d in "procs work_ms=100" "threads gil=none work_ms=100"; do
	# shellcheck disable=SC2086
	taskset -c 0 "$PARLAB" run $d --format json > "$TEST_TMP/j" ||
	    fail "taskset $d failed"
	[ "$(json_num cores_available "$TEST_TMP/j")" = 1 ] ||
	    fail "taskset -c 0 $d: cores_available $(json_num cores_available "$TEST_TMP/j")"
	# shellcheck disable=SC2086
	taskset -c 0 "$PARLAB" run $d > "$TEST_TMP/t" || fail "taskset $d (text) failed"
	tr -s ' \n' ' ' < "$TEST_TMP/t" > "$TEST_TMP/t1"
	grep -q "parlab may use 1 core here (limited by the affinity mask (taskset, cpuset)): 2 CPU-bound workers cannot all run at once, so parallelism cannot beat 1x" \
	    "$TEST_TMP/t1" || fail "taskset -c 0 $d: no word of why: $(cat "$TEST_TMP/t")"
done
ok "on one core, procs and threads gil=none say why the speedup is about 1"

taskset -c 0 "$PARLAB" run threads task=io work_ms=100 > "$TEST_TMP/t" ||
    fail "taskset threads task=io failed"
grep -q "may use 1 core" "$TEST_TMP/t" && fail "an I/O run blames the cores: $(cat "$TEST_TMP/t")"
ok "I/O threads on one core: no such sentence"

# In the TUI a run block that needs 2 cores says so before its first run
# on one core; r again runs it anyway.
mkdir -p "$TEST_TMP/lessons"
cat > "$TEST_TMP/lessons/n.md" <<'EOF2'
---
id: needs-two
title: Needs two cores
summary: a run block with needs:
---
# Two cores

```run
procs procs=2 task=cpu work_ms=100
needs: cores>=2
```
EOF2
XDG_STATE_HOME="$TEST_TMP/state"; export XDG_STATE_HOME
tmux_start 100 30 "taskset -c 0 '$PARLAB' '$TEST_TMP/lessons/n.md'"
tmux_wait 'r runs it below'
tmux_keys r
tmux_wait 'needs 2 cores to show its point and parlab may use 1 here'
tmux_keys r
tmux_wait 'Done in' 30
tmux_keys q
[ "$(tmux_wait_exit 10)" = 0 ] || fail "exit status"
ok "the TUI says before the run that a needs: cores>=2 block lacks cores"

done_testing
