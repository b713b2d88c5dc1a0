#!/bin/sh
# tui-scale.sh -- the picture at scale: a live run of 256 racing threads in
# a 200x80 pane shows lanes, the per-core strip and the notice of the lanes
# not shown, while it runs and once it is done; the time cursor's Down
# scrolls the lanes; the frame figures ($PARLAB_TUI_STATS) count frames
# drawn while animating.  No timing is judged here (bench/ui.sh measures).
. "$top_srcdir/tests/lib.sh"
XDG_STATE_HOME="$TEST_TMP/state"; export XDG_STATE_HOME
PARLAB_TEST_MARK="$TEST_TMP"; export PARLAB_TEST_MARK
printf -- '---\nid: tui-scale\ntitle: 256 threads\n---\n```run\nrace threads=256 iters=20000 sync=lock\n```\n' \
    > "$TEST_TMP/scale.md"

tmux_start 200 80 "PARLAB_TUI_STATS='$TEST_TMP/stats' $PARLAB '$TEST_TMP/scale.md'"
tmux_wait 'Press r'
pid=$(ours | head -n 1)
[ -n "$pid" ] || fail "no parlab process found"
tmux_keys r
# The run's threads are niced below the UI thread, so a frame need not wait
# behind them for a core (field 19 of a thread's stat is its nice value);
# looked at while the run is live (it lasts under a second).
# nice_of FILE...: the nice values in those stat files, one per line.
nice_of() {
	cat "$@" 2>/dev/null | sed 's/.*) //' | awk '{ print $17 }'
}
niced=0 i=0
while [ "$niced" -lt 2 ] && [ $i -lt 500 ]; do
	niced=$(nice_of /proc/"$pid"/task/*/stat | grep -c '^19$')
	i=$((i + 1))
done
[ "$niced" -ge 2 ] || fail "no thread of the live run at nice 19"
[ "$(nice_of "/proc/$pid/task/$pid/stat")" = "$(nice)" ] || fail "the UI thread is niced"
ok "the run's threads ($niced seen) are at nice 19, the UI thread at $(nice), as started"
tmux_wait 'T0 +│' 20
tmux_wait '\+[0-9]+ more lanes \(1-[0-9]+ of 256 shown\)' 20
tmux_wait 'cpu1 +│'
ok "a live run of 256 threads: lanes, the cores, and how many are not shown"
tmux_wait 'expected 5,120,000' 60
grep -q -E '\+[0-9]+ more lanes \(1-[0-9]+ of 256 shown\)' "$TEST_TMP/pane" ||
    fail "the notice of lanes not shown is gone once the run is done"
grep -q -E '^T0 +│' "$TEST_TMP/pane" || fail "T0's lane is gone once done"
ok "done: the same lanes and the notice"
tmux_keys t Down Down
tmux_wait 'more lanes \(3-[0-9]+ of 256 shown\)'
tmux_wait '^T2 +│'
grep -q -E '^T0 +│' "$TEST_TMP/pane" && fail "T0 still shown after scrolling"
ok "the time cursor's Down scrolls the lanes"
tmux_keys Escape q
st=$(tmux_wait_exit 20)
[ "$st" = 0 ] || fail "exit status $st"
frames=$(sed -n 's/^frames //p' "$TEST_TMP/stats")
fps=$(sed -n 's/^anim_fps //p' "$TEST_TMP/stats")
fmax=$(sed -n 's/^frame_max_ms //p' "$TEST_TMP/stats")
[ -n "$frames" ] && [ "$frames" -gt 2 ] || fail "frames drawn: '$frames'"
fcmp "$fps" '>' 0 || fail "anim_fps '$fps': no frame counted while animating"
fcmp "$fmax" '>' 0 || fail "frame_max_ms '$fmax': no frame measured"
ok "frames drawn while animating are counted, and the longest one"
tmux_stop
done_testing
