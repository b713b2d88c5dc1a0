#!/bin/sh
# tui-scale.sh -- the picture at scale: a live run of 256 racing threads in
# a 200x80 pane shows lanes, the per-core strip and the notice of the lanes
# not shown, while it runs and once it is done; the time cursor's Down
# scrolls the lanes; the frame figures ($PARLAB_TUI_STATS) count frames
# drawn while animating.  No timing is judged here (bench/ui.sh measures).
. "$top_srcdir/tests/lib.sh"
XDG_STATE_HOME="$TEST_TMP/state"; export XDG_STATE_HOME
printf -- '---\nid: tui-scale\ntitle: 256 threads\n---\n```run\nrace threads=256 iters=20000 sync=lock\n```\n' \
    > "$TEST_TMP/scale.md"

tmux_start 200 80 "PARLAB_TUI_STATS='$TEST_TMP/stats' $PARLAB '$TEST_TMP/scale.md'"
tmux_wait 'Press r'
tmux_keys r
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
