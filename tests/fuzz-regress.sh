# fuzz-regress.sh -- every input a fuzzer once found a bug with, replayed.
#
# fuzz/regress/lesson-*: lesson files, through `parlab check` (which runs the
# same lesson_build() the fuzzer does).  Each must end with exit 0 or 1 (a
# verdict, not a crash) and, in a sanitizer build, no sanitizer report:
# under ASan (make check in the CI's asan stage) a leak or a memory error
# fails here even when the exit status looks fine.
#   lesson-leak-code-fence.md: found by fuzz_lesson (LeakSanitizer): an
#     ask holding two code listings, the first empty (a language, no
#     lines), let the second overwrite the first's language unfreed.
. "$top_srcdir/tests/lib.sh"

n=0
for f in "$top_srcdir"/fuzz/regress/lesson-*; do
	[ -f "$f" ] || continue
	"$PARLAB" check "$f" > "$TEST_TMP/out" 2> "$TEST_TMP/err"
	rc=$?
	case $rc in
	0|1) ;;
	*) fail "$(basename "$f"): exit $rc: $(tail -c 1500 "$TEST_TMP/err")" ;;
	esac
	if grep -q -E 'Sanitizer|runtime error:' "$TEST_TMP/err"; then
		sed -n '/=====/,$p' "$TEST_TMP/err" >&2
		fail "$(basename "$f"): a sanitizer report"
	fi
	n=$((n + 1))
	ok "$(basename "$f"): exit $rc, no sanitizer report"
done
[ "$n" -gt 0 ] || fail "no regression inputs found"

done_testing
