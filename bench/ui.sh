#!/bin/sh
# bench/ui.sh PARLAB -- what the TUI costs while a lesson animates.
#
# Opens a lesson in a detached 100x30 tmux pane, starts a 6-second run of 20
# async tasks, and reads the UI thread's CPU time (the first field of
# /proc/PID/task/PID/schedstat, in ns: the UI thread is the main thread)
# over 5 seconds of animation.  parlab writes its frame figures to $PARLAB_TUI_STATS when it
# exits.  Prints one JSON object: cpu_pct, fps, first_frame_ms (from the
# moment the pane's shell launches parlab, exec and libraries included).
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

"$tmux" -L "$sock" -f /dev/null new-session -d -x 100 -y 30 \
    -e LANG=C.UTF-8 -e TERM=xterm-256color \
    -e PARLAB_LESSONS="$here/../tests/tui-lessons" \
    -e PARLAB_TUI_STATS="$TMP/stats" -e XDG_STATE_HOME="$TMP/state" \
    "PARLAB_LAUNCH_NS=\$(date +%s%N) exec $PARLAB tui-long"
wait_for 'Tasks waiting'
pid=$("$tmux" -L "$sock" display -p -t 0 '#{pane_pid}')	# parlab: exec'd
"$tmux" -L "$sock" send-keys -t 0 r
wait_for 'live'
a=$(cpu_ns "$pid")
sleep 5
b=$(cpu_ns "$pid")
"$tmux" -L "$sock" send-keys -t 0 q
i=0
while [ ! -s "$TMP/stats" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
fps=$(sed -n 's/^anim_fps //p' "$TMP/stats")
ff=$(sed -n 's/^launch_to_first_frame_ms //p' "$TMP/stats")
awk -v a="$a" -v b="$b" -v fps="${fps:-null}" -v ff="${ff:-null}" \
    'BEGIN { printf "{\"cpu_pct\":%.2f,\"fps\":%s,\"first_frame_ms\":%s}\n", (b - a) / 5e9 * 100, fps, ff }'
