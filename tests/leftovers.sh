# leftovers.sh -- after any exit, nothing of parlab is left running.
#
# For every demo (read from `parlab list --json`): a whole small run, then a
# run stopped mid-way by SIGINT, SIGTERM and SIGHUP 0.3 s after it started.
# Each time parlab must exit within a bound (LEFTOVERS_BOUND, default 10 s;
# it takes milliseconds), not by a crash, and leave no process behind.
#
# How "behind" is found: once parlab has exited, its orphans are
# re-parented to init, so children_of (a parent pid scan) cannot see them.
# Instead each parlab is started with a unique tag in its environment,
# which forked and spawned workers inherit; after the exit, /proc/*/environ
# is scanned for the tag.  (A zombie's environ is unreadable, but an orphan
# zombie is reaped by init at once; zombies while parlab lives are checked
# by the soak, via proc_live().)  Threads cannot outlive their process, so
# for threads the bound on the exit is the check.
#
# Mid-run kills use scale=10 so duration-driven demos are surely still
# running at 0.3 s; count-driven demos get a larger count below.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lib-demos.sh"

bound=${LEFTOVERS_BOUND:-10}

# Extra words that make a count-driven demo run for seconds.
long_args() {
	case $1 in
	race) echo "iters=20000000 threads=4" ;;
	queue) echo "items=100000 produce_us=100" ;;
	pool) echo "fn=sleep work_us=200000 items=40" ;;
	*) echo "" ;;
	esac
}

demo_table "$TEST_TMP/params"

# tagged TAG: the pids whose environment carries TAG.
tagged() {
	grep -l -a "PARLAB_LEFTOVER_TAG=$1;" /proc/[0-9]*/environ 2>/dev/null |
	    sed 's|/proc/\([0-9]*\)/environ|\1|'
	return 0
}

# no_leftovers TAG WHAT: fail if a tagged process outlives parlab (after a
# grace of 2 s for a SIGKILLed child to vanish).
no_leftovers() {
	i=0
	while [ $i -lt 20 ]; do
		left=$(tagged "$1")
		[ -z "$left" ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	for p in $left; do
		echo "left behind: $p: $(tr '\0' ' ' < /proc/$p/cmdline 2>/dev/null)" >&2
		kill -KILL "$p" 2>/dev/null
	done
	fail "$2: processes left behind: $left"
}

# wait_exit PID WHAT: wait for PID to end within the bound; set st to its
# status and ms to how long it took (not in a subshell: wait needs the job).
wait_exit() {
	t0=$(date +%s%N)
	i=0
	while kill -0 "$1" 2>/dev/null; do
		# A zombie child of this shell still answers kill -0: look at it.
		state=$(sed 's/.*) \([A-Za-z]\) .*/\1/' "/proc/$1/stat" 2>/dev/null)
		[ "$state" = Z ] && break
		if [ $i -ge $((bound * 20)) ]; then
			kill -KILL "$1" 2>/dev/null
			fail "$2: still running ${bound} s after the signal"
		fi
		sleep 0.05
		i=$((i + 1))
	done
	wait "$1"
	st=$?
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
}

slowest=0
while read -r demo; do
	tag="$$.$demo.full"
	# shellcheck disable=SC2046
	expect_exit 0 env "PARLAB_LEFTOVER_TAG=$tag;" "$PARLAB" run "$demo" \
	    $(demo_small "$TEST_TMP/params" "$demo") scale=0.01 --format json
	no_leftovers "$tag" "$demo (whole run)"

	for sig in INT TERM HUP; do
		tag="$$.$demo.$sig"
		# shellcheck disable=SC2046
		env "PARLAB_LEFTOVER_TAG=$tag;" "$PARLAB" run "$demo" scale=10 \
		    $(long_args "$demo") --format json \
		    > "$TEST_TMP/out" 2> "$TEST_TMP/err" &
		pid=$!
		sleep 0.3
		running=yes
		kill -0 "$pid" 2>/dev/null || running=no
		kill -"$sig" "$pid" 2>/dev/null
		wait_exit "$pid" "$demo SIG$sig"
		[ "$ms" -gt "$slowest" ] && slowest=$ms
		# Stopped cleanly (0, or 1 for "the run was stopped"), or ended by
		# the signal itself (128+n); never a crash or a usage error.
		case $st in
		0|1|129|130|143) ;;
		*) fail "$demo SIG$sig: exit status $st: $(head -c 600 "$TEST_TMP/err")" ;;
		esac
		grep -q -i -E 'sanitizer|runtime error' "$TEST_TMP/err" &&
		    fail "$demo SIG$sig: $(head -c 2000 "$TEST_TMP/err")"
		no_leftovers "$tag" "$demo SIG$sig"
		ok "$demo: SIG$sig mid-run (running: $running): exit $st after $ms ms, nothing left"
	done
done < "$TEST_TMP/params.demos"
echo "# slowest exit after a signal: $slowest ms"

# Every value of every choice parameter takes its own path (offload=thread
# starts a worker thread, share=shm makes named segments, start=spawn
# execs): each is stopped mid-run by SIGTERM, and neither a process nor a
# shared-memory segment of that parlab may remain.
awk -F '\t' '$4 ~ /\|/ {
	n = split($4, v, "|")
	for (i = 1; i <= n; i++)
		if (v[i] != $3)
			print $1, $2 "=" v[i]
}' "$TEST_TMP/params" > "$TEST_TMP/choices"
[ -s "$TEST_TMP/choices" ] || fail "no choice parameter in parlab list --json"
nchoices=0
while read -r demo word; do
	tag="$$.$demo.$word"
	# shellcheck disable=SC2046
	env "PARLAB_LEFTOVER_TAG=$tag;" "$PARLAB" run "$demo" scale=10 \
	    $(long_args "$demo") "$word" --format json \
	    > "$TEST_TMP/out" 2> "$TEST_TMP/err" &
	pid=$!
	sleep 0.3
	kill -TERM "$pid" 2>/dev/null
	wait_exit "$pid" "$demo $word SIGTERM"
	case $st in
	0|1|143) ;;
	*) fail "$demo $word SIGTERM: exit status $st: $(head -c 600 "$TEST_TMP/err")" ;;
	esac
	no_leftovers "$tag" "$demo $word SIGTERM"
	ls /dev/shm 2>/dev/null | grep -q "^parlab-$pid-" &&
	    fail "$demo $word: shared memory left in /dev/shm: $(ls /dev/shm | grep "^parlab-$pid-")"
	nchoices=$((nchoices + 1))
done < "$TEST_TMP/choices"
ok "every choice value ($nchoices) stopped mid-run by SIGTERM: nothing left"

done_testing
