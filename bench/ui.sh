#!/bin/sh
# bench/ui.sh PARLAB -- what the TUI costs while a lesson animates.
#
# Opens a lesson in a detached 100x30 tmux pane, starts a 6-second run of 20
# async tasks, and reads the UI thread's CPU time (the first field of
# /proc/PID/task/PID/schedstat, in ns: the UI thread is the main thread)
# over 5 seconds of animation; then the same for `race threads=256` at
# 200x80 (64 lanes and more on screen) over 3 seconds.  parlab writes its
# frame figures to $PARLAB_TUI_STATS when it exits: fps counted from the
# frames it drew while animating, and its longest frame (fold and draw).
# Prints one JSON object: cpu_pct, fps, first_frame_ms (from the moment the
# pane's shell launches parlab, exec and libraries included),
# race256_cpu_pct, race256_fps, race256_frame_max_ms, and race256_runq_pct:
# the share of the window the UI thread was ready to run but waiting for a
# core (the second field of schedstat), which is where a long frame's time
# goes when its CPU time is short.
set -u
PARLAB=${1:?usage: ui.sh PARLAB}
here=$(cd "$(dirname "$0")" && pwd)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/parlab-ui.XXXXXX")
sock="parlab-ui-$$"
tmux=$(command -v tmux) || { echo "ui.sh: tmux is not installed" >&2; exit 1; }
cleanup() {
	"$tmux" -L "$sock" kill-server 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT
unset TMUX
export TMUX_TMPDIR="$TMP"

# wait_for PATTERN: poll the pane until it shows PATTERN (10 s at most).
wait_for() {
	i=0
	while [ $i -lt 100 ]; do
		"$tmux" -L "$sock" capture-pane -p -t 0 | grep -q -E "$1" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	echo "ui.sh: the pane never showed '$1'" >&2
	exit 1
}

# cpu_ns PID: the UI thread's CPU time so far, in nanoseconds.
cpu_ns() {
	cut -d' ' -f1 "/proc/$1/task/$1/schedstat"
}

# wait_ns PID: the UI thread's time so far runnable but not running, in ns.
wait_ns() {
	cut -d' ' -f2 "/proc/$1/task/$1/schedstat"
}

# measure W H LESSON READY: open LESSON in a W x H pane, wait for READY,
# press r, and over 5 s of animation (or 3 s: "short") read the UI
# thread's CPU and run-queue wait; then q, and the frame figures parlab
# wrote.  Sets cpu, runq, fps, ff and fmax.
measure() {
	"$tmux" -L "$sock" kill-server 2>/dev/null
	rm -f "$TMP/stats"
	"$tmux" -L "$sock" -f /dev/null new-session -d -x "$1" -y "$2" \
	    -e LANG=C.UTF-8 -e TERM=xterm-256color \
	    -e PARLAB_LESSONS="$here/../tests/tui-lessons" \
	    -e PARLAB_TUI_STATS="$TMP/stats" -e XDG_STATE_HOME="$TMP/state" \
	    "PARLAB_LAUNCH_NS=\$(date +%s%N) exec $PARLAB $3"
	wait_for "$4"
	pid=$("$tmux" -L "$sock" display -p -t 0 '#{pane_pid}')	# exec'd
	"$tmux" -L "$sock" send-keys -t 0 r
	wait_for 'live'
	a=$(cpu_ns "$pid")
	wa=$(wait_ns "$pid")
	sleep "$5"
	b=$(cpu_ns "$pid")
	wb=$(wait_ns "$pid")
	"$tmux" -L "$sock" send-keys -t 0 x q
	i=0
	while [ ! -s "$TMP/stats" ] && [ $i -lt 300 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	cpu=$(awk -v a="$a" -v b="$b" -v s="$5" \
	    'BEGIN { printf "%.2f", (b - a) / (s * 1e9) * 100 }')
	runq=$(awk -v a="$wa" -v b="$wb" -v s="$5" \
	    'BEGIN { printf "%.2f", (b - a) / (s * 1e9) * 100 }')
	fps=$(sed -n 's/^anim_fps //p' "$TMP/stats")
	ff=$(sed -n 's/^launch_to_first_frame_ms //p' "$TMP/stats")
	fmax=$(sed -n 's/^frame_max_ms //p' "$TMP/stats")
}

# The usual lesson: 20 async tasks at 100x30.
measure 100 30 tui-long 'Tasks waiting' 5
cpu1=$cpu fps1=${fps:-null} ff1=${ff:-null}
# At scale: 256 racing threads at 200x80, 64 lanes and more on screen;
# fps counts the frames parlab drew while animating.
printf -- '---\nid: ui-race256\ntitle: 256 threads\n---\n```run\nrace threads=256 iters=100000 sync=lock\n```\n' \
    > "$TMP/race256.md"
measure 200 80 "$TMP/race256.md" 'Press r' 3
printf '{"cpu_pct":%s,"fps":%s,"first_frame_ms":%s,' "$cpu1" "$fps1" "$ff1"
printf '"race256_cpu_pct":%s,"race256_fps":%s,"race256_frame_max_ms":%s,' \
    "$cpu" "${fps:-null}" "${fmax:-null}"
printf '"race256_runq_pct":%s}\n' "$runq"
