# escapes.sh -- a lesson cannot drive the terminal it is shown on.
#
# A lesson is written here with escape sequences everywhere text can go:
# the title, a heading (clear screen), a paragraph (OSC window title, alt
# screen off, bell, reset), a link target, a C1 CSI (U+009B), a code block,
# an ask with its choices and explanation.  Then:
#   - `parlab check` and `parlab check --dump` print no control byte but
#     newline (the parsed model holds none);
#   - shown in the TUI (tmux), the pane title is not changed by the OSC,
#     the page is drawn with the text around the stripped sequences, and q
#     leaves with exit 0.
# The file is made at run time, so no raw escape bytes live in git.
. "$top_srcdir/tests/lib.sh"
XDG_STATE_HOME="$TEST_TMP/state"; export XDG_STATE_HOME

E=$(printf '\033')
B=$(printf '\007')
C1=$(printf '\302\233')
f=$TEST_TMP/escapes.md
cat > "$f" <<EOF
---
id: escapes
title: Escapes ${E}]2;PWNED${B}title${E}[31m
summary: escape sequences in every text ${E}]2;PWNED${B}
---
# Heading ${E}[2J${E}[Hcleared
Text with ${E}]2;PWNED${B}an OSC title and ${E}[?1049l alt screen off,
a bell ${B} and ${E}c reset, and a C1 CSI: ${C1}7m end.
A [link](http://x/${E}]2;PWNED${B}) here.

\`\`\`python
value = value + 1 ${E}[5m blink
\`\`\`

\`\`\`run
race threads=2 iters=10
\`\`\`

\`\`\`ask
Pick ${E}[7m one
- [x] right ${E}]2;PWNED${B}
- [ ] wrong
> Because ${E}[8m hidden.
\`\`\`
EOF

# no_controls FILE WHAT: fail if FILE holds a C0 byte other than a newline
# or a tab, DEL, or a C1 control.
no_controls() {
	if LC_ALL=C grep -q -P '[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]' "$1"; then
		cat -v "$1" >&2
		fail "$2 prints control bytes"
	fi
}

"$PARLAB" check "$f" > "$TEST_TMP/out" 2>&1
rc=$?
[ $rc = 0 ] || fail "check: exit $rc: $(cat -v "$TEST_TMP/out")"
no_controls "$TEST_TMP/out" "parlab check"
ok "parlab check prints no control byte"

expect_exit 0 "$PARLAB" check --dump "$f"
cat "$TEST_TMP/err" >> "$TEST_TMP/out"
no_controls "$TEST_TMP/out" "parlab check --dump"
grep -q "Heading cleared" "$TEST_TMP/out" || fail "dump: $(cat -v "$TEST_TMP/out")"
grep -q "Text with an OSC title" "$TEST_TMP/out" || fail "dump lost the text around a sequence"
ok "the parsed model holds no control byte, the text around them stays"

tmux_start 100 30 "$PARLAB '$f'"
tmux_wait 'Heading cleared'
tmux_wait 'an OSC title'
title=$("$TMUX_PROG" -L "$TMUX_SOCK" display-message -p -t 0 '#{pane_title}')
case $title in
*PWNED*) fail "a lesson set the terminal title: $title" ;;
esac
tmux_capture > "$TEST_TMP/pane"
grep -q 'Escapes' "$TEST_TMP/pane" || grep -q 'Heading' "$TEST_TMP/pane" ||
    fail "the page is not drawn"
ok "in the TUI: title untouched ($title), page drawn"
tmux_keys q
[ "$(tmux_wait_exit 10)" = 0 ] || fail "q did not exit 0"
ok "q exits 0"

done_testing
