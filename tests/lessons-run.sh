#!/bin/sh
# lessons-run.sh -- every shipped lesson opens in the TUI, and every run
# block in it runs (headless, scaled down) and gives a JSON summary.
. "$top_srcdir/tests/lib.sh"
PARLAB_LESSONS="$top_srcdir/lessons"; export PARLAB_LESSONS
XDG_STATE_HOME="$TEST_TMP/state"; export XDG_STATE_HOME

n=0
for f in "$top_srcdir"/lessons/*.md; do
	"$PARLAB" check --dump "$f" > "$TEST_TMP/dump" || fail "$f does not check"
	# "LINE run N demo=D k=v ... knob=k ...: " -> "D k=v ..."
	sed -n 's/^\([0-9]*\) run [0-9]* demo=\([a-z]*\)\(.*\):.*$/\1 \2\3/p' "$TEST_TMP/dump" |
	    sed 's/ knob=[a-z_]*//g' > "$TEST_TMP/runs"
	[ -s "$TEST_TMP/runs" ] || fail "$(basename "$f") has no run block"
	while read -r line demo params; do
		# shellcheck disable=SC2086
		"$PARLAB" run "$demo" $params scale=0.1 --format json \
		    > "$TEST_TMP/j" 2> "$TEST_TMP/err" < /dev/null ||
		    fail "$(basename "$f"):$line: run $demo $params: $(cat "$TEST_TMP/err")"
		valid_json "$TEST_TMP/j"
		grep -q "\"demo\":\"$demo\"" "$TEST_TMP/j" || fail "$f:$line: no summary"
		n=$((n + 1))
	done < "$TEST_TMP/runs"
done
[ "$n" -ge 10 ] || fail "only $n run blocks in the lessons"
ok "all $n run blocks of the shipped lessons run"

# Each lesson opens by id in the TUI: its title and a page counter show.
for f in "$top_srcdir"/lessons/*.md; do
	id=$(sed -n 's/^id: *//p' "$f" | head -n 1)
	title=$(sed -n 's/^title: *//p' "$f" | head -n 1)
	rm -f "$TEST_TMP/status"
	tmux_start 100 30 "$PARLAB $id"
	tmux_wait "$title"
	tmux_wait ' 1/[0-9]+'
	tmux_keys q
	st=$(tmux_wait_exit 10)
	[ "$st" = 0 ] || fail "$id: exit status $st"
	"$TMUX_PROG" -L "$TMUX_SOCK" kill-server 2>/dev/null
	i=0
	while "$TMUX_PROG" -L "$TMUX_SOCK" has-session 2>/dev/null && [ $i -lt 50 ]; do
		sleep 0.1; i=$((i + 1))
	done
done
ok "every shipped lesson opens in the TUI"
done_testing
