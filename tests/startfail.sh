# startfail.sh -- a worker that cannot start unwinds the ones that did.
#
# Under an address-space limit (ulimit -v 200000) a thread's 8 MiB stack
# cannot be mapped after a dozen threads; under a process-count limit
# (ulimit -u, as an unprivileged user: root is exempt) neither a thread nor
# a fork can be had.  Each demo must then release and join what it started
# (the pool's queue closed, the gates opened), end within 2 s with exit 1
# and a message naming what could not start and why, and leave no process.
. "$top_srcdir/tests/lib.sh"

export PARLAB_TEST_MARK="$TEST_TMP"

# startfail WHAT LIMIT... -- DEMO ARGS...: the run under the limit command
# ends within 2 s, exit 1, stderr naming "could not start WHAT N of M".
startfail() {
	what=$1
	shift
	t0=$(date +%s%N)
	st=0
	timeout -s KILL 20 "$@" > "$TEST_TMP/o" 2> "$TEST_TMP/e" || st=$?
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	[ "$st" = 1 ] || fail "$*: exit $st, not 1: $(cat "$TEST_TMP/e")"
	grep -q "could not start $what [0-9]* of [0-9]*: ." "$TEST_TMP/e" ||
	    fail "$*: no 'could not start $what': $(cat "$TEST_TMP/e")"
	[ "$ms" -lt 2000 ] || fail "$*: took $ms ms"
	[ -z "$(ours)" ] || fail "$*: processes left: $(ours)"
}

as_limit="prlimit --as=$((200000 * 1024)) --"
command -v prlimit >/dev/null 2>&1 || { echo "prlimit not installed: skipped"; exit 77; }

# A sanitizer build reserves more address space than the limit allows:
# then one thread cannot run either, and the limit proves nothing.
if ! $as_limit "$PARLAB" run race threads=1 iters=10 > /dev/null 2>&1; then
	echo "a one-thread run fails under the address-space limit (a sanitizer build?): skipped"
	exit 77
fi
for run in "race threads=64 iters=1000" "threads threads=64 work_ms=10" \
    "queue producers=64 consumers=64 items=10" \
    "pool backend=thread workers=64 items=100"; do
	# shellcheck disable=SC2086
	startfail thread $as_limit "$PARLAB" run $run
done
ok "threads that cannot all start (ulimit -v): every demo ends in 2 s, exit 1, naming the thread"

# The process limit needs an unprivileged user.
if [ "$(id -u)" != 0 ] || ! command -v setpriv >/dev/null 2>&1; then
	echo "# not root or no setpriv: the ulimit -u checks are not made"
	done_testing
fi
nobody="setpriv --reuid=65534 --regid=65534 --clear-groups prlimit --nproc=8 --"
if ! $nobody "$PARLAB" run race threads=1 iters=10 > /dev/null 2>&1; then
	echo "# user 65534 cannot run $PARLAB here: the ulimit -u checks are not made"
	done_testing
fi
for run in "procs procs=64 work_ms=10" "procs procs=64 work_ms=10 start=spawn" \
    "pool backend=process workers=64 items=100"; do
	# shellcheck disable=SC2086
	startfail process $nobody "$PARLAB" run $run
done
# shellcheck disable=SC2086
startfail thread $nobody "$PARLAB" run pool backend=thread workers=64 items=100
ok "processes that cannot all start (ulimit -u): unwound in 2 s, exit 1, naming the process"

# The TUI: a run that cannot start its threads says so in the status line
# within 2 s, leaves nothing behind, and q still leaves with status 0.
mkdir -p "$TEST_TMP/lessons"
cat > "$TEST_TMP/lessons/p.md" <<'EOF2'
---
id: pool-limit
title: A pool too big for its limit
summary: 64 threads under ulimit -v
---
# Many threads

```run
pool backend=thread workers=64 items=100
```
EOF2
XDG_STATE_HOME="$TEST_TMP/state"; export XDG_STATE_HOME
tmux_start 100 30 "$as_limit '$PARLAB' '$TEST_TMP/lessons/p.md'"
tmux_wait 'r runs it below'
tmux_keys r
tmux_wait 'could not start thread [0-9]+ of 64' 2
tmux_keys q
[ "$(tmux_wait_exit 10)" = 0 ] || fail "the TUI's exit status"
[ -z "$(ours)" ] || fail "TUI: processes left: $(ours)"
ok "the TUI under ulimit -v: the message within 2 s, q exits 0, nothing left"

done_testing
