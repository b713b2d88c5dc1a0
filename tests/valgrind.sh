# valgrind.sh -- memcheck on one small run of each demo (make memcheck),
# then on one run per other choice of each choice parameter.
#
# valgrind --leak-check=full with definite, indirect and possible leaks
# counted as errors, following forked and spawned workers (a spawned worker
# is parlab itself, so it is checked too).  Each run's log is kept in
# $MEMCHECK_DIR (default: a temp dir, removed) and its summary printed.
# Skipped (77) when valgrind is not installed.  Not part of make check.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lib-demos.sh"

command -v valgrind >/dev/null 2>&1 || { echo "valgrind not installed: skipped"; exit 77; }
logs=${MEMCHECK_DIR:-$TEST_TMP}
mkdir -p "$logs"

demo_table "$TEST_TMP/params"

# memcheck NAME WORDS...: one run under memcheck; fail on any report.
memcheck() {
	name=$1
	shift
	log=$logs/memcheck-$name.log
	rm -f "$log".*
	valgrind -q --leak-check=full --show-leak-kinds=definite,indirect,possible \
	    --errors-for-leak-kinds=definite,indirect,possible \
	    --error-exitcode=99 --trace-children=yes --child-silent-after-fork=no \
	    --log-file="$log.%p" "$PARLAB" run "$@" scale=0.01 --format json \
	    > "$TEST_TMP/out" 2> "$TEST_TMP/err"
	rc=$?
	if [ $rc -ne 0 ] || [ -n "$(cat "$log".* 2>/dev/null)" ]; then
		cat "$log".* >&2
		fail "$*: memcheck exit $rc: $(head -c 400 "$TEST_TMP/err")"
	fi
	ok "$*: memcheck clean ($(ls "$log".* | wc -l) processes)"
}

# Each demo with its defaults shrunk, then each other choice of each of its
# choice parameters once (spawn and process pools start other code paths).
while read -r demo; do
	small=$(demo_small "$TEST_TMP/params" "$demo")
	# shellcheck disable=SC2086
	memcheck "$demo" "$demo" $small
	awk -F '\t' -v d="$demo" '$1 == d && $4 ~ /\|/ {
		n = split($4, c, "|")
		for (i = 1; i <= n; i++) if (c[i] != $3) print $2 "=" c[i]
	}' "$TEST_TMP/params" > "$TEST_TMP/choices"
	while read -r word; do
		# A spawned worker execs /proc/self/exe, which under valgrind is
		# the valgrind tool itself, not parlab: the exec cannot work
		# there.  Forked workers run the same worker bodies and are
		# checked.
		[ "$word" = start=spawn ] && continue
		# shellcheck disable=SC2086
		memcheck "$demo-$word" "$demo" $small "$word"
	done < "$TEST_TMP/choices"
done < "$TEST_TMP/params.demos"

done_testing
