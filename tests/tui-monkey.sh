#!/bin/sh
# tui-monkey.sh -- no key ends parlab until asked.  For every shipped
# lesson, on every page and after every reveal, every key the help lists
# (Esc and q, which leave, at the end of each lesson); then 500 seeded
# random keys with resizes.  parlab must still be running after each
# batch, then q from the menu exits 0.
. "$top_srcdir/tests/lib.sh"
PARLAB_LESSONS="$top_srcdir/lessons"; export PARLAB_LESSONS
XDG_STATE_HOME="$TEST_TMP/state"; export XDG_STATE_HOME
SEED=${PARLAB_MONKEY_SEED:-11}

resize() {
	"$TMUX_PROG" -L "$TMUX_SOCK" resize-window -t 0 -x "$1" -y "$2"
}

# alive WHAT: fail if parlab has exited.
alive() {
	sleep 0.05
	[ -s "$TEST_TMP/status" ] &&
	    fail "parlab exited ($(cat "$TEST_TMP/status")) after $1: $(tmux_capture)"
	return 0
}

# The keys of the help tables that stay on the page, in an order that
# leaves the knob row without Esc (Enter on an empty value leaves it).
# Arrows and Backspace turn pages off the knob row and the prediction.
page_keys() {
	tmux_capture > "$TEST_TMP/keys-pane"
	set -- '?' j k x Down Up j k NPage PPage 1 2 3 4 5 6 7 8 9 a a
	if grep -q 'Your prediction' "$TEST_TMP/keys-pane"; then
		set -- "$@" 0 . 5 BSpace Enter
	fi
	if grep -q 'Tab knobs' "$TEST_TMP/keys-pane"; then
		set -- "$@" Tab Right Up Down Left BTab 2 Enter + - Enter \
		    + - r p p v R v v z Z '<' '>' ',' . z x e \
		    '[' ']' ']' '[' r x c c f j k x t m m H L t \
		    c Down Up a b 1 2 Enter j k c x P f P
	fi
	tmux_keys "$@"
}

tmux_start 100 30 "$PARLAB"
tmux_wait 'Choosing'
nlessons=$(ls "$PARLAB_LESSONS"/*.md | grep -c .)
[ "$nlessons" -ge 10 ] || fail "parlab list shows $nlessons lessons"
tmux_keys '?' x k j NPage PPage End Home
alive "the menu keys"

# (tmux_wait uses $i: the lesson counter is $les.)
les=0
while [ $les -lt "$nlessons" ]; do
	set -- Home
	n=0
	while [ $n -lt $les ]; do
		set -- "$@" Down
		n=$((n + 1))
	done
	tmux_keys "$@" Enter
	tmux_wait ' 1/[0-9]+ *$'
	steps=0
	while :; do
		page_keys
		alive "lesson $les step $steps"
		tmux_capture > "$TEST_TMP/pane"
		pos=$(head -n 1 "$TEST_TMP/pane" | awk '{ print $NF }')
		if [ "${pos%/*}" = "${pos#*/}" ] &&
		    ! grep -q 'more: space' "$TEST_TMP/pane"; then
			break
		fi
		steps=$((steps + 1))
		[ $steps -lt 80 ] || fail "lesson $les never ends: $pos"
		tmux_keys Space
	done
	tmux_keys Left h BSpace End Home g G l n
	alive "lesson $les navigation"
	if [ $((les % 2)) = 0 ]; then tmux_keys q; else tmux_keys Escape; fi
	tmux_wait 'Choosing'
	alive "leaving lesson $les"
	les=$((les + 1))
done
ok "every key of the help on every page of $nlessons lessons"

# 500 random keys (no q or Esc: those leave), resizing every 50.
awk -v seed="$SEED" 'BEGIN {
	n = split("Up Down Left Right Home End NPage PPage Enter Space c f t m H L " \
	    "BSpace Tab BTab j k h l g G n ? 0 1 2 3 4 5 6 7 8 9 . , " \
	    "r x + - [ ] p R v z Z < > e a", k, " ")
	srand(seed)
	for (i = 0; i < 500; i++)
		printf "%s%s", k[int(rand() * n) + 1], (i % 10 == 9) ? "\n" : " "
}' > "$TEST_TMP/keys"
sizes="80x24 40x12 160x50 30x8 120x40 41x13 100x30 200x60 60x20 100x30"
batch=0
while read -r line; do
	# shellcheck disable=SC2086
	tmux_keys $line
	batch=$((batch + 1))
	if [ $((batch % 5)) = 0 ]; then
		set -- $sizes
		shift $(( (batch / 5 - 1) % 10 ))
		resize "${1%x*}" "${1#*x}"
	fi
	alive "random batch $batch ($line)"
done < "$TEST_TMP/keys"
ok "500 random keys and 10 resizes (seed $SEED)"

resize 100 30
tmux_keys x q q q
st=$(tmux_wait_exit 20)
[ "$st" = 0 ] || fail "exit status $st"
ok "q from the menu exits 0"
done_testing
