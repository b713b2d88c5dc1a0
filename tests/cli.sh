# cli.sh -- the command line contract: help, version, list, usage errors,
# bad parameters (exit 2, named, nothing run), outputs and -o.
. "$top_srcdir/tests/lib.sh"

expect_exit 0 "$PARLAB" --help
grep -q "usage: parlab" "$TEST_TMP/out" || fail "--help has no usage"
grep -q "race" "$TEST_TMP/out" || fail "--help does not list the demos"
ok "--help"

expect_exit 0 "$PARLAB" --version
grep -q "^parlab [0-9]" "$TEST_TMP/out" || fail "--version: $(cat "$TEST_TMP/out")"
ok "--version"

expect_exit 0 "$PARLAB" list
grep -q "threads=10 (1 to 1024)" "$TEST_TMP/out" || fail "list lacks race's parameters"
expect_exit 0 "$PARLAB" list --json
valid_json "$TEST_TMP/out"
cp "$TEST_TMP/out" "$TEST_TMP/list.json"
grep -q '"demos":\[{"name":"gen"' "$TEST_TMP/out" || fail "list --json lacks demos"
grep -q '"lessons":' "$TEST_TMP/out" || fail "list --json lacks lessons"
ok "list, list --json"

expect_exit 2 "$PARLAB" --bogus
expect_exit 2 "$PARLAB" list --bogus
expect_exit 2 "$PARLAB" run
grep -q "run needs a demo" "$TEST_TMP/err" || fail "run without demo: $(cat "$TEST_TMP/err")"
expect_exit 2 "$PARLAB" run nosuch
grep -q "unknown demo 'nosuch'; demos: .*race" "$TEST_TMP/err" || fail "unknown demo message"
expect_exit 2 "$PARLAB" run race --format xml
grep -q "format is text, json or trace" "$TEST_TMP/err" || fail "bad format message"
ok "usage errors exit 2"

# Every bad parameter names itself and its range; nothing runs (no output).
bad_param race threads=0 "threads=0: out of range; threads is 1 to 1024"
bad_param race threads=abc "threads=abc: not a whole number; threads is 1 to 1024"
bad_param race threads=99999999999 "threads=99999999999: out of range; threads is 1 to 1024"
bad_param race sync=maybe "sync=maybe: not a choice; sync is one of none|lock|atomic|local"
bad_param race gil=yes "gil is one of none|new|old"
bad_param race scale=0 "scale=0: out of range; scale is 0.001 to 100"
bad_param race foo=1 "unknown parameter 'foo'; known: threads, iters, sync, gil, body, witness, scale"
bad_param race threads "'threads' is not key=value"
ok "bad parameters exit 2 and name themselves"

# Options may come before or after the parameters.
expect_exit 0 "$PARLAB" run --format json race threads=2 iters=1000
valid_json "$TEST_TMP/out"
expect_exit 0 "$PARLAB" run race threads=2 --format json iters=1000
valid_json "$TEST_TMP/out"
[ "$(json_num expected "$TEST_TMP/out")" = 2000 ] || fail "options between parameters"
ok "options anywhere"

# -o writes the file; stdout stays empty.
expect_exit 0 "$PARLAB" run race threads=2 iters=1000 --format json -o "$TEST_TMP/r.json"
[ ! -s "$TEST_TMP/out" ] || fail "-o still wrote to stdout"
valid_json "$TEST_TMP/r.json"
expect_exit 1 "$PARLAB" run race threads=2 iters=10 -o /nonexistent/dir/x
grep -q "/nonexistent/dir/x" "$TEST_TMP/err" || fail "-o error names the file"
ok "-o FILE"

# -o replaces the file only when the run succeeded: an interrupted run
# leaves the old file as it was, and no temp file behind.
echo "the old file" > "$TEST_TMP/keep.json"
"$PARLAB" run race threads=2 iters=100000000 --format json -o "$TEST_TMP/keep.json" 2>"$TEST_TMP/err" &
pid=$!
sleep 0.5
kill -INT "$pid"
st=0
wait "$pid" || st=$?
[ "$st" = 1 ] || fail "interrupted -o run: exit $st"
[ "$(cat "$TEST_TMP/keep.json")" = "the old file" ] || fail "interrupted -o run changed the file"
[ -z "$(ls "$TEST_TMP" | grep 'keep.json.tmp')" ] || fail "interrupted -o run left a temp file"
ok "-o keeps the old file when the run is interrupted"

# An option is not a file name for -o.
abs_parlab=$(cd "$(dirname "$PARLAB")" && pwd)/$(basename "$PARLAB")
st=0
(cd "$TEST_TMP" && exec "$abs_parlab" run race -o --no-trace) 2>"$TEST_TMP/err" || st=$?
[ "$st" = 2 ] || fail "-o --no-trace: exit $st, not 2"
[ ! -e "$TEST_TMP/--no-trace" ] || fail "-o --no-trace wrote a file"
grep -q -- "-o needs a file name" "$TEST_TMP/err" || fail "-o --no-trace: $(cat "$TEST_TMP/err")"
ok "-o refuses an option as its file"

# A name that is no lesson is bad usage (2); a broken lesson is refused
# with the checker's messages, before any curses (1).
expect_exit 2 "$PARLAB" nosuchlesson
grep -q "no lesson 'nosuchlesson'" "$TEST_TMP/err" || fail "unknown lesson: $(cat "$TEST_TMP/err")"
expect_exit 1 "$PARLAB" "$top_srcdir/tests/lessons-bad/no-right-answer.md"
grep -q "no-right-answer.md:[0-9]*: error: " "$TEST_TMP/err" || fail "broken lesson: $(cat "$TEST_TMP/err")"
ok "an unknown lesson exits 2, a broken one 1 with FILE:LINE errors"

# Every demo's text summary fits 80 columns (scaled down to be quick).
for d in $(sed -n 's/.*"demos":\[//p' "$TEST_TMP/list.json" | grep -o '"name":"[a-z]*","summary"' | cut -d'"' -f4); do
	"$PARLAB" run "$d" scale=0.01 > "$TEST_TMP/t" 2>"$TEST_TMP/err" || fail "run $d: $(cat "$TEST_TMP/err")"
	w=$(awk '{ if (length($0) > m) m = length($0) } END { print m }' "$TEST_TMP/t")
	[ "$w" -le 80 ] || fail "$d: text $w columns wide"
done
ok "every demo's text summary fits 80 columns"

# Closed standard streams: nothing of ours lands on fd 0-2, and output that
# cannot be written is an error (exit 1, said on stderr), never a silent 0.
. "$top_srcdir/tests/lib-demos.sh"
demo_table "$TEST_TMP/demos"
for d in $(cat "$TEST_TMP/demos.demos"); do
	small=$(demo_small "$TEST_TMP/demos" "$d")
	for fmt in json trace text; do
		# shellcheck disable=SC2086
		"$PARLAB" run "$d" $small --format $fmt >&- 2>"$TEST_TMP/err"
		st=$?
		[ "$st" = 1 ] || fail "run $d --format $fmt >&-: exit $st"
		grep -q "standard output is closed" "$TEST_TMP/err" ||
		    fail "run $d --format $fmt >&-: $(cat "$TEST_TMP/err")"
	done
	# With stdin and stdout closed the trace's memfd must not become one
	# of them: the export to -o is whole.
	# shellcheck disable=SC2086
	"$PARLAB" run "$d" $small --format json -o "$TEST_TMP/c.json" <&- >&- 2>"$TEST_TMP/err" ||
	    fail "run $d -o with fds 0 and 1 closed: $(cat "$TEST_TMP/err")"
	valid_json "$TEST_TMP/c.json"
done
ok "every demo with stdout closed exits 1 with a message"

for args in "list" "list --json" "--help" "--version"; do
	# shellcheck disable=SC2086
	"$PARLAB" $args >&- 2>"$TEST_TMP/err" && fail "$args >&- exited 0"
	grep -q "cannot write to standard output" "$TEST_TMP/err" || fail "$args >&-: $(cat "$TEST_TMP/err")"
	if [ -w /dev/full ]; then
		# shellcheck disable=SC2086
		"$PARLAB" $args > /dev/full 2>"$TEST_TMP/err" && fail "$args > /dev/full exited 0"
		grep -q "No space left" "$TEST_TMP/err" || fail "$args > /dev/full: $(cat "$TEST_TMP/err")"
	fi
done
ok "list, --help, --version to a closed or full stdout exit 1"

done_testing
