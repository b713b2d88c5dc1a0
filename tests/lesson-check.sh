#!/bin/sh
# lesson-check.sh -- `parlab check` over the shipped lessons (all clean) and
# over a corpus of broken lessons (one exact message each), `parlab list`
# of the lessons, and no crash on bytes that are not a lesson at all.

. "$top_srcdir/tests/lib.sh"

lessons="$top_srcdir/lessons"
bad="$top_srcdir/tests/lessons-bad"
export XDG_DATA_HOME="$TEST_TMP/data" XDG_STATE_HOME="$TEST_TMP/state"

# Every shipped lesson passes, with no warning either.
expect_exit 0 "$PARLAB" check "$lessons"/*.md
[ -s "$TEST_TMP/err" ] && fail "lessons have warnings: $(cat "$TEST_TMP/err")"
n=$(ls "$lessons"/*.md | wc -l)
[ "$n" -ge 10 ] || fail "only $n lessons"
ok "parlab check passes all $n lessons"

# Each broken lesson gets exactly its expected message (run from the
# corpus directory, so the file names in the messages are short).
count=0
for f in "$bad"/*.md; do
	name=$(basename "$f" .md)
	[ -f "$bad/$name.expected" ] || fail "no $name.expected"
	(cd "$bad" && "$PARLAB" check "$name.md") >"$TEST_TMP/out" \
	    2>"$TEST_TMP/err"
	rc=$?
	[ "$rc" = 1 ] || fail "$name.md: exit $rc, not 1"
	cmp -s "$TEST_TMP/err" "$bad/$name.expected" ||
	    fail "$name.md: got '$(cat "$TEST_TMP/err")', expected '$(cat "$bad/$name.expected")'"
	count=$((count + 1))
done
[ "$count" -ge 15 ] || fail "only $count broken lessons"
ok "$count broken lessons each give their one expected message"

# Faults made here, since they are not text files.
hdr='---\nid: gen\ntitle: t\nsummary: s\n---\n'
{ printf '%b' "$hdr"; printf '\ntext\000more\n'; } >"$TEST_TMP/nul.md"
expect_exit 1 "$PARLAB" check "$TEST_TMP/nul.md"
[ "$(cat "$TEST_TMP/err")" = "$TEST_TMP/nul.md:7: error: not a text file (NUL byte at offset 41)" ] ||
    fail "NUL: $(cat "$TEST_TMP/err")"
ok "a NUL byte: not a text file"

{ printf '%b' "$hdr"; head -c 1048576 /dev/zero | tr '\0' 'a'; } >"$TEST_TMP/big.md"
expect_exit 1 "$PARLAB" check "$TEST_TMP/big.md"
grep -q "^$TEST_TMP/big.md: error: file is too large (1048612 bytes; the limit is 1 MiB)$" "$TEST_TMP/err" ||
    fail "big: $(cat "$TEST_TMP/err")"
ok "a file over 1 MiB is refused"

{ printf '%b' "$hdr"; head -c 5000 /dev/zero | tr '\0' 'b'; printf '\n'; } >"$TEST_TMP/long.md"
expect_exit 1 "$PARLAB" check "$TEST_TMP/long.md"
[ "$(cat "$TEST_TMP/err")" = "$TEST_TMP/long.md:6: error: line is too long (5000 bytes; the limit is 4096)" ] ||
    fail "long: $(cat "$TEST_TMP/err")"
ok "a line over 4096 bytes"

# An id given twice across the files checked together.
cp "$lessons/04-races-and-locks.md" "$TEST_TMP/copy.md"
expect_exit 1 "$PARLAB" check "$lessons/04-races-and-locks.md" "$TEST_TMP/copy.md"
[ "$(cat "$TEST_TMP/err")" = "$TEST_TMP/copy.md:2: error: duplicate id 'race-and-lock' (also in $lessons/04-races-and-locks.md:2)" ] ||
    fail "duplicate: $(cat "$TEST_TMP/err")"
ok "a duplicate id names both files"

# Random bytes and every truncation of a lesson: an exit, never a crash.
i=0
while [ $i -lt 20 ]; do
	head -c $((i * 997 + 1)) /dev/urandom >"$TEST_TMP/r.md"
	"$PARLAB" check "$TEST_TMP/r.md" >/dev/null 2>&1
	rc=$?
	[ "$rc" -le 1 ] || fail "random bytes: exit $rc"
	i=$((i + 1))
done
size=$(wc -c <"$lessons/06-the-gil.md")
for cut in 1 10 100 300 700 1500 2500 $((size - 1)); do
	head -c "$cut" "$lessons/06-the-gil.md" >"$TEST_TMP/cut.md"
	"$PARLAB" check "$TEST_TMP/cut.md" >/dev/null 2>&1
	rc=$?
	[ "$rc" -le 1 ] || fail "cut at $cut: exit $rc"
done
ok "random and truncated files exit 0 or 1"

# parlab list finds the lessons on the search path, in order.
export PARLAB_LESSONS="$lessons"
expect_exit 0 "$PARLAB" list --json
valid_json "$TEST_TMP/out"
for id in why-parallel generators threads race-and-lock queues gil \
    processes pools asyncio choosing deadlock; do
	grep -q "{\"id\":\"$id\",\"title\":\"[^\"]" "$TEST_TMP/out" ||
	    fail "list --json lacks $id"
done
grep -q '"id":"race-and-lock","title":"Races and locks"' "$TEST_TMP/out" ||
    fail "list --json: no title for race-and-lock"
grep -q '"path":"[^"]*/04-races-and-locks.md","pages":7' "$TEST_TMP/out" ||
    fail "list --json: no path or pages"
ok "list --json gives every lesson's id, title, path and pages"

expect_exit 0 "$PARLAB" list
[ "$(grep -c '^ *[0-9]* [a-z-]* ' "$TEST_TMP/out")" -ge 10 ] ||
    fail "list: $(cat "$TEST_TMP/out")"
sed -n '2p' "$TEST_TMP/out" | grep -q 'why-parallel' ||
    fail "list is not in lesson order"
ok "list shows the lessons in order"

# A teacher's copy with the same id shadows the shipped lesson.
mkdir -p "$TEST_TMP/mine"
sed 's/^title: .*/title: My own races/' "$lessons/04-races-and-locks.md" \
    >"$TEST_TMP/mine/04-races.md"
PARLAB_LESSONS="$TEST_TMP/mine:$lessons" "$PARLAB" list --json >"$TEST_TMP/out"
grep -q '"id":"race-and-lock","title":"My own races"' "$TEST_TMP/out" ||
    fail "the teacher's copy did not shadow the shipped lesson"
[ "$(grep -o '"id":"race-and-lock"' "$TEST_TMP/out" | wc -l)" = 1 ] ||
    fail "race-and-lock listed twice"
ok "the first directory on the search path wins"

# --reset-progress forgets the saved progress file.
mkdir -p "$XDG_STATE_HOME/parlab"
printf 'parlab-progress 1\ngil 0 - -\n' >"$XDG_STATE_HOME/parlab/progress"
expect_exit 0 "$PARLAB" --reset-progress
[ ! -e "$XDG_STATE_HOME/parlab/progress" ] || fail "progress still there"
expect_exit 0 "$PARLAB" --reset-progress
ok "--reset-progress removes the progress file"

done_testing
