# tests/lib.sh -- helpers for the shell tests; source it first.
#
# The harness exports PARLAB (the built binary), top_srcdir and TMUX_PROG.
# Run a test by hand with: PARLAB=src/parlab top_srcdir=. sh tests/x.sh

set -u
: "${PARLAB:=src/parlab}"
: "${top_srcdir:=.}"
: "${TMUX_PROG:=$(command -v tmux || true)}"

TEST_NAME=$(basename "$0" .sh)
TEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/parlab-$TEST_NAME.XXXXXX")
checks=0

# Remove the temp dir (and a tmux server, if one was started) at exit.
test_cleanup() {
	if [ -n "${TMUX_SOCK:-}" ]; then
		"$TMUX_PROG" -L "$TMUX_SOCK" kill-server 2>/dev/null || true
	fi
	rm -rf "$TEST_TMP"
}
trap test_cleanup EXIT

# Fail the test with a message.
fail() {
	echo "FAIL: $TEST_NAME: $*" >&2
	exit 1
}

# Count a passed check and say what it was.
ok() {
	checks=$((checks + 1))
	echo "ok $checks - $*"
}

# Finish: print the count of checks.
done_testing() {
	echo "$checks passed, 0 failed"
	exit 0
}

# json_num KEY FILE: a top-level number (or true/false) from a JSON object.
json_num() {
	sed -n "s/.*\"$1\":\(-\{0,1\}[0-9.eE+-]*\|true\|false\|null\)[,}].*/\1/p" "$2" | head -n 1
}

# json_raw KEY FILE: the raw text of a value up to the next key (arrays).
json_array() {
	sed -n "s/.*\"$1\":\(\[[^]]*\]\).*/\1/p" "$2" | head -n 1
}

# expect_exit CODE CMD...: run CMD, fail unless it exits CODE.  Its stdout
# and stderr are kept in $TEST_TMP/out and $TEST_TMP/err.
expect_exit() {
	want=$1
	shift
	"$@" >"$TEST_TMP/out" 2>"$TEST_TMP/err"
	got=$?
	[ "$got" = "$want" ] || fail "'$*' exited $got, not $want; stderr: $(cat "$TEST_TMP/err")"
}

# try N CMD...: run CMD up to N times until it succeeds.  For ratios on a
# shared, noisy machine: a direction must show in one of the tries.
try() {
	n=$1
	shift
	while [ "$n" -gt 0 ]; do
		"$@" && return 0
		n=$((n - 1))
	done
	return 1
}

# fcmp A OP B: compare two decimal numbers with awk (OP: < <= > >= ==).
fcmp() {
	awk -v a="$1" -v b="$3" "BEGIN { exit !(a $2 b) }"
}

# bad_param DEMO KEY=VALUE PATTERN: the run must exit 2, say PATTERN on
# stderr (the parameter and its range) and run nothing.
bad_param() {
	expect_exit 2 "$PARLAB" run "$1" "$2" --format json
	grep -q -- "$3" "$TEST_TMP/err" || fail "$1 $2: got '$(cat "$TEST_TMP/err")'"
	[ ! -s "$TEST_TMP/out" ] || fail "$1 $2: something ran"
}

# gone PIDS...: fail if any of these processes still exists.
gone() {
	for k in "$@"; do
		[ ! -d "/proc/$k" ] || fail "process $k is left: $(cat "/proc/$k/stat" 2>/dev/null)"
	done
}

# interrupt SIG NKIDS ARGS...: start `parlab run ARGS` in the background,
# send SIG once its NKIDS children are there, and require exit 1, NKIDS children seen while
# it ran, and none of them (nor any zombie) left.  stderr: $TEST_TMP/e.
interrupt() {
	sig=$1
	nkids=$2
	shift 2
	"$PARLAB" run "$@" > "$TEST_TMP/o" 2> "$TEST_TMP/e" &
	pid=$!
	kids=$(wait_children "$pid" "$nkids")
	# A background job starts with SIGINT ignored: a signal sent before
	# parlab catches it would be lost (a slow start under a sanitizer).
	wait_catching "$pid" "$sig"
	kill -"$sig" "$pid"
	st=0
	wait "$pid" || st=$?
	[ "$st" = 1 ] || fail "SIG$sig $*: exit $st, not 1"
	[ "$(echo $kids | wc -w)" -eq "$nkids" ] || fail "SIG$sig $*: saw children: $kids"
	[ -z "$(children_of "$pid")" ] || fail "SIG$sig $*: children of $pid remain"
	gone $kids
}

# wait_catching PID SIG: wait (up to 10 s) until process PID catches SIG,
# as /proc/PID/status's SigCgt mask says.
wait_catching() {
	case $2 in INT) wk_n=2 ;; TERM) wk_n=15 ;; HUP) wk_n=1 ;; QUIT) wk_n=3 ;;
	*) return 0 ;; esac
	wk_i=0
	while [ "$wk_i" -lt 100 ]; do
		wk_mask=$(sed -n 's/^SigCgt:[[:space:]]*//p' "/proc/$1/status" 2>/dev/null)
		[ -z "$wk_mask" ] && return 0	# gone already
		[ $(( (0x$wk_mask >> (wk_n - 1)) & 1 )) = 1 ] && return 0
		sleep 0.1
		wk_i=$((wk_i + 1))
	done
}

# run_json FILE DEMO ARGS...: run a demo headless into FILE as JSON; fail
# unless it succeeds and the output parses.
run_json() {
	rj_out=$1
	shift
	"$PARLAB" run "$@" --format json > "$rj_out" 2> "$rj_out.err" ||
	    fail "run $* failed: $(cat "$rj_out.err")"
	valid_json "$rj_out"
}

# valid_json FILE: fail unless FILE parses as JSON (python3 when present).
valid_json() {
	if command -v python3 >/dev/null 2>&1; then
		python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$1" ||
		    fail "$1 is not valid JSON"
	else
		head -c 1 "$1" | grep -q '{' || fail "$1 does not start an object"
	fi
}

# children_of PID: the pids whose parent is PID, from /proc: each of its
# threads' children list where the kernel keeps one (one read, where a scan
# of every process takes seconds on a loaded machine), else every stat.
children_of() {
	parent=$1
	if [ -r "/proc/$$/task/$$/children" ]; then
		cat /proc/"$parent"/task/*/children 2>/dev/null | tr ' ' '\n' | grep .
		return 0
	fi
	for s in /proc/[0-9]*/stat; do
		ppid=$(sed 's/.*) [A-Za-z] \([0-9]*\).*/\1/' "$s" 2>/dev/null)
		if [ "$ppid" = "$parent" ]; then
			s=${s#/proc/}
			echo "${s%/stat}"
		fi
	done
	return 0
}

# wait_children PID N [SECONDS]: poll every 0.1 s (5 s at most) until PID
# has N children, and print them: under load a child appears late, so one
# look after a fixed sleep is not a check.
wait_children() {
	wc_limit=$(( ${3:-5} * 10 ))
	wc_i=0
	while :; do
		wc_kids=$(children_of "$1")
		[ "$(echo $wc_kids | wc -w)" -ge "$2" ] && break
		[ "$wc_i" -ge "$wc_limit" ] && break
		sleep 0.1
		wc_i=$((wc_i + 1))
	done
	echo $wc_kids
}

# ours: the parlab processes this test started, found by the marker in
# their environment (export PARLAB_TEST_MARK="$TEST_TMP" before starting).
ours() {
	exe=$(readlink -f "$PARLAB")
	for e in /proc/[0-9]*/environ; do
		if grep -qsz "^PARLAB_TEST_MARK=$TEST_TMP\$" "$e"; then
			p=${e#/proc/}
			p=${p%/environ}
			[ "$(readlink "/proc/$p/exe" 2>/dev/null)" = "$exe" ] &&
			    echo "$p"
		fi
	done
	return 0
}

# --- tmux: each test gets its own server and socket directory ----------

# tmux_start W H CMD: start a detached session running CMD in a W x H pane.
# The pane writes the command's exit status to $TEST_TMP/status at the end.
tmux_start() {
	[ -n "$TMUX_PROG" ] || { echo "tmux not installed: skipped"; exit 77; }
	unset TMUX
	export TMUX_TMPDIR="$TEST_TMP"
	TMUX_SOCK="parlab-$$"
	"$TMUX_PROG" -L "$TMUX_SOCK" -f /dev/null new-session -d -x "$1" -y "$2" \
	    -e LANG="${TMUX_LANG:-C.UTF-8}" -e TERM=xterm-256color \
	    "$3; echo \$? > '$TEST_TMP/status'; sleep 600" ||
	    fail "tmux cannot start"
}

# tmux_stop: end this test's tmux server and wait until it is gone, so the
# next tmux_start gets a fresh one.
tmux_stop() {
	"$TMUX_PROG" -L "$TMUX_SOCK" kill-server 2>/dev/null
	n=0
	while "$TMUX_PROG" -L "$TMUX_SOCK" has-session 2>/dev/null && [ $n -lt 50 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	rm -f "$TEST_TMP/status"
}

# tmux_keys KEYS...: type into the pane.
tmux_keys() {
	"$TMUX_PROG" -L "$TMUX_SOCK" send-keys -t 0 "$@"
}

# tmux_capture: the pane's text now.
tmux_capture() {
	"$TMUX_PROG" -L "$TMUX_SOCK" capture-pane -p -t 0
}

# tmux_wait PATTERN [SECONDS]: poll the pane every 0.1 s until it shows
# PATTERN (grep -E); fail with the last capture after the timeout.
tmux_wait() {
	limit=$(( ${2:-10} * 10 ))
	i=0
	while [ $i -lt $limit ]; do
		tmux_capture > "$TEST_TMP/pane" 2>/dev/null
		grep -q -E -- "$1" "$TEST_TMP/pane" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	cat "$TEST_TMP/pane" >&2
	fail "the pane never showed '$1'"
}

# tmux_wait_exit [SECONDS]: wait for the pane command to end; prints status.
tmux_wait_exit() {
	limit=$(( ${1:-10} * 10 ))
	i=0
	while [ $i -lt $limit ]; do
		[ -s "$TEST_TMP/status" ] && { cat "$TEST_TMP/status"; return 0; }
		sleep 0.1
		i=$((i + 1))
	done
	fail "the program did not exit"
}
