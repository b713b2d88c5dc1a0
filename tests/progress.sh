#!/bin/sh
# progress.sh -- progress survives: three TUIs answering three lessons and
# quitting in every order keep every answer; reopening a lesson resumes at
# its last page with the answer shown; the menu opens on the last lesson;
# a mode-000 progress file is untouched; a FIFO does not hang start-up;
# `parlab progress [--json]` prints it all.
. "$top_srcdir/tests/lib.sh"
XDG_STATE_HOME="$TEST_TMP/state"; export XDG_STATE_HOME
PARLAB_LESSONS="$TEST_TMP/lessons"; export PARLAB_LESSONS
mkdir -p "$PARLAB_LESSONS"
for l in a b c; do
	cat > "$PARLAB_LESSONS/$l.md" <<LESSON
---
id: less-$l
title: Lesson $l of three
order: $(printf '%d' "'$l")
---
# Question $l

\`\`\`ask
Which one is right in lesson $l?
- [ ] not this
- [x] this one
> Because it is lesson $l.
\`\`\`

***

# Second page of $l

Nothing to answer here.
LESSON
done

# win N: the tmux target of the Nth TUI (windows of one session).
win() {
	echo "parlab-$$:$1"
}

# wait_win N PATTERN: poll window N until it shows PATTERN.
wait_win() {
	i=0
	while [ $i -lt 100 ]; do
		"$TMUX_PROG" -L "$TMUX_SOCK" capture-pane -p -t "$(win "$1")" > "$TEST_TMP/pane$1" 2>/dev/null
		grep -q -E -- "$2" "$TEST_TMP/pane$1" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	cat "$TEST_TMP/pane$1" >&2
	fail "window $1 never showed '$2'"
}

# Three TUIs at once, each answering its own lesson, quit in every order.
for order in "0 1 2" "0 2 1" "1 0 2" "1 2 0" "2 0 1" "2 1 0"; do
	rm -rf "$XDG_STATE_HOME" "$TEST_TMP/status" "$TEST_TMP/st1" "$TEST_TMP/st2"
	tmux_start 100 30 "$PARLAB less-a"
	"$TMUX_PROG" -L "$TMUX_SOCK" rename-session "parlab-$$"
	"$TMUX_PROG" -L "$TMUX_SOCK" new-window -d -t "$(win 1)" "$PARLAB less-b; echo \$? > '$TEST_TMP/st1'; sleep 600"
	"$TMUX_PROG" -L "$TMUX_SOCK" new-window -d -t "$(win 2)" "$PARLAB less-c; echo \$? > '$TEST_TMP/st2'; sleep 600"
	n=0
	for l in a b c; do
		wait_win $n "Which one is right in lesson $l"
		n=$((n + 1))
	done
	for n in 0 1 2; do
		"$TMUX_PROG" -L "$TMUX_SOCK" send-keys -t "$(win $n)" 2
		wait_win $n 'Right\.'
	done
	for n in $order; do
		"$TMUX_PROG" -L "$TMUX_SOCK" send-keys -t "$(win $n)" q
		sleep 0.2
	done
	i=0
	while [ $i -lt 100 ] && ! { [ -s "$TEST_TMP/status" ] && [ -s "$TEST_TMP/st1" ] && [ -s "$TEST_TMP/st2" ]; }; do
		sleep 0.1
		i=$((i + 1))
	done
	[ "$(cat "$TEST_TMP/status" "$TEST_TMP/st1" "$TEST_TMP/st2" 2>/dev/null)" = "0
0
0" ] || fail "quit order $order: the three did not all exit 0"
	"$PARLAB" progress --json > "$TEST_TMP/p.json" || fail "parlab progress --json"
	valid_json "$TEST_TMP/p.json"
	for l in a b c; do
		tr '{' '\n' < "$TEST_TMP/p.json" | grep -q "^\"id\":\"less-$l\",.*\"right\":\[1\]," ||
		    fail "quit order $order: lesson $l's right answer lost: $(cat "$TEST_TMP/p.json")"
	done
	[ "$(grep -o '"page":1,"block":2,"choice":2}' "$TEST_TMP/p.json" | wc -l)" = 3 ] ||
	    fail "quit order $order: a choice was lost: $(cat "$TEST_TMP/p.json")"
	"$TMUX_PROG" -L "$TMUX_SOCK" kill-server 2>/dev/null
	sleep 0.2
done
ok "three TUIs quitting in every order keep all three answers"
"$TMUX_PROG" -L "$TMUX_SOCK" kill-server 2>/dev/null
TMUX_SOCK=

# Reopening: the menu is on the last lesson, the lesson on its last page,
# the answer shown.
rm -rf "$XDG_STATE_HOME" "$TEST_TMP/status"
tmux_start 100 30 "$PARLAB less-b"
tmux_wait 'Which one is right in lesson b'
tmux_keys 2
tmux_wait 'Right\.'
tmux_keys Space
tmux_wait 'Second page of b'
tmux_keys q
[ "$(tmux_wait_exit)" = 0 ] || fail "parlab less-b did not exit 0"
"$TMUX_PROG" -L "$TMUX_SOCK" kill-server 2>/dev/null
rm -f "$TEST_TMP/status"
tmux_start 100 30 "$PARLAB"
tmux_wait 'Lesson b of three'
tmux_keys Enter
tmux_wait 'Second page of b'
ok "the menu opens on the last lesson, which resumes at its last page"
tmux_keys BSpace
tmux_wait 'Because it is lesson b'
tmux_wait 'Which one is right in lesson b'
ok "the earlier answer is shown"
tmux_keys q q
[ "$(tmux_wait_exit)" = 0 ] || fail "parlab did not exit 0"
"$TMUX_PROG" -L "$TMUX_SOCK" kill-server 2>/dev/null

"$PARLAB" progress > "$TEST_TMP/p.txt" || fail "parlab progress"
grep -q "less-b  Lesson b of three" "$TEST_TMP/p.txt" || fail "progress text: $(cat "$TEST_TMP/p.txt")"
grep -q "pages seen: 1, 2 (of 2); last page 1" "$TEST_TMP/p.txt" || fail "progress text: $(cat "$TEST_TMP/p.txt")"
grep -q "page 1, block 2: choice 2" "$TEST_TMP/p.txt" || fail "progress text: $(cat "$TEST_TMP/p.txt")"
"$PARLAB" progress --json > "$TEST_TMP/p.json" || fail "progress --json"
valid_json "$TEST_TMP/p.json"
grep -q '"last_lesson":"less-b"' "$TEST_TMP/p.json" || fail "progress --json: $(cat "$TEST_TMP/p.json")"
grep -q '"last_page":1' "$TEST_TMP/p.json" || fail "progress --json: $(cat "$TEST_TMP/p.json")"
ok "parlab progress [--json] prints pages, answers and the last page"

# A mode-000 file is left alone (one warning, progress in memory).
prog="$XDG_STATE_HOME/parlab/progress"
chmod 000 "$prog"
before=$(ls -l --time-style=full-iso "$prog"; cat "$prog" 2>/dev/null | cksum)
rm -f "$TEST_TMP/status"
tmux_start 100 30 "$PARLAB less-a"
tmux_wait 'not readable and writable by its owner'
tmux_wait 'Which one is right in lesson a'
tmux_keys 2
tmux_wait 'Right\.'
tmux_keys Space
tmux_wait 'Second page of a'
tmux_keys q
[ "$(tmux_wait_exit)" = 0 ] || fail "parlab with a mode-000 file did not exit 0"
"$TMUX_PROG" -L "$TMUX_SOCK" kill-server 2>/dev/null
after=$(ls -l --time-style=full-iso "$prog"; cat "$prog" 2>/dev/null | cksum)
[ "$before" = "$after" ] || fail "the mode-000 file changed: $before / $after"
ok "a mode-000 progress file is untouched after a session"

# A FIFO as the progress file: the TUI starts within a second.
rm -f "$prog" "$TEST_TMP/status"
mkfifo "$prog"
tmux_start 100 30 "$PARLAB less-a"
tmux_wait 'Which one is right in lesson a' 1
tmux_wait 'not a regular file' 1
tmux_keys q
[ "$(tmux_wait_exit)" = 0 ] || fail "parlab with a FIFO did not exit 0"
[ -p "$prog" ] || fail "the FIFO was replaced"
ok "a FIFO progress file does not hang start-up and is not replaced"
done_testing
