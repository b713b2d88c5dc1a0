# source-size.sh -- every C file in src/ can be read in one sitting: at most
# 600 lines.  The project header, parlab.h, is the exception STYLE.md makes
# (one header with every shared struct and prototype, as tmux keeps).
. "$top_srcdir/tests/lib.sh"

n=0
for f in "$top_srcdir"/src/*.c; do
	lines=$(wc -l < "$f")
	n=$((n + 1))
	[ "$lines" -le 600 ] || fail "src/${f##*/} has $lines lines, over 600: split it by concept"
done
[ "$n" -gt 50 ] || fail "found only $n files in $top_srcdir/src"
echo "ok: $n files in src/, none over 600 lines"
