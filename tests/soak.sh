# soak.sh -- every demo many times in a row: nothing may grow (make soak).
#
#   make soak [SOAK_RUNS=1000]
#
# 1. In one process: tests/soak_runs runs each demo class SOAK_RUNS times
#    through run_create/run_execute/export/run_destroy with small scaled
#    parameters, printing RSS and open fds every 100 runs; it fails if RSS
#    grows past a small slack after warm-up, if fds change, or if a thread
#    or child process outlives a run.
# 2. As separate processes: `parlab run` of each demo SOAK_RUNS/10 times,
#    each exiting 0, with no process of the run left behind.
# Not part of make check (it takes minutes).
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lib-demos.sh"

runs=${1:-1000}
prog=${SOAK_RUNS_PROG:-tests/soak_runs}

t0=$(date +%s)
"$prog" "$runs" || fail "in-process soak failed"
ok "in-process soak: $runs runs of each demo in $(( $(date +%s) - t0 )) s"

demo_table "$TEST_TMP/params"
n=$((runs / 10))
[ "$n" -ge 1 ] || n=1
while read -r demo; do
	t0=$(date +%s)
	small=$(demo_small "$TEST_TMP/params" "$demo")
	i=0
	while [ $i -lt "$n" ]; do
		tag="$$.$demo.$i"
		# shellcheck disable=SC2086
		env "PARLAB_SOAK_TAG=$tag;" "$PARLAB" run "$demo" $small scale=0.01 \
		    --format json > "$TEST_TMP/out" 2> "$TEST_TMP/err" ||
		    fail "$demo run $i: $(cat "$TEST_TMP/err")"
		i=$((i + 1))
	done
	left=$(grep -l -a "PARLAB_SOAK_TAG=$$.$demo." /proc/[0-9]*/environ 2>/dev/null)
	[ -z "$left" ] || fail "$demo: processes left behind: $left"
	ok "$demo: $n separate runs in $(( $(date +%s) - t0 )) s, nothing left"
done < "$TEST_TMP/params.demos"

done_testing
