# limits.sh -- every numeric parameter of every demo, at and past its range.
#
# The demos and their ranges are read from `parlab list --json`, so a demo
# or a parameter added later is covered without touching this file.  For
# each whole-number or decimal parameter:
#   - min-1, max+1 and a number past int64 are refused: exit 2, nothing run,
#     and the message names the parameter and says "out of range";
#   - the maximum itself is accepted and runs to the end (exit 0) inside a
#     timeout, with every other count shrunk to 4 (or its minimum) and
#     scale=0.001, so only the parameter under test is large; the JSON's
#     trace_bytes (the rings' mapping) stays under 128 MiB whatever the
#     lane count, and no event is dropped.  A crash (signal), a hang
#     (timeout) or a refused maximum fails the test.
# For each list parameter: an item at the maximum runs; 16 of them run or
# are refused naming the parameter (a demo may tie the length to another
# parameter); a 17th item or an item past the maximum is refused.
#
# LIMITS_TIMEOUT (default 60 s) bounds one run; sanitizer builds in CI raise
# it.  Maxima that cannot finish quickly on a 2-core machine even scaled are
# listed in SKIP_MAX below with the reason; they are still checked for
# max+1 refusal.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lib-demos.sh"

limit=${LIMITS_TIMEOUT:-60}
trace_max=$((128 * 1024 * 1024))

# demo.param maxima not run, each with its reason:
# - race.iters: 100 M increments on each of 4 threads is seconds of pure
#   CPU work (minutes under TSan); scale does not shorten a count.
# - queue.items: 1 M items from each of 4 producers through one mutex queue
#   is likewise a count, not a duration.
SKIP_MAX=" race.iters queue.items "

demo_table "$TEST_TMP/params"

# num EXPR: evaluate EXPR (awk) and print it as the parameter grammar
# accepts numbers (no exponent for whole numbers).
num() {
	awk "BEGIN { x = $1; if (x == int(x)) printf \"%.0f\\n\", x; else printf \"%.17g\\n\", x }"
}

# small DEMO EXCEPT: the other parameters of DEMO shrunk.
small() {
	demo_small "$TEST_TMP/params" "$1" "$2"
}

# refused DEMO WORD: exit 2, naming the parameter, and nothing ran.
refused() {
	expect_exit 2 "$PARLAB" run "$1" "$2" --format json
	key=${2%%=*}
	grep -q "$key=" "$TEST_TMP/err" || fail "$1 $2: message does not name $key: $(cat "$TEST_TMP/err")"
	[ ! -s "$TEST_TMP/out" ] || fail "$1 $2: something ran"
}

# runs_at DEMO WORD...: the run finishes in time without a crash.
runs_at() {
	d=$1
	shift
	timeout -s KILL "$limit" "$PARLAB" run "$d" "$@" --format json \
	    > "$TEST_TMP/out" 2> "$TEST_TMP/err"
	rc=$?
	case $rc in
	0) ;;
	137) fail "$d $*: still running after ${limit} s (a hang?)" ;;
	*) fail "$d $*: exit $rc: $(head -c 600 "$TEST_TMP/err")" ;;
	esac
	tb=$(json_num trace_bytes "$TEST_TMP/out")
	[ -n "$tb" ] || fail "$d $*: no trace_bytes in the JSON"
	[ "$tb" -le "$trace_max" ] || fail "$d $*: trace_bytes $tb > $trace_max"
	# The whole picture: no lane lost an event, even at the maximum.
	[ "$(json_num dropped "$TEST_TMP/out")" = 0 ] ||
	    fail "$d $*: dropped $(json_num dropped "$TEST_TMP/out") events"
}

nmax=0
while IFS="$(printf '\t')" read -r demo name def range; do
	case $range in
	*"|"*)
		refused "$demo" "$name=no-such-choice"
		;;
	"a comma-separated list of "*)
		lmax=$(echo "$range" | sed 's/.*list of [0-9]* to \([0-9]*\) numbers.*/\1/')
		emax=$(echo "$range" | sed 's/.* to \([-0-9.e+]*\)$/\1/')
		over=$(num "$emax + 1")
		many=$emax
		i=1
		while [ "$i" -lt "$lmax" ]; do many="$many,$emax"; i=$((i + 1)); done
		refused "$demo" "$name=$many,$emax"
		refused "$demo" "$name=$over"
		refused "$demo" "$name="
		if [ "${SKIP_MAX#* $demo.$name }" = "$SKIP_MAX" ]; then
			# shellcheck disable=SC2046
			runs_at "$demo" $(small "$demo" "$name") scale=0.001 "$name=$emax"
			nmax=$((nmax + 1))
			# The longest list may clash with another parameter (one
			# item per task): then exit 2 naming it, never a crash.
			# shellcheck disable=SC2046
			"$PARLAB" run "$demo" $(small "$demo" "$name") scale=0.001 \
			    "$name=$many" --format json > "$TEST_TMP/out" 2> "$TEST_TMP/err"
			rc=$?
			[ $rc = 0 ] || { [ $rc = 2 ] && grep -q "$name" "$TEST_TMP/err"; } ||
			    fail "$demo $name=$many: exit $rc: $(cat "$TEST_TMP/err")"
		fi
		;;
	*" to "*)
		lo=${range%% to *}
		hi=${range##* to }
		refused "$demo" "$name=$(num "$hi + 1")"
		refused "$demo" "$name=$(num "$lo - 1")"
		refused "$demo" "$name=99999999999999999999999"
		refused "$demo" "$name=1e999"
		if [ "${SKIP_MAX#* $demo.$name }" = "$SKIP_MAX" ]; then
			# shellcheck disable=SC2046
			runs_at "$demo" $(small "$demo" "$name") scale=0.001 "$name=$(num "$hi")"
			nmax=$((nmax + 1))
		fi
		;;
	*)
		fail "$demo $name: cannot read the range '$range'"
		;;
	esac
	ok "$demo $name ($range): past the range refused"
done < "$TEST_TMP/params"

# scale, the common parameter, is not in the per-demo list: check it too.
refused race scale=101
refused race scale=0.0009
refused race scale=0
ok "scale past its range refused ($nmax maxima ran)"

# Lanes: the most workers any demo allows, with the largest trace.
runs_at race threads=1024 iters=10 scale=0.001
tb=$(json_num trace_bytes "$TEST_TMP/out")
ok "race threads=1024: trace_bytes $tb (bound $trace_max)"

done_testing
