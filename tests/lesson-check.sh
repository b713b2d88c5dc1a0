#!/bin/sh
# lesson-check.sh -- `parlab check` over the shipped lessons (all clean),
# over a corpus of broken lessons (one exact message each) and of valid but
# odd ones (no message), `parlab list`
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
# corpus directory, so the file names in the messages are short).  A
# warn-* lesson still passes, unless --strict makes its warning an error.
count=0
for f in "$bad"/*.md; do
	name=$(basename "$f" .md)
	[ -f "$bad/$name.expected" ] || fail "no $name.expected"
	(cd "$bad" && "$PARLAB" check "$name.md") >"$TEST_TMP/out" \
	    2>"$TEST_TMP/err"
	rc=$?
	want=1
	case $name in warn-*) want=0 ;; esac
	[ "$rc" = "$want" ] || fail "$name.md: exit $rc, not $want"
	cmp -s "$TEST_TMP/err" "$bad/$name.expected" ||
	    fail "$name.md: got '$(cat "$TEST_TMP/err")', expected '$(cat "$bad/$name.expected")'"
	[ "$(wc -l <"$TEST_TMP/err")" = 1 ] || fail "$name.md: not one message"
	count=$((count + 1))
done
[ "$count" -ge 40 ] || fail "only $count broken lessons"
ok "$count broken lessons each give their one expected message"

for f in "$bad"/warn-*.md; do
	name=$(basename "$f" .md)
	(cd "$bad" && "$PARLAB" check --strict "$name.md") >"$TEST_TMP/out" \
	    2>"$TEST_TMP/err"
	rc=$?
	[ "$rc" = 1 ] || fail "--strict $name.md: exit $rc, not 1"
	sed 's/: warning: /: error: /' "$bad/$name.expected" |
	    cmp -s - "$TEST_TMP/err" || fail "--strict $name.md: $(cat "$TEST_TMP/err")"
done
ok "--strict makes each warning an error"

# Valid but odd lessons pass with nothing said, whatever the locale's
# decimal point (tolerances and autoplay are read without strtod).
odd="$top_srcdir/tests/lessons-odd"
expect_exit 0 "$PARLAB" check "$odd"/*.md
[ -s "$TEST_TMP/err" ] && fail "odd lessons: $(cat "$TEST_TMP/err")"
printf -- '---\nid: odd-crlf\ntitle: CRLF\nsummary: s\n---\n\n# P\n\n```run\nrace threads=2\n```\n' |
    sed 's/$/\r/' >"$TEST_TMP/crlf.md"
expect_exit 0 "$PARLAB" check "$TEST_TMP/crlf.md"
[ -s "$TEST_TMP/err" ] && fail "CRLF lesson: $(cat "$TEST_TMP/err")"
for loc in C de_DE.UTF-8 fr_FR.UTF-8; do
	LC_ALL=$loc "$PARLAB" check --dump "$odd/tolerances.md" \
	    >"$TEST_TMP/out" 2>&1 || fail "$loc: $(cat "$TEST_TMP/out")"
	grep -q 'predict=lost tolerance=0:' "$TEST_TMP/out" || fail "$loc: 0%"
	grep -q 'predict=max_lag_ms tolerance=0 margin=0.5:' "$TEST_TMP/out" ||
	    fail "$loc: ±0.5: $(grep predict "$TEST_TMP/out")"
	grep -q 'margin=5:' "$TEST_TMP/out" || fail "$loc: +- 5"
	grep -q 'autoplay=2.5$' "$TEST_TMP/out" || fail "$loc: autoplay"
done
ok "valid but odd lessons pass; 0%, ±0.5 and +-0.5 are read in any locale"

# Faults made here, since they are not text files.
hdr='---\nid: gen\ntitle: t\nsummary: s\n---\n'
{ printf '%b' "$hdr"; printf '\ntext\000more\n'; } >"$TEST_TMP/nul.md"
expect_exit 1 "$PARLAB" check "$TEST_TMP/nul.md"
[ "$(cat "$TEST_TMP/err")" = "$TEST_TMP/nul.md:7: error: not a text file (NUL byte at offset 41)" ] ||
    fail "NUL: $(cat "$TEST_TMP/err")"
ok "a NUL byte: not a text file"

# The last line of a listing at the end of the file is cleaned like any.
{ printf '%b' "$hdr"; printf '\n```python\nx = 1\033[2J'; } >"$TEST_TMP/esc.md"
"$PARLAB" check --dump "$TEST_TMP/esc.md" >"$TEST_TMP/out" 2>/dev/null
grep -q '| x = 1$' "$TEST_TMP/out" || fail "esc: $(cat "$TEST_TMP/out")"
tr -d '\033' <"$TEST_TMP/out" | cmp -s - "$TEST_TMP/out" || fail "an escape reached the model"
ok "a listing's last line without a newline is cleaned of escapes"

# UTF-16 (with a byte-order mark or without) and CR-only line ends say so.
printf '\377\376-\000-\000-\000\n\000' >"$TEST_TMP/u16bom.md"
expect_exit 1 "$PARLAB" check "$TEST_TMP/u16bom.md"
[ "$(cat "$TEST_TMP/err")" = "$TEST_TMP/u16bom.md:1: error: the file is UTF-16 (it starts with a UTF-16 byte-order mark): save it as UTF-8" ] ||
    fail "UTF-16 BOM: $(cat "$TEST_TMP/err")"
printf -- '-\000-\000-\000\n\000i\000d\000:\000 \000x\000\n\000' >"$TEST_TMP/u16.md"
expect_exit 1 "$PARLAB" check "$TEST_TMP/u16.md"
[ "$(cat "$TEST_TMP/err")" = "$TEST_TMP/u16.md:1: error: the file looks like UTF-16 (every other byte is NUL): save it as UTF-8" ] ||
    fail "UTF-16: $(cat "$TEST_TMP/err")"
{ printf '%b' "$hdr"; printf '\n# Page\n\ntext\n'; } | tr '\n' '\r' >"$TEST_TMP/cr.md"
expect_exit 1 "$PARLAB" check "$TEST_TMP/cr.md"
[ "$(cat "$TEST_TMP/err")" = "$TEST_TMP/cr.md:1: error: the file has CR-only line ends (classic Mac OS): save it with LF (Unix) line ends" ] ||
    fail "CR-only: $(cat "$TEST_TMP/err")"
{ printf '%b' "$hdr"; printf '\n# Page\n\ntext\rmore\n'; } >"$TEST_TMP/cr1.md"
expect_exit 1 "$PARLAB" check "$TEST_TMP/cr1.md"
[ "$(cat "$TEST_TMP/err")" = "$TEST_TMP/cr1.md:9: error: this line ends with a lone CR (a classic Mac OS line end): save the file with LF (Unix) line ends" ] ||
    fail "a lone CR: $(cat "$TEST_TMP/err")"
ok "UTF-16 and CR line ends are named"

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

# list says which file each lesson is and which file it replaces.
PARLAB_LESSONS="$TEST_TMP/mine:$lessons" "$PARLAB" list --json >"$TEST_TMP/out"
grep -q "\"id\":\"race-and-lock\",[^}]*\"path\":\"$TEST_TMP/mine/04-races.md\",[^}]*\"replaces\":\"$lessons/04-races-and-locks.md\"" \
    "$TEST_TMP/out" || fail "list --json: no replaces: $(cat "$TEST_TMP/out")"
grep -q '"id":"gil",[^}]*"replaces":""' "$TEST_TMP/out" ||
    fail "list --json: replaces of a lesson that replaces nothing"
PARLAB_LESSONS="$TEST_TMP/mine:$lessons" "$PARLAB" list >"$TEST_TMP/out"
grep -A3 ' race-and-lock ' "$TEST_TMP/out" | grep -q "^ *file $TEST_TMP/mine/04-races.md\$" ||
    fail "list: no file: $(cat "$TEST_TMP/out")"
grep -A3 ' race-and-lock ' "$TEST_TMP/out" | grep -q "^ *replaces $lessons/04-races-and-locks.md\$" ||
    fail "list: no replaces: $(cat "$TEST_TMP/out")"
ok "list names each lesson's file and the file it replaces"

# Two files with one id in one directory: a warning naming both; a
# refused file makes list exit 1.
cp "$TEST_TMP/mine/04-races.md" "$TEST_TMP/mine/05-races-again.md"
PARLAB_LESSONS="$TEST_TMP/mine"
expect_exit 0 "$PARLAB" list
[ "$(cat "$TEST_TMP/err")" = "$TEST_TMP/mine/05-races-again.md:2: warning: duplicate id 'race-and-lock' in one directory: this file is skipped, $TEST_TMP/mine/04-races.md is used" ] ||
    fail "same id twice in a directory: $(cat "$TEST_TMP/err")"
cp "$bad/demo-misspelt.md" "$TEST_TMP/mine/"
expect_exit 1 "$PARLAB" list
grep -q "demo-misspelt.md:12: error: unknown demo 'rcae'" "$TEST_TMP/err" ||
    fail "list: refused file not named: $(cat "$TEST_TMP/err")"
grep -q "^1 lesson file was refused" "$TEST_TMP/err" || fail "list: $(cat "$TEST_TMP/err")"
grep -q 'race-and-lock' "$TEST_TMP/out" || fail "list: the good lesson went missing"
PARLAB_LESSONS="$lessons"
ok "a second file with one id warns naming both; a refused file: exit 1"

# --reset-progress forgets the saved progress file.
mkdir -p "$XDG_STATE_HOME/parlab"
printf 'parlab-progress 1\ngil 0 - -\n' >"$XDG_STATE_HOME/parlab/progress"
expect_exit 0 "$PARLAB" --reset-progress
[ ! -e "$XDG_STATE_HOME/parlab/progress" ] || fail "progress still there"
expect_exit 0 "$PARLAB" --reset-progress
ok "--reset-progress removes the progress file"

done_testing
